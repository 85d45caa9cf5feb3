// i-PI 3.3 itself (PyPI `ipi`, installed by scripts/setup.sh --tests into
// /opt/slhmc-venv) driving `slhmc serve`: i-PI sends INIT, then POSDATA and
// GETFORCE in one write without a STATUS in between; a short NVE run must go
// through, end with EXIT, and its first potential energy must equal our
// provider's for the starting structure. Batched evaluation (batch_size > 1)
// is refused with a message naming it.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "crystal_frames.hpp"
#include "ipi_test_support.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc {
namespace {

const std::string kIpi = "/opt/slhmc-venv/bin/i-pi";

const std::string kEamFile = "/usr/share/lammps/potentials/Cu_u3.eam";

#define REQUIRE_IPI()                                                                                          \
  SLHMC_REQUIRE_EXE(exe);                                                                                      \
  if (!std::filesystem::exists(kIpi)) GTEST_SKIP() << "i-PI not installed (" << kIpi << "; scripts/setup.sh --tests)"; \
  if (!std::filesystem::exists(kEamFile)) GTEST_SKIP() << "LAMMPS potentials not installed: " << kEamFile

// Runs a 3-step NVE of i-PI with `slhmc serve` (EAM copper) as its driver;
// returns serve's exit code, its output in `out`.
int run_ipi_with_serve(const test::TempDir& dir, const std::string& exe, const Frame& start,
                       const std::string& ffsocket_extra, std::string& out) {
  const std::string eam_file = kEamFile;
  write_structures(dir.file("init.xyz"), {LabelledFrame{start, {}, {}}}, StructureFormat::extxyz);
  test::write_text(dir.file("eam.toml"), "[potential]\ntype = \"eam\"\nfile = \"" + eam_file + "\"\n");
  const std::string name = test::unique_socket_name("ipi");
  test::write_text(dir.file("input.xml"), R"(<simulation verbosity='low' safe_stride='100'>
  <output prefix='out'>
    <properties stride='1' filename='props' flush='1'> [ step, potential{electronvolt} ] </properties>
  </output>
  <total_steps>3</total_steps>
  <prng><seed>1</seed></prng>
  <ffsocket name='slhmc' mode='unix'><address>)" + name + "</address>" + ffsocket_extra + R"(</ffsocket>
  <system>
    <initialize nbeads='1'>
      <file mode='ase'>init.xyz</file>
      <velocities mode='thermal' units='kelvin'>300</velocities>
    </initialize>
    <forces><force forcefield='slhmc'/></forces>
    <ensemble><temperature units='kelvin'>300</temperature></ensemble>
    <motion mode='dynamics'><dynamics mode='nve'><timestep units='femtosecond'>1</timestep></dynamics></motion>
  </system>
</simulation>
)");
  // i-PI's own constants (ipi/utils/units.py): 1 eV = 0.036749326 Ha, 1 Å = 1.8897261 Bohr.
  char constants[128];
  std::snprintf(constants, sizeof constants, " --bohr-angstrom %.17g --hartree-ev %.17g", 1 / 1.8897261,
                1 / 0.036749326);
  // i-PI is stopped if serve ended first (after an error it would wait for another client).
  return test::run_command("cd " + dir.path().string() + " && { " + kIpi + " input.xml > ipi.log 2>&1 & pid=$!; " + exe +
                               " serve --potential-config eam.toml --structure init.xyz --ipi " + name +
                               " --connect-timeout 60" + constants +
                               "; rc=$?; sleep 0.2; kill $pid 2>/dev/null; wait $pid; exit $rc; }",
                           &out);
}

TEST(IpiIpi, IpiDrivesSlhmcServeWithCombinedPosdataAndGetforce) {
  REQUIRE_IPI();
  test::TempDir dir;
  const Frame start = test::perturbed(test::fcc_frame(3.61, 2, 29, 29), 0.05, 9);
  std::string out;
  ASSERT_EQ(run_ipi_with_serve(dir, exe, start, "", out), 0) << out << test::read_text(dir.file("ipi.log"));
  EXPECT_NE(out.find("4 evaluations; the server sent EXIT"), std::string::npos) << out;
  std::ifstream props(dir.file("out.props"));
  std::string line;
  std::vector<double> potential;
  while (std::getline(props, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    double step = 0, e = 0;
    in >> step >> e;
    potential.push_back(e);
  }
  ASSERT_EQ(potential.size(), 4u) << test::read_text(dir.file("ipi.log"));
  ProviderContext context;
  const auto eam = make_provider(Config::from_file(dir.file("eam.toml")).section("potential"), context);
  const double want = eam->compute(start, ComputeRequest{}).energy;
  // i-PI prints 9 significant digits.
  EXPECT_NEAR(potential[0], want, 1e-8 * std::abs(want));
  EXPECT_NE(potential[3], potential[0]) << "the atoms moved, and each step's forces came back";
}

TEST(IpiIpi, BatchedEvaluationIsRefusedClearly) {
  REQUIRE_IPI();
  test::TempDir dir;
  std::string out;
  EXPECT_EQ(run_ipi_with_serve(dir, exe, test::fcc_frame(3.61, 2, 29, 29), "<batch_size>2</batch_size>", out), 1);
  EXPECT_NE(out.find("batch_size:2\"), which slhmc serve does not support"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
