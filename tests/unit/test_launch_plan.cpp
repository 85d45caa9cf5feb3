// The plan of `slhmc launch` (learning/launch_plan.hpp): command lines, seeds,
// ids and directories per walker, and the launch-file mistakes it refuses
// before anything starts, each naming its key.
#include <gtest/gtest.h>

#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/launch_plan.hpp"
#include "test_support.hpp"

namespace slhmc::learning {
namespace {

const char* const kWalker = R"([sampler]
seed = 5

[training]
mode = "async"

[training.transport]
type = "directory"
path = "exchange"
)";

const char* const kTrainer = R"([transport]
type = "directory"
path = "exchange"

[training]
min_samples = 6
)";

struct PlanFiles {
  test::TempDir tmp;
  PlanFiles(const std::string& walker = kWalker, const std::string& trainer = kTrainer) {
    test::write_text(tmp.file("walker.toml"), walker);
    test::write_text(tmp.file("trainer.toml"), trainer);
  }
  LaunchPlan read(const std::string& extra, bool restart = false) const {
    const Config c = Config::parse("[launch]\nwalker = \"walker.toml\"\ntrainer = \"trainer.toml\"\nwalkers = 3\n" + extra,
                                   "launch.toml");
    return read_launch_plan(c, tmp.path().string(), "/bin/slhmc", restart);
  }
  // The message of the ConfigError that reading throws ("" if none).
  std::string error(const std::string& extra, bool restart = false) const {
    try {
      read(extra, restart);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
};

TEST(LaunchPlan, GivesEachWalkerItsIdDirectorySeedAndOverrides) {
  PlanFiles f;
  const LaunchPlan p = f.read("seed_stride = 100\nset = [\"sampler.trials=9\"]\ntrainer_set = [\"trainer.max_rounds=2\"]\n"
                              "[launch.walker-2]\nid = \"hot\"\nset = [\"sampler.temperature_K=1400\"]\n");
  const std::string dir = (f.tmp.path() / "launch-run").string();
  EXPECT_EQ(p.directory, dir);
  EXPECT_EQ(p.stop_file, (f.tmp.path() / "exchange/trainer/STOP").string());
  EXPECT_EQ(p.trainer.log, dir + "/trainer.log");
  EXPECT_EQ(shell_command(p.trainer.argv),
            "/bin/slhmc trainer " + f.tmp.file("trainer.toml") + " --set trainer.max_rounds=2");
  ASSERT_EQ(p.walkers.size(), 3u);
  EXPECT_EQ(p.walkers[0].name, "walker-0");
  EXPECT_EQ(p.walkers[1].name, "walker-1");
  EXPECT_EQ(p.walkers[2].name, "hot");
  EXPECT_EQ(p.walkers[0].seed, 5u);
  EXPECT_EQ(p.walkers[1].seed, 105u);
  EXPECT_EQ(p.walkers[2].seed, 205u);
  EXPECT_EQ(p.walkers[2].directory, dir + "/hot");
  EXPECT_EQ(p.walkers[2].log, dir + "/hot.log");
  const std::vector<std::string> expected = {"/bin/slhmc", "run", f.tmp.file("walker.toml"),
                                             "--set", "sampler.trials=9",
                                             "--set", "training.walker=\"hot\"",
                                             "--set", "output.directory=\"" + dir + "/hot\"",
                                             "--set", "sampler.seed=205",
                                             "--set", "sampler.temperature_K=1400"};
  EXPECT_EQ(p.walkers[2].argv, expected);
  EXPECT_EQ(dry_run_argv(p.walkers[2]).back(), "--dry-run");
  // A walker's own seed wins over the stride.
  EXPECT_EQ(f.read("[launch.walker-1]\nset = [\"sampler.seed=77\"]\n").walkers[1].seed, 77u);
}

TEST(LaunchPlan, RefusesWhatCannotWorkNamingTheKey) {
  PlanFiles f;
  EXPECT_NE(f.error("[launch.walker-3]\nid = \"x\"\n").find("'launch.walker-3': there is no walker 3"), std::string::npos);
  EXPECT_NE(f.error("walker-count = 2\n").find("'launch.walker-count': unknown key"), std::string::npos);
  EXPECT_NE(f.error("[launch.walker-1]\nid = \"walker-0\"\n").find("given twice"), std::string::npos);
  EXPECT_NE(f.error("[launch.walker-1]\nid = \"a b\"\n").find("not a walker id"), std::string::npos);
  EXPECT_NE(f.error("seed_stride = 0\n").find("'launch.seed_stride'"), std::string::npos);
  EXPECT_NE(f.error("set = [\"training.walker=x\"]\n").find("give `id`"), std::string::npos);
  EXPECT_NE(f.error("set = [\"output.directory=x\"]\n").find("'launch.set'"), std::string::npos);
  EXPECT_NE(f.error("set = [\"novalue\"]\n").find("'launch.set': 'novalue'"), std::string::npos);
  EXPECT_NE(f.error("[launch.walker-1]\nset = [\"sampler.seed=5\"]\n").find("same sampler.seed 5"), std::string::npos);
  EXPECT_NE(f.error("trainer_set = [\"trainer.typo=1\"]\n").find("'trainer.typo': unknown key"), std::string::npos);
  EXPECT_NE(f.error("set = [\"training.transport.path=elsewhere\"]\n").find("is not the trainer's"), std::string::npos);
  EXPECT_NE(f.error("set = [\"training.mode=sync\"]\n").find("mode must be \"async\""), std::string::npos);
  EXPECT_NE(f.error("", true).find("--restart, but"), std::string::npos);
  std::filesystem::create_directories(f.tmp.file("launch-run/walker-1"));
  test::write_text(f.tmp.file("launch-run/walker-1/checkpoint"), "");
  EXPECT_NE(f.error("").find("walker-1: " + f.tmp.file("launch-run/walker-1") + " already holds a run"),
            std::string::npos);
  PlanFiles missing;
  std::filesystem::remove(missing.tmp.file("trainer.toml"));
  EXPECT_NE(missing.error("").find("'launch.trainer': no such file"), std::string::npos);
}

TEST(LaunchPlan, TcpWalkersMustReachTheTrainersPort) {
  PlanFiles f(R"([training]
mode = "async"
[training.transport]
type = "tcp"
port = 47001
)",
              R"([transport]
type = "tcp"
host = "0.0.0.0"
port = 47001
[training]
min_samples = 6
)");
  const LaunchPlan p = f.read("");
  EXPECT_EQ(p.transport.type, "tcp");
  EXPECT_EQ(p.stop_file, f.tmp.file("trainer-state/STOP"));
  EXPECT_NE(f.error("set = [\"training.transport.port=47002\"]\n").find("tcp 127.0.0.1:47002"), std::string::npos);
}

TEST(TransportRegistry, EachTransportReadsDescribesAndMatchesItsOwnKeys) {
  EXPECT_EQ(transport_names(true), (std::vector<std::string>{"directory", "in-process", "tcp"}));
  EXPECT_EQ(transport_names(false), (std::vector<std::string>{"directory", "tcp"}));  // in-process: a walker's only
  EXPECT_THROW(transport_kind("pigeon"), Error);
  const Config tcp = Config::parse("type = \"tcp\"\nport = 47001\n", "t.toml");
  const TransportConfig walker = read_transport_config(tcp, "/base", true);
  EXPECT_EQ(describe_transport(walker), "tcp 127.0.0.1:47001");
  TransportConfig trainer = walker;
  trainer.host = "0.0.0.0";
  EXPECT_TRUE(same_transport(walker, trainer));  // hosts differ legitimately
  const Config dir = Config::parse("type = \"directory\"\npath = \"./x/../exchange\"\n", "t.toml");
  const TransportConfig shared = read_transport_config(dir, "/base");
  EXPECT_EQ(describe_transport(shared), "directory /base/exchange");
  EXPECT_FALSE(same_transport(walker, shared));
  EXPECT_THROW(read_transport_config(Config::parse("type = \"in-process\"\n", "t.toml"), "/base"), ConfigError);
  EXPECT_THROW(read_transport_config(Config::parse("type = \"tcp\"\nport = 1\npath = \"x\"\n", "t.toml"), "/b", true),
               ConfigError);
}

TEST(LaunchPlan, ShellCommandQuotesWhatTheShellWouldSplit) {
  EXPECT_EQ(shell_command({"/bin/slhmc", "run", "a b.toml", "--set", "k=\"it's\"", ""}),
            "/bin/slhmc run 'a b.toml' --set 'k=\"it'\\''s\"' ''");
}

// The deterministic mode: walkers and trainer share the schedule, and the trainer names exactly
// the walkers that are launched (it waits for each of them).
TEST(LaunchPlan, DeterministicWalkersNeedTheirTrainersScheduleAndNames) {
  std::string walker = kWalker;
  walker.replace(walker.find("mode = \"async\""), 14, "mode = \"deterministic\"\nretrain_interval = 10");
  EXPECT_NE(PlanFiles(walker, kTrainer).error("").find("need one shared [training.model] init model"), std::string::npos);
  walker += "\n[training.model]\ninit = \"init.nnp\"\n";
  const std::string trainer = std::string(kTrainer) +
                              "mode = \"deterministic\"\nretrain_interval = 10\nwalkers = [\"walker-0\", \"walker-1\", \"walker-2\"]\n";
  EXPECT_EQ(PlanFiles(walker, trainer).read("").walkers.size(), 3u);
  std::string two = trainer;
  two.replace(two.find(", \"walker-2\""), 12, "");
  EXPECT_NE(PlanFiles(walker, two).error("").find("must name the launched walkers"), std::string::npos);
  EXPECT_NE(PlanFiles(walker, kTrainer).error("").find("needs a trainer in mode = \"deterministic\""), std::string::npos);
  std::string other = trainer;
  other.replace(other.find("retrain_interval = 10"), 21, "retrain_interval = 20");
  EXPECT_NE(PlanFiles(walker, other).error("").find("is not the deterministic trainer's (20)"), std::string::npos);
}

}  // namespace
}  // namespace slhmc::learning
