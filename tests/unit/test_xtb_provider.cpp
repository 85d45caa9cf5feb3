// libxtb provider: the GFN2 water energy of the spec, forces and virial
// against finite differences (molecule and periodic GFN0), the periodic
// limits of libxtb 6.5.1 refused with clear errors, libxtb failures as
// EngineError, config errors, and concurrent callers serialized.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "crystal_frames.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/engines/xtb_provider.hpp"
#include "slhmc/forces/finite_differences.hpp"
#include "slhmc/io/config.hpp"
#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

#define SLHMC_REQUIRE_XTB() \
  if (xtb_library_version().empty()) GTEST_SKIP() << "slhmc was built without libxtb (Debian libxtb-dev)"

std::unique_ptr<ForceProvider> make(const std::string& body, const Frame* system = nullptr) {
  const Config c = Config::parse("[reference]\ntype = \"xtb\"\n" + body, "test.toml");
  ProviderContext context;
  context.system = system;
  return make_provider(c.section("reference"), context);
}

// ase.build.molecule("H2O"), Å.
Frame water() {
  Frame f;
  f.add_atom(8, {0.0, 0.0, 0.119262});
  f.add_atom(1, {0.0, 0.763239, -0.477047});
  f.add_atom(1, {0.0, -0.763239, -0.477047});
  return f;
}

// Two water molecules, every atom displaced off the planes of the molecules
// (libxtb's GFN2 gradient normal to an exactly planar arrangement is off by
// ~1e-4 E_h/a_0 from its own energy: a symmetric case MD never meets).
Frame water_dimer() {
  Frame f = water();
  const Frame w = water();
  for (std::size_t i = 0; i < w.size(); ++i) f.add_atom(w.numbers[i], w.positions[i] + Vec3{2.1, 0.9, 1.7});
  return test::perturbed(f, 0.05, 4);
}

TEST(XtbProvider, Gfn2WaterEnergyMatchesTheXtbProgram) {
  SLHMC_REQUIRE_XTB();
  auto p = make("");
  const auto t0 = std::chrono::steady_clock::now();
  const ComputeResult r = p->compute(water(), ComputeRequest::energy_only());
  const double reference = -5.0702222867 * units::kHartreeToEv;
  std::printf("[ info ] GFN2 water: %.10f eV, reference %.10f eV, difference %.3e eV (%.3e Hartree), %.1f ms\n",
              r.energy, reference, r.energy - reference, (r.energy - reference) / units::kHartreeToEv,
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  // The spec gives 10 decimals in Hartree.
  EXPECT_NEAR(r.energy / units::kHartreeToEv, -5.0702222867, 1e-9);
  EXPECT_NE(p->description().find("GFN2-xTB"), std::string::npos);
  EXPECT_EQ(p->cutoff(), 0.0);
}

TEST(XtbProvider, Gfn2ForcesAndVirialMatchFiniteDifferences) {
  SLHMC_REQUIRE_XTB();
  auto p = make("accuracy = 0.01\n");
  const Frame f = water_dimer();
  const FiniteDifferenceReport fd = check_finite_differences(*p, f, 1e-4, 1e-5);
  std::printf("[ info ] GFN2 dimer FD: max force error %.2e eV/A, max virial error %.2e eV\n", fd.max_force_error,
              fd.max_virial_error);
  EXPECT_LT(fd.max_force_error, 1e-5);
  EXPECT_LT(fd.max_virial_error, 1e-5);
  // Newton's third law for an isolated cluster.
  Vec3 total{0, 0, 0};
  for (const Vec3& v : fd.analytic.forces) total += v;
  EXPECT_LT(norm(total), 1e-8);
}

TEST(XtbProvider, Gfn1MoleculeForcesAndVirialMatchFiniteDifferences) {
  SLHMC_REQUIRE_XTB();
  auto p = make("method = \"gfn1\"\naccuracy = 0.01\n");
  const FiniteDifferenceReport fd = check_finite_differences(*p, water_dimer(), 1e-4, 1e-5);
  std::printf("[ info ] GFN1 dimer FD: max force error %.2e eV/A, max virial error %.2e eV\n", fd.max_force_error,
              fd.max_virial_error);
  EXPECT_LT(fd.max_force_error, 1e-5);
  EXPECT_LT(fd.max_virial_error, 1e-5);
}

TEST(XtbProvider, RefusesWhatLibxtbCannotDo) {
  SLHMC_REQUIRE_XTB();
  Frame periodic = water();
  periodic.cell = Cell::orthorhombic(6.0, 6.0, 6.0);
  auto gfn2 = make("");
  try {
    gfn2->compute(periodic, ComputeRequest{});
    FAIL() << "GFN2 with pbc accepted";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("GFN2-xTB in libxtb 6.5.1 has no periodic"), std::string::npos) << e.what();
  }
  // Refused already when the provider is built for a known system.
  EXPECT_THROW(make("", &periodic), EngineError);
  // Periodic GFN1 is wrong in libxtb 6.5.1 (see xtb_provider.hpp).
  try {
    make("method = \"gfn1\"\n")->compute(periodic, ComputeRequest{});
    FAIL() << "GFN1 with pbc accepted";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("periodic GFN1-xTB in libxtb 6.5.1 is refused"), std::string::npos) << e.what();
  }
  Frame slab = water();
  slab.cell = Cell::orthorhombic(6.0, 6.0, 6.0, {true, true, false});
  EXPECT_THROW(make("method = \"gfn0\"\n")->compute(slab, ComputeRequest{}), EngineError);
  Frame heavy = water();
  heavy.numbers[0] = 92;  // uranium: beyond Rn
  heavy.masses[0] = 238.0;
  try {
    gfn2->compute(heavy, ComputeRequest{});
    FAIL() << "Z=92 accepted";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("Z=92"), std::string::npos) << e.what();
  }
  EXPECT_THROW(gfn2->compute(water(), ComputeRequest::all()), EngineError);  // no per-atom energies
  // The provider still works after refusals.
  EXPECT_NEAR(gfn2->compute(water(), ComputeRequest{}).energy / units::kHartreeToEv, -5.0702222867, 1e-9);
}

