// The i-PI server and client against ASE 3.22 (python3-ase): ASE's own
// SocketClient with EMT through our server equals EMT called directly, for a
// triclinic Cu cell, over UNIX and TCP, with one and with two clients at
// once; `slhmc serve` driven by ASE's SocketIOCalculator equals our provider
// and, with an aenet model, `slhmc predict`.
#include <gtest/gtest.h>

#include <thread>

#include "crystal_frames.hpp"
#include "ipi_test_support.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
namespace {

using test::TempDir;

#define REQUIRE_ASE()                                                                           \
  if (!test::have_python_module("ase.calculators.socketio"))                                   \
  GTEST_SKIP() << "python3-ase is not installed (/usr/bin/python3 cannot import ase)"

Frame cu_triclinic(unsigned seed) {
  return test::perturbed(test::strained(test::fcc_frame(3.61, 2, 29, 29), test::triclinic_strain()), 0.12, seed);
}

void write_frames(const std::string& path, const std::vector<Frame>& frames) {
  std::vector<LabelledFrame> out;
  for (const auto& f : frames) out.push_back(LabelledFrame{f, {}, {}});
  write_structures(path, out, StructureFormat::extxyz);
}

std::vector<test::PythonResult> emt_direct(const std::string& xyz, const TempDir& dir) {
  return test::run_python_json(test::kSystemPython + " " + test::ipi_client_script("ase_emt_direct.py") + " " + xyz, dir);
}

// `slhmc serve` options for ASE's constants.
std::string ase_constants_options() {
  const auto units = test::ase_units();
  char constants[128];
  std::snprintf(constants, sizeof constants, " --bohr-angstrom %.17g --hartree-ev %.17g", units.bohr_angstrom,
                units.hartree_ev);
  return constants;
}

ipi::ServerOptions ase_emt_server(const TempDir& dir, const std::string& xyz, bool tcp) {
  ipi::ServerOptions o;
  o.address.unix_socket = !tcp;
  o.address.name = test::unique_socket_name("ase");
  o.address.port = 0;  // any free port
  o.units = test::ase_units();
  o.timeout_s = 60;
  o.connect_timeout_s = 60;
  ipi::ClientLaunch launch;
  launch.command = test::kSystemPython + " " + test::ipi_client_script("ase_client.py") + " " + xyz + " " +
                   (tcp ? "127.0.0.1:{port}" : "unix:{name}") + " emt";
  launch.directory = dir.path().string();
  o.launch = launch;
  return o;
}

void expect_same(const ComputeResult& r, const test::PythonResult& ref, double tolerance) {
  EXPECT_NEAR(r.energy, ref.energy, tolerance * std::abs(ref.energy));
  EXPECT_LT(test::relative_force_difference(r.forces, ref.forces), tolerance);
  ASSERT_TRUE(r.has_virial);
  EXPECT_LT(test::relative_matrix_difference(r.virial, ref.virial), tolerance);
}

void check_emt_through_server(bool tcp) {
  TempDir dir;
  const std::vector<Frame> frames{cu_triclinic(1), cu_triclinic(2), cu_triclinic(3)};
  const std::string xyz = dir.file("cu.xyz");
  write_frames(xyz, frames);
  const auto direct = emt_direct(xyz, dir);
  auto providers = ipi::make_ipi_providers(ase_emt_server(dir, xyz, tcp), 1);
  // Several calls: ASE's client asks for INIT after each one.
  for (std::size_t k = 0; k < frames.size(); ++k) {
    ComputeRequest request;
    request.virial = true;
    const ComputeResult r = providers[0]->compute(frames[k], request);
    expect_same(r, direct[k], 1e-10);
    EXPECT_GT(std::abs(direct[k].virial[0][1]), 1e-3) << "the cell is meant to be triclinic and strained";
  }
  EXPECT_EQ(providers[0]->evaluations(), 3);
}

TEST(IpiAse, EmtThroughUnixSocketEqualsEmtDirectly) {
  REQUIRE_ASE();
  check_emt_through_server(false);
}

TEST(IpiAse, EmtThroughTcpEqualsEmtDirectly) {
  REQUIRE_ASE();
  check_emt_through_server(true);
}

TEST(IpiAse, TwoClientsServeTwoWalkersAtOnce) {
  REQUIRE_ASE();
  TempDir dir;
  const std::vector<Frame> frames{cu_triclinic(4), cu_triclinic(5)};
  const std::string xyz = dir.file("cu.xyz");
  write_frames(xyz, frames);
  const auto direct = emt_direct(xyz, dir);
  auto providers = ipi::make_ipi_providers(ase_emt_server(dir, xyz, false), 2);
  std::vector<ComputeResult> results(2);
  std::vector<std::string> errors(2);
  std::vector<std::thread> walkers;
  for (int w = 0; w < 2; ++w)
    walkers.emplace_back([&, w] {
      try {
        ComputeRequest request;
        request.virial = true;
        for (int repeat = 0; repeat < 2; ++repeat) results[w] = providers[w]->compute(frames[w], request);
      } catch (const std::exception& e) {
        errors[w] = e.what();
      }
    });
  for (auto& t : walkers) t.join();
  for (int w = 0; w < 2; ++w) {
    EXPECT_EQ(errors[w], "");
    expect_same(results[w], direct[w], 1e-10);
  }
  EXPECT_TRUE(std::filesystem::exists(dir.file("ipi-client-0.log")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("ipi-client-1.log")));
}

TEST(IpiAse, ServeDrivenBySocketIoCalculatorEqualsProviderDirectly) {
  REQUIRE_ASE();
  SLHMC_REQUIRE_EXE(exe);
  const std::string eam_file = "/usr/share/lammps/potentials/Cu_u3.eam";
  if (!std::filesystem::exists(eam_file)) GTEST_SKIP() << "LAMMPS potentials not installed: " << eam_file;
  TempDir dir;
  const std::vector<Frame> frames{cu_triclinic(6), cu_triclinic(7)};
  const std::string xyz = dir.file("cu.xyz");
  write_frames(xyz, frames);
  const std::string potential = dir.file("potential.toml");
  test::write_text(potential, "[potential]\ntype = \"eam\"\nfile = \"" + eam_file + "\"\n");
  const std::string name = test::unique_socket_name("serve");
  const auto through_socket = test::run_python_json(
      test::kSystemPython + " " + test::ipi_client_script("ase_drive_serve.py") + " " + xyz + " " + name + " " +
          exe + " serve --potential-config " + potential + " --structure " + xyz + " --ipi " + name + ase_constants_options(),
      dir);
  ProviderContext context;
  const auto eam = make_provider(Config::from_file(potential).section("potential"), context);
  ASSERT_EQ(through_socket.size(), frames.size());
  for (std::size_t k = 0; k < frames.size(); ++k) {
    ComputeRequest request;
    request.virial = true;
    expect_same(eam->compute(frames[k], request), through_socket[k], 1e-10);
  }
}

TEST(IpiAse, ServedNnpEqualsSlhmcPredict) {
  REQUIRE_ASE();
  SLHMC_REQUIRE_EXE(exe);
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  const std::string model = root + "/chebyshev_pytorch/predict.in";
  TempDir dir;
  const Frame anatase = read_structure(root + "/structures/anatase_conv.xsf").frame;
  const std::string xyz = dir.file("tio2.xyz");
  write_frames(xyz, {anatase, test::perturbed(anatase, 0.1, 3)});
  std::string out;
  ASSERT_EQ(test::run_command(exe + " predict --model " + model + " " + xyz + " -o " + dir.file("predicted.xyz"), &out), 0)
      << out;
  const auto predicted = read_structures(dir.file("predicted.xyz"));
  const std::string name = test::unique_socket_name("servennp");
  const auto through_socket = test::run_python_json(
      test::kSystemPython + " " + test::ipi_client_script("ase_drive_serve.py") + " " + xyz + " " + name + " " + exe +
          " serve --model " + model + " --structure " + xyz + " --ipi " + name + ase_constants_options(),
      dir);
  ASSERT_EQ(through_socket.size(), predicted.size());
  for (std::size_t k = 0; k < predicted.size(); ++k) {
    const Labels& l = predicted[k].labels;
    EXPECT_NEAR(through_socket[k].energy, *l.energy, 1e-10 * std::abs(*l.energy));
    EXPECT_LT(test::relative_force_difference(through_socket[k].forces, *l.forces), 1e-10);
    EXPECT_LT(test::relative_matrix_difference(through_socket[k].virial, *l.virial), 1e-10);
  }
}

}  // namespace
}  // namespace slhmc
