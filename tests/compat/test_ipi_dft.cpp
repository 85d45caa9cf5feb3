// Real DFT / tight-binding programs driven through slhmc's i-PI server give
// the same numbers as standalone runs of the same programs on the same input:
// Quantum ESPRESSO `pw.x --ipi` (LDA silicon, 2 atoms) and CP2K
// `RUN_TYPE DRIVER` (GFN1-xTB water). The server launches the client itself
// from ServerOptions::launch, as `[reference.client]` does in a config.
//
// The geometries are low-symmetry and the cells triclinic on purpose, so a
// wrong cell layout on the wire, a wrong unit, a virial sign or a client
// keeping its start geometry's symmetry shows up as a difference; CP2K's
// second frame also changes the cell (pw.x's cannot: see dft_reference.hpp).
// Inputs come from dft_reference.hpp (cell and positions in Bohr, so both
// runs see identical geometries).
//
// Time here (2 shared cores): QE 1.7 s (UNIX), 1.0 s (TCP), 3.2 s (the
// example), CP2K 2.9 s — up to twice that when the machine is busy — mostly
// the programs' start-up; no extra label, CI runs them with the compat suite.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "crystal_frames.hpp"
#include "dft_reference.hpp"
#include "ipi_test_support.hpp"
#include "slhmc/core/units.hpp"  // Ry → eV of the standalone output
#include "slhmc/engines/ipi_server.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
using test::TempDir;
namespace {

// Two geometries of the 2-atom silicon cell, strained into a general
// triclinic cell (the driven pw.x keeps the cell of its input; see
// dft_reference.hpp), with the atoms moved differently.
std::vector<Frame> silicon_frames() {
  const Frame base = test::strained(test::diamond_primitive(5.431, 14, 14),
                                    Mat3{Vec3{0.012, 0.020, -0.010}, Vec3{0.004, -0.015, 0.008}, Vec3{0.0, 0.011, 0.006}});
  Frame a = base, b = base;
  a.positions[1] += Vec3{0.05, -0.07, 0.02};
  b.positions[0] += Vec3{-0.03, 0.02, 0.04};
  b.positions[1] += Vec3{0.09, 0.03, -0.05};
  return {a, b};
}

// One water molecule in a triclinic periodic box (CP2K's driver makes every
// cell periodic), then bent and stretched in a slightly changed box.
std::vector<Frame> water_frames() {
  Frame a;
  a.cell = Cell(Mat3{Vec3{10.0, 0.0, 0.0}, Vec3{0.8, 9.6, 0.0}, Vec3{-0.5, 0.7, 10.3}}, {true, true, true});
  a.add_atom(8, Vec3{5.00, 5.00, 5.12});
  a.add_atom(1, Vec3{5.02, 5.76, 4.53});
  a.add_atom(1, Vec3{4.97, 4.25, 4.54});
  Frame b = test::strained(a, Mat3{Vec3{0.01, 0.0, 0.02}, Vec3{0.0, -0.01, 0.0}, Vec3{0.01, 0.0, 0.0}});
  b.positions[1] += Vec3{0.03, 0.05, -0.04};
  b.positions[2] += Vec3{-0.02, -0.08, 0.01};
  return {a, b};
}

double max_abs_difference(const std::vector<Vec3>& a, const std::vector<Vec3>& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (int k = 0; k < 3; ++k) d = std::max(d, std::abs(a[i][k] - b[i][k]));
  return d;
}

double max_abs_difference(const Mat3& a, const Mat3& b) {
  double d = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) d = std::max(d, std::abs(a[r][c] - b[r][c]));
  return d;
}

struct Tolerances {
  double energy_ev, force_ev_a, virial_ev;
};