TEST(XtbProvider, LibxtbFailuresBecomeEngineErrors) {
  SLHMC_REQUIRE_XTB();
  // An SCF with one iteration cannot converge.
  auto p = make("max_iterations = 1\n");
  EXPECT_NE(p->description().find("GFN2"), std::string::npos);
  try {
    p->compute(water_dimer(), ComputeRequest{});
    FAIL() << "unconverged SCF accepted";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("libxtb failed in the single-point calculation"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did not converge"), std::string::npos) << e.what();
  }
}

TEST(XtbProvider, ChargeAndSpin) {
  SLHMC_REQUIRE_XTB();
  // OH radical (doublet) and hydroxide (closed shell).
  Frame oh;
  oh.add_atom(8, {0, 0, 0});
  oh.add_atom(1, {0, 0, 0.97});
  const double radical = make("unpaired_electrons = 1\n")->compute(oh, ComputeRequest{}).energy;
  const double anion = make("charge = -1\n")->compute(oh, ComputeRequest{}).energy;
  EXPECT_TRUE(std::isfinite(radical));
  EXPECT_TRUE(std::isfinite(anion));
  EXPECT_GT(std::fabs(radical - anion), 0.5);  // an added electron changes the energy by eV
  auto hot = make("electronic_temperature_K = 5000\n");
  EXPECT_NE(hot->compute(water(), ComputeRequest{}).energy, make("")->compute(water(), ComputeRequest{}).energy);
}

TEST(XtbProvider, ConfigErrorsNameTheKey) {
  SLHMC_REQUIRE_XTB();
  auto expect_key = [](const std::string& body, const std::string& key) {
    try {
      make(body);
      ADD_FAILURE() << "accepted: " << body;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), key) << e.what();
    }
  };
  expect_key("method = \"gfn3\"\n", "reference.method");
  expect_key("accuracy = 0\n", "reference.accuracy");
  expect_key("electronic_temperature_K = -5\n", "reference.electronic_temperature_K");
  expect_key("max_iterations = 0\n", "reference.max_iterations");
  expect_key("unpaired_electrons = -1\n", "reference.unpaired_electrons");
  expect_key("threads = 0\n", "reference.threads");
  expect_key("parameter_file = \"no/such/file\"\n", "reference.parameter_file");
  expect_key("spin = 1\n", "reference.spin");
}

