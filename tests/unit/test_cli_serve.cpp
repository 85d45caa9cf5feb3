// `slhmc serve` against slhmc's own i-PI server (no Python needed): the round
// trip is exact with the same constants on both sides, over UNIX and TCP;
// a structure that does not match the server's atoms is a clear error on both
// sides; wrong options are refused.
#include <gtest/gtest.h>

#include "crystal_frames.hpp"
#include "ipi_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
namespace {

const char* kLj = "[potential]\ntype = \"lj\"\nepsilon = 0.0104\nsigma = 3.40\ncutoff = 8.5\n";

Frame argon(unsigned seed) {
  return test::perturbed(test::strained(test::fcc_frame(5.26, 2, 18, 18), test::triclinic_strain()), 0.2, seed);
}

ipi::ServerOptions serve_server(const test::TempDir& dir, const std::string& exe, bool tcp) {
  ipi::ServerOptions o;
  o.address.unix_socket = !tcp;
  o.address.name = test::unique_socket_name("serve");
  o.address.port = 0;
  o.timeout_s = 30;
  o.connect_timeout_s = 30;
  o.launch = ipi::ClientLaunch{exe + " serve --potential-config lj.toml --structure ar.xyz --ipi " +
                                   (tcp ? "127.0.0.1:{port}" : "unix:{name}"),
                               dir.path().string(), {}, "serve.log"};
  return o;
}

void check_round_trip(bool tcp) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  test::write_text(dir.file("lj.toml"), kLj);
  write_structures(dir.file("ar.xyz"), {LabelledFrame{argon(1), {}, {}}}, StructureFormat::extxyz);
  auto providers = ipi::make_ipi_providers(serve_server(dir, exe, tcp), 1);
  ProviderContext context;
  const auto lj = make_provider(Config::parse(kLj, "lj").section("potential"), context);
  for (unsigned seed : {2u, 3u}) {
    const Frame f = argon(seed);
    ComputeRequest request;
    request.virial = true;
    const ComputeResult got = providers[0]->compute(f, request);
    const ComputeResult want = lj->compute(f, request);
    EXPECT_NEAR(got.energy, want.energy, 1e-13 * std::abs(want.energy));
    EXPECT_LT(test::relative_force_difference(got.forces, want.forces), 1e-13);
    EXPECT_LT(test::relative_matrix_difference(got.virial, want.virial), 1e-13);
  }
  providers.clear();  // EXIT: serve ends and says so
  EXPECT_NE(test::read_text(dir.file("serve.log")).find("2 evaluations; the server sent EXIT"), std::string::npos)
      << test::read_text(dir.file("serve.log"));
}

TEST(CliServe, OwnServerRoundTripIsExactOverUnix) { check_round_trip(false); }
TEST(CliServe, OwnServerRoundTripIsExactOverTcp) { check_round_trip(true); }

TEST(CliServe, AtomCountMismatchIsAnErrorOnBothSides) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  test::write_text(dir.file("lj.toml"), kLj);
  Frame fewer = argon(1);
  fewer.positions.pop_back();
  fewer.numbers.pop_back();
  fewer.masses.pop_back();
  write_structures(dir.file("ar.xyz"), {LabelledFrame{fewer, {}, {}}}, StructureFormat::extxyz);
  auto providers = ipi::make_ipi_providers(serve_server(dir, exe, false), 1);
  try {
    providers[0]->compute(argon(2), ComputeRequest{});
    ADD_FAILURE() << "no error";
  } catch (const EngineError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("exited with status 1"), std::string::npos) << m;
    EXPECT_NE(m.find("POSDATA holds 32 atoms, expected 31"), std::string::npos) << m;
  }
}

TEST(CliServe, NeedsExactlyOnePotential) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  write_structures(dir.file("ar.xyz"), {LabelledFrame{argon(1), {}, {}}}, StructureFormat::extxyz);
  std::string out;
  EXPECT_EQ(test::run_command(exe + " serve --structure " + dir.file("ar.xyz") + " --ipi x", &out), 1);
  EXPECT_NE(out.find("give exactly one of --model PATH and --potential-config"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(exe + " serve --potential-config lj.toml --structure " + dir.file("ar.xyz") +
                                  " --ipi host:99999",
                              &out),
            1);
  EXPECT_NE(out.find("expected NAME"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
