// Command engine with real programs: ASE's EMT calculator (python3-ase)
// through the engine equals EMT run directly; failing, hanging and
// misbehaving programs (garbage, NaN, wrong atom count or species, no output)
// become EngineErrors with the exit status and the stderr tail.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "crystal_frames.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/engines/command_provider.hpp"
#include "slhmc/io/config.hpp"
#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const char* kPython = "/usr/bin/python3";

bool have_ase() {
  return std::filesystem::exists(kPython) &&
         test::run_command(std::string(kPython) + " -c 'import ase.calculators.emt' >/dev/null 2>&1") == 0;
}

std::unique_ptr<ForceProvider> make(const std::string& body, const std::string& base_dir) {
  const Config c = Config::parse("[reference]\ntype = \"command\"\n" + body, "test.toml");
  ProviderContext context;
  context.base_dir = base_dir;
  return make_provider(c.section("reference"), context);
}

// A command in argv form running `script` (written into `dir`) with sh.
std::string sh_command(const test::TempDir& dir, const std::string& name, const std::string& script) {
  test::write_text(dir.file(name), script);
  return "command = [\"sh\", \"{config_dir}/" + name + "\", \"{input}\", \"{output}\"]\n";
}

std::string error_of(ForceProvider& p, const Frame& f, const ComputeRequest& r = ComputeRequest{}) {
  try {
    p.compute(f, r);
  } catch (const EngineError& e) {
    return e.what();
  }
  return "(no error)";
}

Frame copper() {
  return test::perturbed(test::strained(test::fcc_frame(3.61, 2, 29, 29), test::triclinic_strain()), 0.1, 3);
}

const char* kEmtScript = R"(import sys
from ase.io import read, write
from ase.calculators.emt import EMT
atoms = read(sys.argv[1])
atoms.calc = EMT()
atoms.get_potential_energy()
atoms.get_forces()
if atoms.pbc.all():
    atoms.get_stress()
write(sys.argv[2], atoms, format="extxyz")
)";

// The same calculation printed with full precision, no extxyz in between.
const char* kEmtDirect = R"(import sys
from ase.io import read
from ase.calculators.emt import EMT
atoms = read(sys.argv[1])
atoms.calc = EMT()
print(repr(atoms.get_potential_energy()))
for f in atoms.get_forces():
    print(" ".join(repr(x) for x in f))
for s in atoms.get_stress(voigt=False):
    print(" ".join(repr(x) for x in s))
print(repr(atoms.get_volume()))
)";

TEST(CommandProvider, AseEmtThroughTheEngineEqualsEmtDirectly) {
  if (!have_ase()) GTEST_SKIP() << "/usr/bin/python3 with ASE (python3-ase) not installed";
  test::TempDir dir;
  test::write_text(dir.file("emt.py"), kEmtScript);
  test::write_text(dir.file("direct.py"), kEmtDirect);
  auto p = make("command = [\"" + std::string(kPython) + "\", \"{config_dir}/emt.py\", \"{input}\", \"{output}\"]\n"
                "directory = \"calc\"\ntimeout_s = 60\n",
                dir.path().string());
  const Frame f = copper();
  const auto t0 = std::chrono::steady_clock::now();
  const ComputeResult r = p->compute(f, ComputeRequest{true, true, false});
  std::printf("[ info ] one EMT call through the command engine: %.2f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  // EMT directly on the very file the engine wrote.
  std::string printed;
  ASSERT_EQ(test::run_command(std::string(kPython) + " " + dir.file("direct.py") + " " + dir.file("calc/input.xyz"),
                              &printed),
            0)
      << printed;
  std::istringstream in(printed);
  double energy = 0, volume = 0;
  in >> energy;
  std::vector<Vec3> forces(f.size());
  for (auto& v : forces) in >> v[0] >> v[1] >> v[2];
  Mat3 stress{};
  for (auto& row : stress) in >> row[0] >> row[1] >> row[2];
  in >> volume;
  ASSERT_TRUE(in) << printed;
  EXPECT_NEAR(volume, f.cell.volume(), 1e-9);
  // ASE writes info values in full but per-atom columns with 8 decimals.
  EXPECT_NEAR(r.energy, energy, 1e-10 * std::fabs(energy));
  double largest = 0;
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int k = 0; k < 3; ++k) {
      EXPECT_NEAR(r.forces[i][k], forces[i][k], 1e-8);
      largest = std::max(largest, std::fabs(forces[i][k]));
    }
  EXPECT_GT(largest, 0.01);  // a perturbed crystal: real forces
  ASSERT_TRUE(r.has_virial);
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) EXPECT_NEAR(r.virial[a][b], -volume * stress[a][b], 1e-9 * volume);
  EXPECT_NE(p->description().find("emt.py"), std::string::npos);
}

