// End-to-end tests of `slhmc md` and `slhmc eval`: run the built binary
// (SLHMC_EXE, set by ctest) on a tiny Lennard-Jones argon config and check
// the files it writes, and that bad configs fail naming the key.
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {


const char* const kArgonConfig = R"([system]
lattice = "fcc"
element = "Ar"
a = 5.26
repeat = [2, 2, 2]
rattle_A = 0.05

[potential]
type = "lj"
epsilon = 0.0104
sigma = 3.40
cutoff = 8.0

[md]
integrator = "langevin"
dt_fs = 2.0
steps = 50
temperature_K = 60.0
friction_per_fs = 0.01
seed = 7

[output]
directory = "out"
thermo_interval = 10
trajectory_interval = 25
)";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(CliMd, RunsATinyConfigAndWritesThermoAndTrajectory) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  test::write_text(dir.file("md.toml"), kArgonConfig);
  std::string output;
  ASSERT_EQ(test::run_command("cd " + dir.path().string() + " && " + exe + " md md.toml", &output), 0) << output;
  EXPECT_NE(output.find("BAOAB"), std::string::npos) << output;
  // Not a terminal: no progress line (no carriage returns), only the summary.
  EXPECT_EQ(output.find('\r'), std::string::npos);

  const auto thermo = lines_of(test::read_text(dir.file("out/thermo.csv")));
  ASSERT_EQ(thermo.size(), 7u);  // header + steps 0, 10, ..., 50
  EXPECT_EQ(thermo[0],
            "step,time_fs,temperature_K,potential_eV,kinetic_eV,total_eV,conserved_eV,pressure_GPa,volume_A3");
  EXPECT_EQ(thermo[6].substr(0, 7), "50,100,");
  EXPECT_EQ(std::count(thermo[3].begin(), thermo[3].end(), ','), 8);

  const auto frames = read_structures(dir.file("out/trajectory.xyz"));
  ASSERT_EQ(frames.size(), 3u);  // steps 0, 25, 50
  EXPECT_EQ(frames[2].info.at("step"), "50");
  EXPECT_EQ(frames[2].frame.size(), 32u);
  ASSERT_TRUE(frames[2].labels.energy && frames[2].labels.forces && frames[2].labels.virial);

  // `slhmc eval` on the last frame reproduces its energy and writes extxyz.
  const std::string pot = dir.file("pot.toml");
  test::write_text(pot, "[potential]\ntype = \"lj\"\nepsilon = 0.0104\nsigma = 3.40\ncutoff = 8.0\n");
  ASSERT_EQ(test::run_command(exe + " eval " + dir.file("out/trajectory.xyz") + " --potential-config " + pot +
                                  " --no-forces -o " + dir.file("eval.xyz"),
                              &output),
            0)
      << output;
  EXPECT_NE(output.find("stress (GPa"), std::string::npos) << output;
  const auto evaluated = read_structures(dir.file("eval.xyz"));
  ASSERT_EQ(evaluated.size(), 3u);
  EXPECT_NEAR(*evaluated[2].labels.energy, *frames[2].labels.energy, 1e-9);
  for (std::size_t i = 0; i < 32; ++i)
    for (int d = 0; d < 3; ++d)
      EXPECT_NEAR((*evaluated[2].labels.forces)[i][d], (*frames[2].labels.forces)[i][d], 1e-9);
  // The same potential given as key=value pairs.
  ASSERT_EQ(test::run_command(exe + " eval " + dir.file("out/trajectory.xyz") +
                                  " --potential type=lj --potential epsilon=0.0104 --potential sigma=3.40"
                                  " --potential cutoff=8.0 --no-forces",
                              &output),
            0)
      << output;
}

