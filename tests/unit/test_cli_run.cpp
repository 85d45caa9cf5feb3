// End-to-end tests of `slhmc run` and `slhmc report` with the built binary:
// a tiny argon system (Lennard-Jones reference, a deliberately different LJ
// surrogate), --dry-run, config errors naming the key, an exact restart, and
// the report's pictures.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "slhmc/io/structure_io.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const char* const kRunConfig = R"([system]
lattice = "fcc"
element = "Ar"
a = 5.26
repeat = [2, 2, 2]
rattle_A = 0.05

[reference]
type = "lj"
epsilon = 0.0104
sigma = 3.40
cutoff = 8.0

[surrogate]
type = "lj"
epsilon = 0.0090
sigma = 3.30
cutoff = 7.0

[sampler]
temperature_K = 60.0
trials = 40
n_md = 5
dt_fs = 4.0
seed = 3
volume_move_fraction = 0.2
pressure_GPa = 0.05

[output]
directory = "run"
)";


TEST(CliRun, DryRunRunRestartAndReport) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  test::write_text(tmp.file("run.toml"), kRunConfig);
  std::string out;
  const std::string cd = "cd " + tmp.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + exe + " run run.toml --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("NPT"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(tmp.file("run")));

  // The whole run in one go, and the same run stopped at 15 trials and restarted.
  ASSERT_EQ(test::run_command(cd + exe + " run run.toml", &out), 0) << out;
  EXPECT_NE(out.find("HMC acceptance"), std::string::npos) << out;
  ASSERT_EQ(test::run_command(cd + exe + " run run.toml --set output.directory=\"split\" --set sampler.trials=15", &out),
            0)
      << out;
  ASSERT_EQ(test::run_command(cd + exe + " run run.toml --set output.directory=\"split\" --restart", &out), 0) << out;
  EXPECT_TRUE(test::trials_without_timings(tmp.file("run")) == test::trials_without_timings(tmp.file("split")));
  EXPECT_TRUE(test::read_text(tmp.file("run/samples.xyz")) == test::read_text(tmp.file("split/samples.xyz")));
  EXPECT_EQ(read_structures(tmp.file("run/samples.xyz")).size(), 41u);

  // A second fresh run into a used directory is refused, and nothing there is touched.
  const std::string before = test::read_text(tmp.file("run/trials.csv"));
  EXPECT_NE(test::run_command(cd + exe + " run run.toml", &out), 0);
  EXPECT_NE(out.find("already holds a run"), std::string::npos) << out;
  EXPECT_EQ(before, test::read_text(tmp.file("run/trials.csv")));

  ASSERT_EQ(test::run_command(cd + exe + " report run", &out), 0) << out;
  for (const char* f : {"index.html", "acceptance.svg", "delta_trace.svg", "energy.svg", "volume.svg", "rdf.svg"}) {
    ASSERT_TRUE(std::filesystem::exists(tmp.file(std::string("run/report/") + f))) << f;
    EXPECT_EQ(test::read_text(tmp.file(std::string("run/report/") + f)).rfind(f[0] == 'i' ? "<!DOCTYPE" : "<svg", 0), 0u)
        << f;
  }
}

TEST(CliRun, ConfigErrorsNameTheKey) {
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  test::write_text(tmp.file("run.toml"), kRunConfig);
  std::string out;
  const std::string cd = "cd " + tmp.path().string() + " && ";
  EXPECT_NE(test::run_command(cd + exe + " run run.toml --set sampler.n_mdd=3", &out), 0);
  EXPECT_NE(out.find("sampler.n_mdd"), std::string::npos) << out;
  EXPECT_NE(test::run_command(cd + exe + " run run.toml --set surrogate.type=ljj", &out), 0);
  EXPECT_NE(out.find("surrogate.type"), std::string::npos) << out;
  EXPECT_NE(test::run_command(cd + exe + " run run.toml --set sampler.trials=0", &out), 0);
  EXPECT_NE(out.find("sampler.trials"), std::string::npos) << out;
  EXPECT_NE(test::run_command(cd + exe + " run run.toml --restart", &out), 0);  // nothing to restart
  EXPECT_NE(out.find("checkpoint"), std::string::npos) << out;
}

// The main job: the embedded default is the silicon example, and its plan names the learned surrogate.
TEST(CliRun, EmbeddedDefaultIsTheSiliconExample) {
  SLHMC_REQUIRE_EXE(exe);
  std::string out;
  ASSERT_EQ(test::run_command(exe + " run --print-default", &out), 0) << out;
  EXPECT_EQ(out, test::read_text(std::string(SLHMC_SOURCE_DIR) + "/examples/silicon/slhmc.toml"));
  test::TempDir tmp;
  ASSERT_EQ(test::run_command("cd " + tmp.path().string() + " && " + exe + " run --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("NNP learned on the fly, from scratch"), std::string::npos) << out;
  EXPECT_NE(out.find("frozen after trial 400"), std::string::npos) << out;
  // Learning settings are checked like every other key.
  EXPECT_NE(test::run_command("cd " + tmp.path().string() + " && " + exe + " run --dry-run --set training.epochz=3", &out), 0);
  EXPECT_NE(out.find("training.epochz"), std::string::npos) << out;
  EXPECT_NE(test::run_command("cd " + tmp.path().string() + " && " + exe +
                                  " run --dry-run --set training.optimizer.epochs=3", &out), 0);
  EXPECT_NE(out.find("training.optimizer.epochs"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
