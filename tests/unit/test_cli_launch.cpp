// `slhmc launch`: one trainer and two asynchronous walkers as real processes
// over the directory transport. Both walkers finish, the trainer counts the
// samples of both, newer models reach both, the chains differ (different
// seeds); a walker with a bad override stops the launch before anything
// starts and one that fails at run time makes the launch fail naming it;
// SIGINT reaches every child and the walkers restart from their checkpoints.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "learning_fixtures.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const char* const kDirectory = "type = \"directory\"\npath = \"exchange\"\n";

struct LaunchFiles {
  test::TempDir tmp;
  std::string cd;
  // `transport`: the keys of the walkers' [training.transport] and the trainer's [transport].
  explicit LaunchFiles(int trials, const std::string& extra_launch_keys = "", const std::string& transport = kDirectory) {
    test::write_text(tmp.file("walker.toml"), test::async_walker_toml(trials, transport) + test::kTinySiModelToml);
    std::string trainer = test::kTrainerToml;
    trainer.replace(trainer.find(kDirectory), std::string(kDirectory).size(), transport);
    test::write_text(tmp.file("trainer.toml"), trainer + test::kTinySiModelToml);
    test::write_text(tmp.file("launch.toml"), "[launch]\nwalker = \"walker.toml\"\ntrainer = \"trainer.toml\"\n"
                                              "walkers = 2\ndirectory = \"run\"\nseed_stride = 10\n" +
                                                  extra_launch_keys);
    cd = "cd " + tmp.path().string() + " && ";
  }
};

TEST(CliLaunch, TwoWalkersAndATrainerShareModelsAndAFailingWalkerIsNamed) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  LaunchFiles f(80);
  // Trials of 8 atoms take microseconds: the walkers could finish before the trainer (busy with
  // two walkers' bootstraps on a loaded machine) publishes anything newer. So each walker's
  // reference holds its calls after the 40th (about trial 32 of 80) until model 2 is published:
  // the assertion below then waits for that event, not for lucky timing.
  std::string walker = test::read_text(f.tmp.file("walker.toml"));
  const std::string sw = "[reference]\ntype = \"sw\"\nfile = \"Si.sw\"\n";
  walker.replace(walker.find(sw), sw.size(),
                 "[reference]\ntype = \"delayed\"\nwait_for_file = \"exchange/models/model-v2.nnp\"\n"
                 "wait_after_calls = 40\nwait_timeout_s = 300\n\n[reference.inner]\ntype = \"sw\"\nfile = \"Si.sw\"\n");
  test::write_text(f.tmp.file("walker.toml"), walker);
  std::string out;
  ASSERT_EQ(test::run_command(f.cd + exe + " launch launch.toml --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("walker-0 (seed 3)"), std::string::npos) << out;
  EXPECT_NE(out.find("walker-1 (seed 13)"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(f.tmp.file("run"))) << "a dry run starts nothing";

  ASSERT_EQ(test::run_command(f.cd + exe + " launch launch.toml", &out), 0) << out;
  for (const char* line : {"walker-0: exited with status 0", "walker-1: exited with status 0",
                           "trainer: exited with status 0", "trainer: stopped (stop file"})
    EXPECT_NE(out.find(line), std::string::npos) << line << "\n" << out;
  // Both walkers ran every trial and sent every sample (the initial configuration and 80 trials).
  const std::regex sent("asynchronous learning: 81 samples sent");
  EXPECT_EQ(std::distance(std::sregex_iterator(out.begin(), out.end(), sent), std::sregex_iterator()), 2) << out;
  EXPECT_FALSE(std::filesystem::exists(f.tmp.file("exchange/trainer/STOP"))) << "the launcher removes its stop file";

  // The trainer counted samples of both walkers, each once.
  const auto stored = learning::parse_samples(test::read_text(f.tmp.file("exchange/trainer/samples.xyz")), "store");
  std::map<std::string, std::size_t> by_walker;
  std::set<std::pair<std::string, std::uint64_t>> ids;
  for (const auto& s : stored) {
    ++by_walker[s.walker];
    ids.insert({s.walker, s.sequence});
  }
  EXPECT_EQ(ids.size(), stored.size());
  EXPECT_GT(by_walker["walker-0"], 0u);
  EXPECT_GT(by_walker["walker-1"], 0u);

  // Models newer than the bootstrap reached both walkers; the chains differ.
  std::vector<std::vector<std::string>> energies;
  for (const char* w : {"walker-0", "walker-1"}) {
    const std::string trials = test::read_text(f.tmp.file(std::string("run/") + w + "/trials.csv"));
    const auto versions = test::model_versions(trials);
    ASSERT_EQ(versions.size(), 80u) << w;
    EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end())) << w;
    EXPECT_GE(versions.back(), 2) << w << " never received a model from the trainer";
    energies.push_back(test::trials_column(trials, "potential_eV"));
  }
  EXPECT_NE(energies[0], energies[1]);

  // A bad override of walker 1: refused before anything starts, naming the walker.
  test::write_text(f.tmp.file("bad.toml"), "[launch]\nwalker = \"walker.toml\"\ntrainer = \"trainer.toml\"\n"
                                           "walkers = 2\ndirectory = \"bad-run\"\n\n"
                                           "[launch.walker-1]\nset = [\"sampler.n_md=0\"]\n");
  EXPECT_EQ(test::run_command(f.cd + exe + " launch bad.toml", &out), 1) << out;
  EXPECT_NE(out.find("walker-1 has a bad config"), std::string::npos) << out;
  EXPECT_NE(out.find("n_md must be at least 1"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(f.tmp.file("bad-run")));
  // Launch-file mistakes name their key.
  EXPECT_EQ(test::run_command(f.cd + exe + " launch launch.toml --set launch.walker-2.id=x", &out), 1) << out;
  EXPECT_NE(out.find("'launch.walker-2': there is no walker 2"), std::string::npos) << out;
  EXPECT_EQ(test::run_command(f.cd + exe + " launch launch.toml", &out), 1) << out;
  EXPECT_NE(out.find("already holds a run; use --restart"), std::string::npos) << out;
}

TEST(CliLaunch, SignalsReachEveryChildAndWalkersRestartFromCheckpoints) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  LaunchFiles f(100000);
  ASSERT_EQ(test::run_command(f.cd + "(" + exe + " launch launch.toml > launch.out 2>&1 & echo $! > launch.pid)"), 0);
  const std::string pid = std::to_string(std::stol(test::read_text(f.tmp.file("launch.pid"))));
  auto alive = [](const std::string& p) { return test::run_command("kill -0 " + p + " 2>/dev/null") == 0; };
  std::vector<std::string> children;
  const std::shared_ptr<void> reaper(nullptr, [&](void*) {
    for (const auto& p : children) test::run_command("kill -9 " + p + " 2>/dev/null");
    test::run_command("kill -9 " + pid + " 2>/dev/null");
  });
  auto trials_of = [&](const char* w) {
    const std::string path = f.tmp.file(std::string("run/") + w + "/trials.csv");
    return std::filesystem::exists(path) ? test::model_versions(test::read_text(path)).size() : std::size_t{0};
  };
  ASSERT_TRUE(test::wait_for([&] { return trials_of("walker-0") >= 3 && trials_of("walker-1") >= 3; }, 60))
      << test::read_text(f.tmp.file("launch.out"));
  {
    const std::string started = test::read_text(f.tmp.file("launch.out"));
    const std::regex child_pid("started \\(pid ([0-9]+)");
    for (auto it = std::sregex_iterator(started.begin(), started.end(), child_pid); it != std::sregex_iterator(); ++it)
      children.push_back((*it)[1]);
  }
  ASSERT_EQ(children.size(), 3u);
  ASSERT_EQ(test::run_command("kill -INT " + pid), 0);
  ASSERT_TRUE(test::wait_for([&] { return !alive(pid); }, 30)) << "the launcher did not end on SIGINT";
  for (const auto& c : children) EXPECT_FALSE(alive(c)) << "child " << c << " outlived the launcher";
  const std::string interrupted = test::read_text(f.tmp.file("launch.out"));
  EXPECT_NE(interrupted.find("interrupted by signal 2"), std::string::npos) << interrupted;
  EXPECT_NE(interrupted.find("walker-0: was killed by signal 2"), std::string::npos) << interrupted;

  // Restart: walker 0 continues its chain for four more trials; walker 1, its checkpoint broken,
  // fails, and the launch fails naming it and its log.
  const std::size_t done = trials_of("walker-0");
  test::write_text(f.tmp.file("run/walker-1/checkpoint"), "garbage\n");
  std::string out;
  EXPECT_EQ(test::run_command(f.cd + exe + " launch launch.toml --restart --set 'launch.set=[\"sampler.trials=" +
                                  std::to_string(done + 4) + "\"]'",
                              &out),
            1)
      << out;
  EXPECT_NE(out.find("walker-0: exited with status 0"), std::string::npos) << out;
  EXPECT_NE(out.find("walker-1: exited with status 1 (log run/walker-1.log)"), std::string::npos) << out;
  EXPECT_NE(out.find("not a slhmc checkpoint"), std::string::npos) << out;
  EXPECT_NE(out.find("trainer: exited with status 0"), std::string::npos) << out;
  EXPECT_NE(out.find("failed: walker-1"), std::string::npos) << out;
  EXPECT_EQ(trials_of("walker-0"), done + 4);
  EXPECT_TRUE(std::filesystem::exists(f.tmp.file("run/walker-0.log.prev"))) << "the first log is kept";
}