// Computes every frame through `options` (one launched client) and compares
// with the standalone results; prints the differences and times.
void expect_same_through_server(const ipi::ServerOptions& options, const std::vector<Frame>& frames,
                                const std::vector<test::DftResult>& standalone, const Tolerances& tol,
                                const std::string& what) {
  auto providers = ipi::make_ipi_providers(options, 1);
  for (std::size_t k = 0; k < frames.size(); ++k) {
    ComputeRequest request;
    request.virial = true;
    const auto t0 = std::chrono::steady_clock::now();
    const ComputeResult r = providers[0]->compute(frames[k], request);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const test::DftResult& ref = standalone[k];
    ASSERT_EQ(r.forces.size(), frames[k].size());
    ASSERT_TRUE(r.has_virial) << what << " returned no virial";
    const double de = r.energy - ref.energy, df = max_abs_difference(r.forces, ref.forces),
                 dw = max_abs_difference(r.virial, ref.virial);
    std::cout << what << " frame " << k << ": E = " << r.energy << " eV; through server − standalone: ΔE = " << de
              << " eV, max|ΔF| = " << df << " eV/Å, max|ΔW| = " << dw << " eV; call " << seconds
              << " s (standalone run " << ref.seconds << " s)\n";
    EXPECT_NEAR(r.energy, ref.energy, tol.energy_ev) << what << " frame " << k;
    EXPECT_LT(df, tol.force_ev_a) << what << " frame " << k;
    EXPECT_LT(dw, tol.virial_ev) << what << " frame " << k;
    // The comparison must be able to fail: the frames differ by far more than the tolerance.
    if (k > 0) {
      EXPECT_GT(std::abs(ref.energy - standalone[k - 1].energy), 1e3 * tol.energy_ev);
    }
  }
  EXPECT_EQ(providers[0]->evaluations(), static_cast<long>(frames.size()));
}

// ---- Quantum ESPRESSO ----

#define REQUIRE_PW()                 \
  if (!test::pw_available())         \
  GTEST_SKIP() << "pw.x or " << test::kQePseudoDir << "/Si.pz-vbc.UPF not found (Debian packages quantum-espresso, quantum-espresso-data)"

// One standalone run per frame, each in its own directory (the programs write
// scratch and restart files into their working directory).
template <class Run>
std::vector<test::DftResult> standalone_runs(const std::vector<Frame>& frames, const TempDir& dir, Run run) {
  std::vector<test::DftResult> results;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const std::string sub = dir.file("standalone-" + std::to_string(k));
    std::filesystem::create_directory(sub);
    results.push_back(run(frames[k], sub));
  }
  return results;
}

std::vector<test::DftResult> standalone_pw(const std::vector<Frame>& frames, const test::PwSettings& s,
                                           const TempDir& dir) {
  return standalone_runs(frames, dir, [&](const Frame& f, const std::string& d) { return test::run_pw(f, s, d); });
}

// The driven pw.x starts from an input for the first frame (it runs one SCF
// on it before it connects); {name}/{port} are filled in by the server.
ipi::ServerOptions pw_server(const TempDir& dir, const Frame& first, const test::PwSettings& s, bool tcp) {
  const std::string run_dir = dir.file("driver");
  std::filesystem::create_directory(run_dir);
  test::write_text(run_dir + "/pw.in", test::pw_input(first, s));
  ipi::ServerOptions o;
  o.address.unix_socket = !tcp;
  o.address.name = test::unique_socket_name("qe");
  o.address.port = 0;
  o.timeout_s = 60;
  o.connect_timeout_s = 60;
  ipi::ClientLaunch launch;
  launch.command = std::string("pw.x -in pw.in --ipi ") + (tcp ? "127.0.0.1:{port}" : "{name}:UNIX");
  launch.directory = run_dir;
  launch.environment["OMP_NUM_THREADS"] = "1";
  o.launch = launch;
  return o;
}

constexpr Tolerances kPwTolerances{1e-6, 1e-5, 2e-5};

TEST(IpiQuantumEspresso, Si2ThroughUnixSocketEqualsStandalonePw) {
  REQUIRE_PW();
  TempDir dir;
  const test::PwSettings settings;
  const auto frames = silicon_frames();
  const auto standalone = standalone_pw(frames, settings, dir);
  expect_same_through_server(pw_server(dir, frames[0], settings, false), frames, standalone, kPwTolerances,
                             "pw.x --ipi (UNIX)");
}

TEST(IpiQuantumEspresso, Si2ThroughTcpEqualsStandalonePw) {
  REQUIRE_PW();
  TempDir dir;
  const test::PwSettings settings;
  const std::vector<Frame> frames{silicon_frames()[0]};
  const auto standalone = standalone_pw(frames, settings, dir);
  expect_same_through_server(pw_server(dir, frames[0], settings, true), frames, standalone, kPwTolerances,
                             "pw.x --ipi (TCP)");
}

