// The deterministic mode of asynchronous learning (DESIGN §5): the walker
// swaps models only after every `retrain_interval` trials and waits for the
// model of the schedule, the trainer trains round i on exactly the trials up to
// i * retrain_interval. So a trainer thread in the walker's process and a
// trainer process behind a shared directory give the same chain bit for bit,
// however their timings differ.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <sstream>

#include <unistd.h>

#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

std::string walker_toml(const std::string& transport) {
  std::string t = test::async_walker_toml(16, transport);
  // async_walker_toml polls; the deterministic mode swaps on its schedule instead.
  const std::string polled = "mode = \"async\"\nwalker = \"w1\"\npoll_interval_trials = 2\n";
  t.replace(t.find(polled), polled.size(), "mode = \"deterministic\"\nwalker = \"w1\"\nretrain_interval = 4\nepochs = 3\n");
  return t;
}

constexpr const char* kDeterministicTrainer = R"([transport]
type = "directory"
path = "exchange"

[trainer]
poll_interval_s = 0.02

[training]
mode = "deterministic"
retrain_interval = 4
walkers = ["w1"]
epochs = 3
first_epochs = 10
threads = 1
)";

// A native model file without its creation time (and the checksum over it).
std::string without_dates(const std::string& model) {
  std::istringstream in(model);
  std::ostringstream out;
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("created = ", 0) != 0 && line.rfind("checksum ", 0) != 0) out << line << '\n';
  return out.str();
}

TEST(CliDeterministicLearning, OneProcessAndTwoProcessesGiveTheSameChain) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir one, two;
  std::string out;

  // One process: the trainer is a thread of `slhmc run`.
  test::write_text(one.file("walker.toml"), walker_toml("type = \"in-process\"\n") + test::kTinySiModelToml);
  ASSERT_EQ(test::run_command("cd " + one.path().string() + " && " + exe + " run walker.toml", &out), 0) << out;
  // Rounds on the trials up to 4, 8 and 12; the last one is taken after trial 16.
  EXPECT_NE(out.find("in-process trainer: 3 round(s)"), std::string::npos) << out;

  // Two processes: `slhmc trainer` behind a shared directory.
  test::write_text(two.file("walker.toml"),
                   walker_toml("type = \"directory\"\npath = \"exchange\"\n") + test::kTinySiModelToml);
  test::write_text(two.file("trainer.toml"), std::string(kDeterministicTrainer) + test::kTinySiModelToml);
  const std::string cd = "cd " + two.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + "(" + exe + " trainer trainer.toml > trainer.log 2>&1 & echo $! > trainer.pid)"), 0);
  const std::string pid = std::to_string(std::stol(test::read_text(two.file("trainer.pid"))));
  const std::shared_ptr<void> reaper(nullptr, [&](void*) { test::run_command("kill -9 " + pid + " 2>/dev/null"); });
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml", &out), 0) << out << test::read_text(two.file("trainer.log"));
  test::write_text(two.file("exchange/trainer/STOP"), "");

  const std::string trials_one = test::read_text(one.file("walker/trials.csv"));
  // Swaps at the schedule: model v(m) after trial 4m for m >= 2, trained on trials <= 4(m-1).
  const std::vector<long long> expected = {1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3};
  EXPECT_EQ(test::model_versions(trials_one), expected);
  EXPECT_EQ(test::trials_without_timings(one.file("walker")), test::trials_without_timings(two.file("walker")));
  EXPECT_EQ(test::read_text(one.file("walker/samples.xyz")), test::read_text(two.file("walker/samples.xyz")));
  EXPECT_EQ(test::read_text(one.file("walker/chain.xyz")), test::read_text(two.file("walker/chain.xyz")));
  // Both trainers trained their models on the same samples.
  for (const char* model : {"walker/models/model-v2.nnp", "walker/models/model-v3.nnp"}) {
    const std::string a = without_dates(test::read_text(one.file(model)));
    EXPECT_NE(a.find("trainer.data_through_trial"), std::string::npos) << model;
    EXPECT_EQ(a, without_dates(test::read_text(two.file(model)))) << model;
  }
}