TEST(CommandProvider, FailingProgramReportsStatusAndStderr) {
  test::TempDir dir;
  auto p = make(sh_command(dir, "fail.sh", "echo 'reading input' >&2\necho 'fatal: basis set missing' >&2\nexit 3\n"),
                dir.path().string());
  const std::string e = error_of(*p, copper());
  EXPECT_NE(e.find("exited with status 3"), std::string::npos) << e;
  EXPECT_NE(e.find("fatal: basis set missing"), std::string::npos) << e;
  EXPECT_NE(e.find("fail.sh"), std::string::npos) << e;
  // Killed by a signal.
  auto crash = make(sh_command(dir, "crash.sh", "echo dying >&2\nkill -SEGV $$\n"), dir.path().string());
  const std::string c = error_of(*crash, copper());
  EXPECT_NE(c.find("signal 11"), std::string::npos) << c;
  // Not there at all.
  auto missing = make("command = [\"/no/such/program\"]\n", dir.path().string());
  const std::string m = error_of(*missing, copper());
  EXPECT_NE(m.find("cannot start '/no/such/program'"), std::string::npos) << m;
}

TEST(CommandProvider, HangingProgramIsKilledAtTheTimeLimit) {
  test::TempDir dir;
  // The program leaves a child behind in its group: both must go.
  auto p = make(sh_command(dir, "hang.sh", "sleep 300 &\necho $! > \"$(dirname \"$0\")/child.pid\"\necho stuck >&2\nwait\n") +
                    "timeout_s = 0.5\n",
                dir.path().string());
  const auto t0 = std::chrono::steady_clock::now();
  const std::string e = error_of(*p, copper());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(e.find("time limit of 0.5 s"), std::string::npos) << e;
  EXPECT_NE(e.find("stuck"), std::string::npos) << e;
  EXPECT_LT(seconds, 5.0);
  const pid_t child = std::stoi(test::read_text(dir.file("child.pid")));
  // Killed (a zombie until its new parent reaps it, so allow a moment).
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string pid, comm, state;
    gone = !(stat >> pid >> comm >> state) || state == "Z" || comm != "(sleep)";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone) << "the program's child " << child << " survived the timeout";
}

