// `slhmc run` with [training] mode = "async" over TCP and `slhmc trainer`
// listening on a TCP port, as two real processes: the trainer counts every
// walker sample once, trains and publishes, and the walker swaps the newer
// models in between trials (versions in trials.csv never decrease).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <set>
#include <sstream>

#include "learning_fixtures.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

std::string walker_toml(int port) {
  return test::async_walker_toml(40, "type = \"tcp\"\nport = " + std::to_string(port) + "\n");
}

std::string trainer_toml(int port) {
  std::string t = test::kTrainerToml;
  const std::string dir = "type = \"directory\"\npath = \"exchange\"\n";
  t.replace(t.find(dir), dir.size(), "type = \"tcp\"\nport = " + std::to_string(port) + "\n");
  return t;
}

TEST(CliTcpLearning, WalkerAndTrainerExchangeOverTcp) {
  SLHMC_REQUIRE_EXE(exe);
  if (!std::filesystem::exists("/usr/share/lammps/potentials/Si.sw")) GTEST_SKIP() << "Si.sw not installed";
  test::TempDir tmp;
  const int port = 20000 + static_cast<int>(getpid() % 20000);
  test::write_text(tmp.file("walker.toml"), walker_toml(port) + test::kTinySiModelToml);
  test::write_text(tmp.file("trainer.toml"), trainer_toml(port) + test::kTinySiModelToml);
  const std::string cd = "cd " + tmp.path().string() + " && ";
  std::string out;
  ASSERT_EQ(test::run_command(cd + "(" + exe + " trainer trainer.toml > trainer.log 2>&1 & echo $! > trainer.pid)"), 0);
  const std::string pid = test::read_text(tmp.file("trainer.pid")).substr(0, test::read_text(tmp.file("trainer.pid")).find('\n'));
  const std::shared_ptr<void> reaper(nullptr, [&](void*) { test::run_command("kill -9 " + pid + " 2>/dev/null"); });
  ASSERT_TRUE(test::wait_for([&] { return test::read_text(tmp.file("trainer.log")).find("listening") != std::string::npos; }, 20))
      << test::read_text(tmp.file("trainer.log"));
  // Walk until the trainer's models arrive (the walker's first run may end before; continue it).
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml", &out), 0) << out;
  long long last = 0;
  for (int round = 0; round < 6 && last < 2; ++round) {
    long long previous = 0;
    for (const long long v : test::model_versions(test::read_text(tmp.file("walker/trials.csv")))) {
      EXPECT_GE(v, previous);
      previous = v;
    }
    last = previous;
    if (last < 2) {
      const std::string more = std::to_string(40 + 20 * (round + 1));
      ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --restart --set sampler.trials=" + more, &out), 0) << out;
    }
  }
  EXPECT_GE(last, 2) << test::read_text(tmp.file("trainer.log"));
  // Stop the trainer; every walker sample it stored is there once.
  test::write_text(tmp.file("trainer-state/STOP"), "");
  ASSERT_TRUE(test::wait_for([&] { return test::run_command("kill -0 " + pid + " 2>/dev/null") != 0; }, 30));
  const auto stored = learning::parse_samples(test::read_text(tmp.file("trainer-state/samples.xyz")), "store");
  std::set<std::uint64_t> seen;
  for (const auto& s : stored) {
    EXPECT_EQ(s.walker, "w1");
    EXPECT_TRUE(seen.insert(s.sequence).second) << "sample " << s.sequence << " stored twice";
  }
  EXPECT_GE(stored.size(), 10u);
}

}  // namespace
}  // namespace slhmc