TEST(XtbProvider, ConcurrentCallersAreSerialized) {
  SLHMC_REQUIRE_XTB();
  const Frame a = water();
  const Frame b = water_dimer();
  const double ea = make("")->compute(a, ComputeRequest{}).energy;
  const double eb = make("")->compute(b, ComputeRequest{}).energy;
  auto pa = make("");
  auto pb = make("");
  std::vector<double> got_a(20), got_b(20);
  std::thread ta([&] {
    for (auto& e : got_a) e = pa->compute(a, ComputeRequest{}).energy;
  });
  std::thread tb([&] {
    for (auto& e : got_b) e = pb->compute(b, ComputeRequest{}).energy;
  });
  ta.join();
  tb.join();
  for (double e : got_a) EXPECT_NEAR(e, ea, 1e-9);
  for (double e : got_b) EXPECT_NEAR(e, eb, 1e-9);
}

TEST(XtbProvider, WaterExampleRuns) {
  SLHMC_REQUIRE_XTB();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  const std::string config = std::string(SLHMC_SOURCE_DIR) + "/examples/water-xtb/slhmc.toml";
  std::string output;
  ASSERT_EQ(test::run_command(exe + " run " + config + " --set sampler.trials=20 --set output.directory=" +
                                  dir.file("run"),
                              &output),
            0)
      << output;
  const auto frames = read_structures(dir.file("run/samples.xyz"));
  ASSERT_EQ(frames.size(), 21u);
  // The initial evaluation is the cluster's GFN2 energy (what `xtb water8.xyz` prints: -40.669415831568 E_h).
  EXPECT_NEAR(*frames[0].labels.energy / units::kHartreeToEv, -40.669415831568, 1e-8);
  EXPECT_TRUE(frames[0].labels.forces.has_value());
}

// Last in this file: once GFN0 is loaded, this process refuses GFN2 (ctest
// runs every test in its own process, so the order only matters when the
// binary runs all tests at once).
TEST(XtbProvider, Gfn0PeriodicForcesAndVirialMatchFiniteDifferences) {
  SLHMC_REQUIRE_XTB();
  // Inside the cell, away from its faces: libxtb's periodic energy jumps
  // slightly (1e-8 to 1e-6 E_h) when an atom crosses a face.
  Frame f = water_dimer();
  for (auto& r : f.positions) r += Vec3{1.5, 1.5, 1.5};
  f.cell = Cell(Mat3{Vec3{5.2, 0.0, 0.0}, Vec3{0.4, 5.0, 0.0}, Vec3{-0.3, 0.5, 5.4}}, {true, true, true});
  auto p = make("method = \"gfn0\"\naccuracy = 0.01\n", &f);
  const FiniteDifferenceReport fd = check_finite_differences(*p, f, 1e-4, 1e-5);
  std::printf("[ info ] GFN0 periodic FD: max force error %.2e eV/A, max virial error %.2e eV\n", fd.max_force_error,
              fd.max_virial_error);
  EXPECT_LT(fd.max_force_error, 1e-5);
  EXPECT_LT(fd.max_virial_error, 1e-5);
  // A real stress, not zeros.
  double largest = 0;
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) largest = std::max(largest, std::fabs(fd.analytic.virial[a][b]));
  EXPECT_GT(largest, 1e-3);
  // libxtb's global state: GFN2 after GFN0 in one process is refused.
  try {
    make("")->compute(water(), ComputeRequest{});
    FAIL() << "GFN2 after GFN0 accepted";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find("loaded GFN0-xTB parameters"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace slhmc