// Over TCP a walker's bootstrap model is not published, so both sides start from the same `init`
// model; the thread and the TCP trainer process then give the same chain too.
TEST(CliDeterministicLearning, OverTcpTheChainEqualsTheOneProcessChain) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir seed, one, two;
  std::string out;
  // A first model: the bootstrap model of a short run.
  test::write_text(seed.file("walker.toml"), walker_toml("type = \"in-process\"\n") + test::kTinySiModelToml);
  ASSERT_EQ(test::run_command("cd " + seed.path().string() + " && " + exe + " run walker.toml --set sampler.trials=1", &out), 0)
      << out;
  const std::string init = seed.file("walker/models/model-v1.nnp");
  const std::string with_init = "\n[training.model]\ninit = \"" + init + "\"\n\n[training.optimizer]\nbatch_size = 4\n";

  test::write_text(one.file("walker.toml"), walker_toml("type = \"in-process\"\n") + with_init);
  ASSERT_EQ(test::run_command("cd " + one.path().string() + " && " + exe + " run walker.toml", &out), 0) << out;

  const int port = 20000 + static_cast<int>((getpid() + 7919) % 20000);
  const std::string tcp = "type = \"tcp\"\nport = " + std::to_string(port) + "\n";
  test::write_text(two.file("walker.toml"), walker_toml(tcp) + with_init);
  std::string trainer = std::string(kDeterministicTrainer) + with_init;
  const std::string dir = "type = \"directory\"\npath = \"exchange\"\n";
  trainer.replace(trainer.find(dir), dir.size(), tcp);
  test::write_text(two.file("trainer.toml"), trainer);
  const std::string cd = "cd " + two.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + "(" + exe + " trainer trainer.toml > trainer.log 2>&1 & echo $! > trainer.pid)"), 0);
  const std::string pid = std::to_string(std::stol(test::read_text(two.file("trainer.pid"))));
  const std::shared_ptr<void> reaper(nullptr, [&](void*) { test::run_command("kill -9 " + pid + " 2>/dev/null"); });
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml", &out), 0) << out << test::read_text(two.file("trainer.log"));
  test::write_text(two.file("trainer-state/STOP"), "");

  const std::string trials_one = test::read_text(one.file("walker/trials.csv"));
  EXPECT_EQ(test::model_versions(trials_one).back(), 3);
  EXPECT_EQ(test::trials_without_timings(one.file("walker")), test::trials_without_timings(two.file("walker")));
  EXPECT_EQ(test::read_text(one.file("walker/samples.xyz")), test::read_text(two.file("walker/samples.xyz")));
}

// A walker stopped after trial 10 and restarted from its checkpoint (its trainer thread resumed
// from its own) continues the chain that an uninterrupted run makes.
TEST(CliDeterministicLearning, ARestartedRunContinuesTheSameChain) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir whole, parts;
  std::string out;
  for (const test::TempDir* d : {&whole, &parts})
    test::write_text(d->file("walker.toml"), walker_toml("type = \"in-process\"\n") + test::kTinySiModelToml);
  ASSERT_EQ(test::run_command("cd " + whole.path().string() + " && " + exe + " run walker.toml", &out), 0) << out;
  const std::string cd = "cd " + parts.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --set sampler.trials=10", &out), 0) << out;
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --restart", &out), 0) << out;
  EXPECT_EQ(test::trials_without_timings(whole.file("walker")), test::trials_without_timings(parts.file("walker")));
  EXPECT_EQ(test::read_text(whole.file("walker/samples.xyz")), test::read_text(parts.file("walker/samples.xyz")));
}

TEST(CliDeterministicLearning, AWalkerRefusesAModelOfAnotherSchedule) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  std::string trainer = std::string(kDeterministicTrainer) + test::kTinySiModelToml;
  trainer.replace(trainer.find("retrain_interval = 4"), 20, "retrain_interval = 2");
  test::write_text(tmp.file("trainer.toml"), trainer);
  test::write_text(tmp.file("walker.toml"),
                   walker_toml("type = \"directory\"\npath = \"exchange\"\n") + test::kTinySiModelToml);
  const std::string cd = "cd " + tmp.path().string() + " && ";
  ASSERT_EQ(test::run_command(cd + "(" + exe + " trainer trainer.toml > trainer.log 2>&1 & echo $! > trainer.pid)"), 0);
  const std::string pid = std::to_string(std::stol(test::read_text(tmp.file("trainer.pid"))));
  const std::shared_ptr<void> reaper(nullptr, [&](void*) { test::run_command("kill -9 " + pid + " 2>/dev/null"); });
  std::string out;
  EXPECT_NE(test::run_command(cd + exe + " run walker.toml", &out), 0) << out;
  EXPECT_NE(out.find("give walker and trainer the same retrain_interval"), std::string::npos) << out;
  test::write_text(tmp.file("exchange/trainer/STOP"), "");
}

// Two deterministic walkers bootstrapping their own models from scratch: the second finds the
// first one's model 1 published and stops (its chain would depend on who came first).
TEST(CliDeterministicLearning, ASecondBootstrapModelIsRefused) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  test::write_text(tmp.file("walker.toml"),
                   walker_toml("type = \"directory\"\npath = \"exchange\"\n") + test::kTinySiModelToml);
  const std::string cd = "cd " + tmp.path().string() + " && ";
  std::string out;
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --set sampler.trials=1", &out), 0) << out;
  EXPECT_NE(test::run_command(cd + exe + " run walker.toml --set sampler.trials=1 --set 'training.walker=\"w2\"' " +
                                  "--set 'output.directory=\"walker2\"' --set sampler.seed=4",
                              &out),
            0)
      << out;
  EXPECT_NE(out.find("need one shared [training.model] init model"), std::string::npos) << out;
}

}  // namespace
}  // namespace slhmc