// examples/si-qe end to end: `slhmc run` starts pw.x from [reference.client]
// (8 atoms, 3 trials, in a copy of the example folder), sends EXIT at the end
// (pw.x then finishes normally), and the initial sample's reference energy is
// the LDA energy of that geometry: a standalone pw.x run of the example's own
// pw.in with the geometry replaced (to the example's conv_thr of 1e-7 Ry).
TEST(IpiQuantumEspresso, SiQeExampleRunsAndItsEnergiesArePwEnergies) {
  REQUIRE_PW();
  SLHMC_REQUIRE_EXE(exe);
  TempDir dir;
  const std::string example = std::string(SLHMC_SOURCE_DIR) + "/examples/si-qe/";
  std::filesystem::copy_file(example + "slhmc.toml", dir.file("slhmc.toml"));
  std::filesystem::copy_file(example + "pw.in", dir.file("pw.in"));
  std::string out;
  ASSERT_EQ(test::run_command("cd '" + dir.path().string() + "' && " + exe + " run slhmc.toml --set sampler.trials=3", &out), 0)
      << out;
  EXPECT_NE(test::read_text(dir.file("pw.log")).find("JOB DONE"), std::string::npos) << "pw.x did not end normally after EXIT";
  const auto samples = read_structures(dir.file("si-qe-run/samples.xyz"));
  ASSERT_EQ(samples.size(), 4u);  // the initial evaluation and one per trial
  const Frame& first = samples[0].frame;
  ASSERT_EQ(first.size(), 8u);
  ASSERT_TRUE(samples[0].labels.energy.has_value());

  // The example's input with its geometry replaced by the sampled one (Bohr, as on the wire).
  std::string input = test::read_text(dir.file("pw.in"));
  const auto cut = input.find("CELL_PARAMETERS"), k = input.find("K_POINTS");
  ASSERT_TRUE(cut != std::string::npos && k != std::string::npos);
  input = input.substr(0, cut) + test::pw_geometry_cards(first) + input.substr(k);
  const std::string sub = dir.file("standalone");
  std::filesystem::create_directory(sub);
  test::write_text(sub + "/pw.in", input);
  ASSERT_EQ(test::run_command("cd '" + sub + "' && OMP_NUM_THREADS=1 pw.x -in pw.in", &out), 0) << out;
  const auto at = out.rfind("!    total energy");
  ASSERT_NE(at, std::string::npos) << out;
  const double standalone_ev = std::stod(out.substr(out.find('=', at) + 1)) * 0.5 * units::kHartreeToEv;  // Ry → eV
  std::cout.precision(12);
  std::cout << "examples/si-qe: initial reference energy " << *samples[0].labels.energy << " eV, standalone pw.x "
            << standalone_ev << " eV, difference " << *samples[0].labels.energy - standalone_ev << " eV\n";
  EXPECT_NEAR(*samples[0].labels.energy, standalone_ev, 2e-5);
}

// ---- CP2K ----

#define REQUIRE_CP2K() \
  if (!test::cp2k_available()) GTEST_SKIP() << "cp2k not found (Debian package cp2k)"

TEST(IpiCp2k, Gfn1WaterThroughDriverEqualsStandaloneCp2k) {
  REQUIRE_CP2K();
  TempDir dir;
  const auto frames = water_frames();
  const auto standalone = standalone_runs(frames, dir, test::run_cp2k);

  ipi::ServerOptions o;
  o.address.name = test::unique_socket_name("cp2k");
  o.timeout_s = 60;
  o.connect_timeout_s = 60;
  const std::string run_dir = dir.file("driver");
  std::filesystem::create_directory(run_dir);
  // The socket name goes into the input (&MOTION &DRIVER HOST NAME, UNIX T).
  test::write_text(run_dir + "/cp2k.inp", test::cp2k_xtb_input(frames[0], o.address.name));
  ipi::ClientLaunch launch;
  launch.command = "cp2k -i cp2k.inp";
  launch.directory = run_dir;
  launch.environment["OMP_NUM_THREADS"] = "1";
  o.launch = launch;
  // CP2K prints forces with 8 decimals of Hartree/Bohr (4e-7 eV/Å) and the
  // stress with 12 digits.
  expect_same_through_server(o, frames, standalone, Tolerances{1e-6, 2e-6, 1e-6}, "cp2k DRIVER (GFN1-xTB)");
}

}  // namespace
}  // namespace slhmc