TEST(CliMd, ReadsTheSystemFromAFileAndRunsNve) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  LabelledFrame start;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) start.frame.add_atom(18, {3.9 * i + 0.1 * j, 3.8 * j, 0.2 * i * j});
  write_structures(dir.file("start.xyz"), {start}, StructureFormat::extxyz);
  test::write_text(dir.file("nve.toml"), R"([system]
file = "start.xyz"
[potential]
type = "lj"
epsilon = 0.0104
sigma = 3.40
cutoff = 8.0
[md]
integrator = "verlet"
dt_fs = 1.0
steps = 200
initial_temperature_K = 30.0
[output]
thermo_interval = 50
trajectory_interval = 0
)");
  std::string output;
  // Run from elsewhere: the structure path is relative to the config file.
  ASSERT_EQ(test::run_command("cd / && " + exe + " md " + dir.file("nve.toml") + " --set output.directory=" +
                                  dir.file("run"),
                              &output),
            0)
      << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("run/trajectory.xyz")));
  const auto rows = lines_of(test::read_text(dir.file("run/thermo.csv")));
  ASSERT_EQ(rows.size(), 6u);
  // An isolated cluster: no pressure or volume; NVE: the total energy stays put.
  auto field = [](const std::string& row, int index) {
    std::istringstream in(row);
    std::string f;
    for (int i = 0; i <= index; ++i) std::getline(in, f, ',');
    return f;
  };
  EXPECT_EQ(field(rows[1], 7), "");
  const double e0 = std::stod(field(rows[1], 5)), e1 = std::stod(field(rows[5], 5));
  EXPECT_NEAR(e1, e0, 1e-4);
  EXPECT_GT(std::stod(field(rows[1], 4)), 0.0);
  // Giving both a file and a lattice is an error that names the key.
  EXPECT_NE(test::run_command(exe + " md " + dir.file("nve.toml") + " --set system.lattice=fcc", &output), 0);
  EXPECT_NE(output.find("system.lattice"), std::string::npos) << output;
}

TEST(CliMd, MisspeltKeyFailsNamingItAndWritesNothing) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir dir;
  std::string config = kArgonConfig;
  config.replace(config.find("friction_per_fs"), 15, "friction_per_fz");
  test::write_text(dir.file("md.toml"), config);
  std::string output;
  EXPECT_NE(test::run_command("cd " + dir.path().string() + " && " + exe + " md md.toml", &output), 0);
  // Langevin asks for its friction first: the message names the missing key …
  EXPECT_NE(output.find("md.friction_per_fs"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/thermo.csv")));
  // … and an extra, unknown key (here from the command line) is named by the unused-key check.
  test::write_text(dir.file("md.toml"), kArgonConfig);
  EXPECT_NE(test::run_command("cd " + dir.path().string() + " && " + exe +
                                  " md md.toml --set output.trajectory_intervall=5",
                              &output),
            0);
  EXPECT_NE(output.find("output.trajectory_intervall"), std::string::npos) << output;
  EXPECT_FALSE(std::filesystem::exists(dir.file("out/thermo.csv")));
  // A bad choice lists the allowed values.
  EXPECT_NE(test::run_command("cd " + dir.path().string() + " && " + exe + " md md.toml --set md.integrator=nose",
                              &output),
            0);
  EXPECT_NE(output.find("'csvr', 'langevin', 'verlet'"), std::string::npos) << output;
}

TEST(CliMd, HelpAndDefaultConfig) {
  SLHMC_REQUIRE_EXE(exe);
  std::string output;
  EXPECT_EQ(test::run_command(exe + " md --help", &output), 0);
  EXPECT_NE(output.find("integrator"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(exe + " eval --help", &output), 0);
  EXPECT_NE(output.find("--potential-config"), std::string::npos) << output;
  EXPECT_EQ(test::run_command(exe + " md --print-default", &output), 0);
  EXPECT_NE(output.find("type = \"sw\""), std::string::npos) << output;
  EXPECT_NE(test::run_command(exe + " eval /nonexistent.xyz --potential type=lj", &output), 0);
}

}  // namespace
}  // namespace slhmc