TEST(CliLaunch, OverTcpTheTrainerStopsThroughItsStopFileToo) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  // Apart from the port of CliTcpLearning (same pid base), in case both run at once.
  const int port = 20000 + static_cast<int>((getpid() + 7919) % 20000);
  LaunchFiles f(20, "", "type = \"tcp\"\nport = " + std::to_string(port) + "\n");
  std::string out;
  ASSERT_EQ(test::run_command(f.cd + exe + " launch launch.toml", &out), 0) << out;
  EXPECT_NE(out.find("asking the trainer to stop (trainer-state/STOP)"), std::string::npos) << out;
  EXPECT_NE(out.find("trainer: stopped (stop file"), std::string::npos) << out;
  EXPECT_FALSE(std::filesystem::exists(f.tmp.file("trainer-state/STOP")));
  std::set<std::string> walkers;
  for (const auto& s : learning::parse_samples(test::read_text(f.tmp.file("trainer-state/samples.xyz")), "store"))
    walkers.insert(s.walker);
  EXPECT_EQ(walkers, (std::set<std::string>{"walker-0", "walker-1"}));
  for (const char* w : {"walker-0", "walker-1"})
    EXPECT_GE(test::model_versions(test::read_text(f.tmp.file(std::string("run/") + w + "/trials.csv"))).back(), 2)
        << w;
}

TEST(CliLaunch, TheExampleChecksOut) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;  // the run directory elsewhere: a run of the example in the tree must not matter
  std::string out;
  const std::string launch = std::string(SLHMC_SOURCE_DIR) + "/examples/async-silicon/launch.toml";
  ASSERT_EQ(test::run_command(exe + " launch " + launch + " --dry-run --set launch.directory=" + tmp.file("run"), &out),
            0)
      << out;
  EXPECT_NE(out.find("walker-1 (seed 1001)"), std::string::npos) << out;
  EXPECT_NE(out.find("every walker's config checked"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