TEST(CommandProvider, MisbehavingOutputsAreRefused) {
  test::TempDir dir;
  const Frame f = copper();
  auto writes = [&](const std::string& name, const std::string& text) {
    test::write_text(dir.file(name + ".txt"), text);
    return make("command = [\"cp\", \"" + dir.file(name + ".txt") + "\", \"{output}\"]\n", dir.path().string());
  };
  EXPECT_NE(error_of(*writes("garbage", "hello world\n"), f).find("cannot be read"), std::string::npos);
  const std::string one_atom = "1\nProperties=species:S:1:pos:R:3:forces:R:3 energy=-1.0 pbc=\"F F F\"\nCu 0 0 0 0 0 0\n";
  EXPECT_NE(error_of(*writes("short", one_atom), f).find("wrote 1 atoms"), std::string::npos);
  // The engine's own input with a NaN energy, a wrong species, or no forces.
  auto labelled = [&](const std::string& name, double energy, int z, bool forces) {
    LabelledFrame lf;
    lf.frame = f;
    lf.frame.numbers[5] = z;
    lf.labels.energy = energy;
    if (forces) lf.labels.forces = std::vector<Vec3>(f.size(), Vec3{0.1, 0.2, 0.3});
    std::ostringstream out;
    write_structure(out, lf, StructureFormat::extxyz);
    return writes(name, out.str());
  };
  const std::string nan = error_of(*labelled("nan", std::nan(""), 29, true), f);
  EXPECT_NE(nan.find("finite"), std::string::npos) << nan;  // the extxyz reader already refuses it
  EXPECT_NE(error_of(*labelled("species", -3.0, 28, true), f).find("wrote Ni for atom 5"), std::string::npos);
  EXPECT_NE(error_of(*labelled("noforces", -3.0, 29, false), f).find("wrote no forces"), std::string::npos);
  const std::string no_stress = error_of(*labelled("nostress", -3.0, 29, true), f, ComputeRequest{true, true, false});
  EXPECT_NE(no_stress.find("wrote no stress or virial"), std::string::npos) << no_stress;
  EXPECT_EQ(labelled("good", -3.0, 29, true)->compute(f, ComputeRequest{}).energy, -3.0);
  // Two atoms swapped (same species): caught by their positions; a lattice translation is fine.
  {
    LabelledFrame lf;
    lf.frame = f;
    std::swap(lf.frame.positions[1], lf.frame.positions[2]);
    lf.frame.positions[0] += f.cell.matrix()[1];
    lf.labels.energy = -3.0;
    lf.labels.forces = std::vector<Vec3>(f.size(), Vec3{0, 0, 0});
    std::ostringstream out;
    write_structure(out, lf, StructureFormat::extxyz);
    const std::string swapped = error_of(*writes("swapped", out.str()), f);
    EXPECT_NE(swapped.find("wrote atom 1 at a position"), std::string::npos) << swapped;
    std::swap(lf.frame.positions[1], lf.frame.positions[2]);
    std::ostringstream shifted;
    write_structure(shifted, lf, StructureFormat::extxyz);
    EXPECT_EQ(writes("shifted", shifted.str())->compute(f, ComputeRequest{}).energy, -3.0);
  }
  // Exit 0 without an output file.
  auto silent = make("command = [\"true\"]\n", dir.path().string());
  EXPECT_NE(error_of(*silent, f).find("wrote no"), std::string::npos);
}

TEST(CommandProvider, ConfigurableKeysAndShellForm) {
  test::TempDir dir;
  const Frame f = test::fcc_frame(3.61, 1, 29, 29);
  // A shell one-liner writing custom key names.
  std::ostringstream text;
  text << f.size() << "\nProperties=species:S:1:pos:R:3:my_f:R:3 my_e=-7.5 my_virial=\"1 0 0 0 2 0 0 0 3\"\n";
  for (std::size_t i = 0; i < f.size(); ++i) {
    const Vec3& r = f.positions[i];
    text << "Cu " << r[0] << " " << r[1] << " " << r[2] << " 0.5 0 0\n";
  }
  test::write_text(dir.file("custom.txt"), text.str());
  auto p = make("command = [\"sh\", \"-c\", \"cp " + dir.file("custom.txt") + " {output}\"]\n"
                "energy_keys = [\"my_e\"]\nforces_keys = [\"my_f\"]\nvirial_keys = [\"my_virial\"]\n",
                dir.path().string());
  const ComputeResult r = p->compute(f, ComputeRequest{true, true, false});
  EXPECT_EQ(r.energy, -7.5);
  EXPECT_EQ(r.forces[2][0], 0.5);
  EXPECT_EQ(r.virial[1][1], 2.0);
}

TEST(CommandProvider, ConfigErrorsNameTheKey) {
  test::TempDir dir;
  auto expect_key = [&](const std::string& body, const std::string& key) {
    try {
      make(body, dir.path().string());
      ADD_FAILURE() << "accepted: " << body;
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), key) << e.what();
    }
  };
  expect_key("timeout_s = 1\n", "reference.command");
  expect_key("command = []\n", "reference.command");
  expect_key("command = [\"true\"]\ntimeout_s = 0\n", "reference.timeout_s");
  expect_key("command = [\"true\"]\ninput = \"../x.xyz\"\n", "reference.input");
  expect_key("command = [\"true\"]\noutput = \"input.xyz\"\n", "reference.output");
  expect_key("command = [\"true\"]\nenergy_keys = []\n", "reference.energy_keys");
  expect_key("command = [\"true\"]\ntimeout = 5\n", "reference.timeout");
}

}  // namespace
}  // namespace slhmc
