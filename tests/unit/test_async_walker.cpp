// The asynchronous walker takes its samples through the door (DESIGN §4): a
// sink the walker adds to its SlhmcRun, right after the durable log. It never
// reads samples.xyz back while it runs (the test moves the log away and the
// walker does not notice); after a restart it sends what the log holds again,
// under the same (walker, sequence), for the trainer to count once.
#include <gtest/gtest.h>

#include <filesystem>

#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/learning/walker/async_walker.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

using namespace slhmc;

namespace {

struct RecordingSink final : learning::SampleSink {
  std::vector<learning::Sample> samples;
  void push(const learning::Sample& s) override { samples.push_back(s); }
  void flush() override {}
};

struct NoModels final : learning::ModelSource {
  std::optional<learning::PublishedModel> newer_than(long long, std::string*) override { return std::nullopt; }
};

Frame silicon() { return test::rattled_silicon(); }

learning::LearningOptions learning_options() {
  learning::LearningOptions o;
  o.first_epochs = 5;
  o.bootstrap_md_steps = 4;
  o.temperature_K = 1000;
  o.seed = 3;
  o.spec.chebyshev = {4.0, 4, 3.5, 2};
  o.spec.hidden = {4};
  o.train.batch_size = 4;
  o.train.threads = 1;
  return o;
}

// Runs (or continues) a walker of `trials` trials whose samples go to `sink`; `between` runs
// after attach(), before the first trial.
void run_walker(const std::string& dir, std::uint64_t trials, bool restart, learning::SampleSink& sink,
                const std::function<void()>& between = {}) {
  auto reference = test::stillinger_weber();
  auto learner = restart ? learning::LearningSurrogate::resume(learning_options(), dir)
                         : learning::LearningSurrogate::start(learning_options(), dir, silicon(), *reference);
  sampling::RunOptions o;
  o.hmc.temperature_K = 1000;
  o.hmc.n_md = 4;
  o.trials = trials;
  o.seed = 3;
  o.model_version = learner->version();
  auto run = restart ? sampling::SlhmcRun::restart(*reference, learner->provider(), o, dir)
                     : std::make_unique<sampling::SlhmcRun>(silicon(), *reference, learner->provider(), o, dir);
  learning::AsyncWalkerOptions wo;
  wo.walker = "w1";
  NoModels models;
  learning::AsyncWalker walker(wo, dir, std::move(learner), sink, models);
  walker.attach(*run);
  if (between) between();
  run->run();
}

}  // namespace

TEST(AsyncWalker, SendsEverySampleThroughTheDoorNotByReadingTheLogBack) {
  REQUIRE_SW();
  test::TempDir tmp;
  const std::string dir = tmp.file("run");
  RecordingSink sink;
  // Moved away after the start, the log is still written (its descriptor is open) but cannot be
  // read back under its name: a walker that re-read samples.xyz would fail.
  run_walker(dir, 6, false, sink, [&] { std::filesystem::rename(dir + "/samples.xyz", dir + "/samples.moved"); });
  ASSERT_FALSE(std::filesystem::exists(dir + "/samples.xyz"));
  ReadOptions ro;
  ro.format = StructureFormat::extxyz;
  const auto logged = read_structures(dir + "/samples.moved", ro);
  ASSERT_EQ(sink.samples.size(), logged.size());  // the initial evaluation and every trial's (none diverge here)
  for (std::size_t i = 0; i < logged.size(); ++i) {
    const auto& s = sink.samples[i];
    EXPECT_EQ(s.walker, "w1");
    EXPECT_EQ(s.sequence, i);
    EXPECT_EQ(std::to_string(s.trial), logged[i].info.at("trial"));
    EXPECT_EQ(s.accepted ? "T" : "F", logged[i].info.at("accepted"));
    EXPECT_EQ(s.move, logged[i].info.at("move"));
    EXPECT_EQ(s.frame.frame.positions, logged[i].frame.positions) << i;
    EXPECT_EQ(*s.frame.labels.energy, *logged[i].labels.energy) << i;
    EXPECT_EQ(*s.frame.labels.forces, *logged[i].labels.forces) << i;
  }
}

TEST(AsyncWalker, AfterARestartSendsTheLogAgainUnderTheSameNumbers) {
  REQUIRE_SW();
  test::TempDir tmp;
  const std::string dir = tmp.file("run");
  RecordingSink first, second;
  run_walker(dir, 4, false, first);
  run_walker(dir, 7, true, second);
  ASSERT_EQ(first.samples.size(), 5u);
  ASSERT_EQ(second.samples.size(), 8u);  // the 5 logged ones again, then trials 5 to 7
  for (std::size_t i = 0; i < second.samples.size(); ++i) {
    EXPECT_EQ(second.samples[i].sequence, i);
    EXPECT_EQ(second.samples[i].trial, i);
  }
  for (std::size_t i = 0; i < first.samples.size(); ++i) {
    EXPECT_EQ(second.samples[i].frame.frame.positions, first.samples[i].frame.frame.positions) << i;
    EXPECT_EQ(*second.samples[i].frame.labels.energy, *first.samples[i].frame.labels.energy) << i;
  }
}
