// `slhmc run` with [training] mode = "async" and `slhmc trainer` as two real
// processes sharing a directory: the walker publishes its bootstrap model,
// the trainer warm-starts from it on the walker's samples (each counted once)
// and publishes newer versions, and the walker swaps them in between trials
// (model versions in trials.csv never decrease); a broken newest model is
// refused and the walker keeps the one it has.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>
#include <sstream>
#include <thread>

#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

const std::string kWalker = test::async_walker_toml(12, "type = \"directory\"\npath = \"exchange\"\n");

TEST(CliAsyncLearning, WalkerAndTrainerProcessesExchangeSamplesAndModels) {
  REQUIRE_SW();
  SLHMC_REQUIRE_EXE(exe);
  test::TempDir tmp;
  test::write_text(tmp.file("walker.toml"), kWalker + test::kTinySiModelToml);
  test::write_text(tmp.file("trainer.toml"), std::string(test::kTrainerToml) + test::kTinySiModelToml);
  const std::string cd = "cd " + tmp.path().string() + " && ";
  std::string out;
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --dry-run", &out), 0) << out;
  EXPECT_NE(out.find("trained by `slhmc trainer`"), std::string::npos) << out;

  // The walker first (bootstrap, model v1 published, 12 trials), then the trainer.
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml", &out), 0) << out;
  EXPECT_NE(out.find("asynchronous learning: 13 samples sent"), std::string::npos) << out;
  EXPECT_EQ(learning::published_version(tmp.file("exchange")), 1);
  ASSERT_EQ(test::run_command(cd + "(" + exe + " trainer trainer.toml > trainer.log 2>&1 & echo $! > trainer.pid)"), 0);
  const std::string pid = std::to_string(std::stol(test::read_text(tmp.file("trainer.pid"))));
  const std::shared_ptr<void> reaper(nullptr, [&](void*) { test::run_command("kill -9 " + pid + " 2>/dev/null"); });
  ASSERT_TRUE(test::wait_for([&] { return learning::published_version(tmp.file("exchange")) >= 2; }, 60))
      << test::read_text(tmp.file("trainer.log"));
  test::write_text(tmp.file("exchange/trainer/STOP"), "");
  ASSERT_TRUE(test::wait_for([&] { return test::run_command("kill -0 " + pid + " 2>/dev/null") != 0; }, 30));
  const std::string log = test::read_text(tmp.file("trainer.log"));
  EXPECT_NE(log.find("adopted published model v1"), std::string::npos) << log;

  // The walker goes on (a restart) and takes the trainer's newest model at its first poll.
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --restart --set sampler.trials=20", &out), 0) << out;
  const std::string trials = test::read_text(tmp.file("walker/trials.csv"));
  EXPECT_EQ(trials.find(",fixed"), std::string::npos) << "every trial of a learning walker is in phase learning";
  const auto versions = test::model_versions(trials);
  ASSERT_EQ(versions.size(), 20u);
  EXPECT_TRUE(std::is_sorted(versions.begin(), versions.end()));
  EXPECT_EQ(versions.front(), 1);
  EXPECT_EQ(versions[12], 1);  // trial 13 ran before the poll that follows it
  EXPECT_EQ(versions.back(), learning::published_version(tmp.file("exchange")));
  EXPECT_GE(versions.back(), 2);
  EXPECT_TRUE(std::filesystem::exists(tmp.file("walker/models/model-v" + std::to_string(versions.back()) + ".nnp")));

  // A newest model that arrives broken (its file cut short) is refused; the walker keeps its model.
  const std::string good = test::read_text(tmp.file("exchange/models/model-v" + std::to_string(versions.back()) + ".nnp"));
  test::write_text(tmp.file("exchange/models/model-v99.nnp"), good.substr(0, good.size() / 2));
  char sum[17];
  std::snprintf(sum, sizeof sum, "%016llx", static_cast<unsigned long long>(fnv1a64(good)));
  test::write_text(tmp.file("exchange/models/MANIFEST"),
                   std::string("slhmc-model-manifest 1\nversion = 99\nfile = model-v99.nnp\nfnv1a64 = ") + sum + "\n");
  ASSERT_EQ(test::run_command(cd + exe + " run walker.toml --restart --set sampler.trials=24", &out), 0) << out;
  EXPECT_NE(out.find("walker: kept model v" + std::to_string(versions.back())), std::string::npos) << out;
  const auto after = test::model_versions(test::read_text(tmp.file("walker/trials.csv")));
  ASSERT_EQ(after.size(), 24u);
  EXPECT_EQ(after.back(), versions.back());

  // The telemetry of both processes: the report draws their timeline and gives the figures.
  ASSERT_EQ(test::run_command(cd + exe + " report walker --trainer exchange/trainer", &out), 0) << out;
  EXPECT_NE(out.find("telemetry:"), std::string::npos) << out;
  EXPECT_NE(out.find("w1 "), std::string::npos) << out;
  EXPECT_NE(out.find("busy"), std::string::npos) << out;
  EXPECT_TRUE(std::filesystem::exists(tmp.file("walker/report/timeline.svg")));
  for (const char* kind : {",reference,", ",trajectory,", ",ship,", ",poll,", ",model_load,"})
    EXPECT_NE(test::read_text(tmp.file("walker/events.csv")).find(kind), std::string::npos) << kind;
  for (const char* kind : {",ingest,", ",train,", ",publish,"})
    EXPECT_NE(test::read_text(tmp.file("exchange/trainer/events.csv")).find(kind), std::string::npos) << kind;

  // The trainer counted the bootstrap and the walker's samples once each.
  const auto stored = learning::parse_samples(test::read_text(tmp.file("exchange/trainer/samples.xyz")), "store");
  std::size_t bootstrap = 0, chain = 0;
  std::set<std::pair<std::string, std::uint64_t>> ids;
  for (const auto& s : stored) {
    ids.insert({s.walker, s.sequence});
    (s.walker == "w1-bootstrap" ? bootstrap : chain) += 1;
  }
  EXPECT_EQ(ids.size(), stored.size());
  EXPECT_EQ(bootstrap, 7u);
  EXPECT_EQ(chain, 13u);
}

}  // namespace
}  // namespace slhmc
