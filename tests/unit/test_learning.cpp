// Learning on the fly inside a walker: the surrogate is retrained between
// trials (versions rise, each trial records the model it used), a production
// phase freezes it, and a run restarted from its checkpoint trains the very
// same models and continues the chain bit for bit.
#include <gtest/gtest.h>

#include <filesystem>

#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/train/training_set.hpp"
#include "slhmc/learning/walker/learning_surrogate.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

using namespace slhmc;

namespace {

using test::stillinger_weber;

Frame silicon() { return test::rattled_silicon(); }

learning::LearningOptions learning_options() {
  learning::LearningOptions o;
  o.retrain_interval = 8;
  o.production_after = 24;
  o.epochs = 5;
  o.first_epochs = 20;
  o.bootstrap_md_steps = 6;
  o.temperature_K = 1000;
  o.seed = 3;
  o.spec.chebyshev = {4.0, 6, 3.5, 3};
  o.spec.hidden = {6, 6};
  o.train.batch_size = 4;
  o.train.optimizer.learning_rate = 3e-3;
  o.train.threads = 1;
  return o;
}

sampling::RunOptions run_options(std::uint64_t trials) {
  sampling::RunOptions o;
  o.hmc.temperature_K = 1000;
  o.hmc.n_md = 5;
  o.hmc.dt_fs = 1.0;
  o.trials = trials;
  o.seed = 3;
  o.chain_interval = 4;
  return o;
}

void run_trials(const std::string& dir, std::uint64_t trials, bool restart,
                const learning::LearningOptions& options = learning_options()) {
  auto reference = stillinger_weber();
  std::unique_ptr<learning::LearningSurrogate> learner =
      restart ? learning::LearningSurrogate::resume(options, dir)
              : learning::LearningSurrogate::start(options, dir, silicon(), *reference);
  sampling::RunOptions o = run_options(trials);
  o.model_version = learner->version();
  std::unique_ptr<sampling::SlhmcRun> run =
      restart ? sampling::SlhmcRun::restart(*reference, learner->provider(), o, dir)
              : std::make_unique<sampling::SlhmcRun>(silicon(), *reference, learner->provider(), o, dir);
  learner->attach(*run);
  run->run();
}

}  // namespace

TEST(LearningSurrogate, RetrainsBetweenTrialsAndFreezesInProduction) {
  REQUIRE_SW();
  test::TempDir tmp;
  const std::string dir = tmp.file("run");
  run_trials(dir, 40, false);
  // Model 1 from scratch, then retrained after trials 8, 16, 24; frozen afterwards.
  for (int v = 1; v <= 4; ++v) EXPECT_TRUE(std::filesystem::exists(dir + "/models/model-v" + std::to_string(v) + ".nnp")) << v;
  EXPECT_FALSE(std::filesystem::exists(dir + "/models/model-v5.nnp"));
  const std::string trials = test::trials_without_timings(dir);
  std::istringstream in(trials);
  std::string line;
  std::getline(in, line);
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string version = line.substr(0, line.rfind(','));
    const std::string v = version.substr(version.rfind(',') + 1);
    const std::string phase = line.substr(line.rfind(',') + 1);
    const int expected = n <= 8 ? 1 : n <= 16 ? 2 : n <= 24 ? 3 : 4;
    EXPECT_EQ(v, std::to_string(expected)) << "trial " << n;
    EXPECT_EQ(phase, n <= 24 ? "learning" : "production") << "trial " << n;
  }
  EXPECT_EQ(n, 40);
  EXPECT_TRUE(std::filesystem::exists(dir + "/bootstrap.xyz"));
}

TEST(LearningSurrogate, RestartTrainsTheSameModelsAndContinuesExactly) {
  REQUIRE_SW();
  test::TempDir tmp;
  run_trials(tmp.file("straight"), 30, false);
  run_trials(tmp.file("split"), 13, false);
  run_trials(tmp.file("split"), 30, true);
  EXPECT_TRUE(test::trials_without_timings(tmp.file("straight")) == test::trials_without_timings(tmp.file("split")));
  EXPECT_EQ(test::read_text(tmp.file("straight/samples.xyz")), test::read_text(tmp.file("split/samples.xyz")));
  for (int v = 1; v <= 4; ++v) {
    const std::string name = "/models/model-v" + std::to_string(v) + ".nnp";
    // The same weights; only the creation time in the header may differ.
    auto strip = [](std::string text) {
      std::string out;
      std::istringstream in(text);
      std::string line;
      while (std::getline(in, line))
        if (line.rfind("created", 0) != 0 && line.rfind("checksum", 0) != 0) out += line + "\n";
      return out;
    };
    EXPECT_EQ(strip(test::read_text(tmp.file("straight") + name)), strip(test::read_text(tmp.file("split") + name))) << name;
  }
}

namespace {

// The digest of what a round after trial `through` should train on, from the run's logs: the
// bootstrap frames, then the chain's samples of trials <= `through`, the newest `max_samples`.
std::string expected_digest(const std::string& dir, std::uint64_t through, std::size_t max_samples) {
  train::TrainingSet set;
  for (auto& f : read_structures(dir + "/bootstrap.xyz")) set.add(std::move(f), 1.0, "bootstrap");
  for (auto& s : sampling::parse_sample_records(test::read_text(dir + "/samples.xyz"), "samples.xyz"))
    if (s.trial <= through) set.add(std::move(s.frame), 1.0, "samples");
  if (max_samples > 0 && set.size() > max_samples) set.drop_front(set.size() - max_samples);
  return train::training_set_digest(set);
}

std::string digest_of_model(const std::string& path) {
  const std::string text = test::read_text(path);
  const auto at = text.find("training_data_digest");
  if (at == std::string::npos) return "";
  const auto start = text.find("fnv1a64:", at);
  return text.substr(start, text.find_first_of(" \n", start) - start);
}

}  // namespace

// Each round trains on exactly what the run logged up to its trial (the samples reach the learner
// through the run's sink, and a restart replays the log once), and max_samples keeps the newest.
TEST(LearningSurrogate, EachRoundTrainsOnTheLoggedSamplesUpToItsTrial) {
  REQUIRE_SW();
  test::TempDir tmp;
  learning::LearningOptions all = learning_options();
  run_trials(tmp.file("all"), 24, false, all);
  learning::LearningOptions newest = learning_options();
  newest.max_samples = 12;
  run_trials(tmp.file("newest"), 10, false, newest);
  run_trials(tmp.file("newest"), 24, true, newest);
  for (const std::uint64_t through : {8, 16, 24}) {
    const std::string model = "/models/model-v" + std::to_string(through / 8 + 1) + ".nnp";
    EXPECT_EQ(digest_of_model(tmp.file("all") + model), expected_digest(tmp.file("all"), through, 0)) << model;
    EXPECT_EQ(digest_of_model(tmp.file("newest") + model), expected_digest(tmp.file("newest"), through, 12)) << model;
    // The window is not everything: the two sets differ.
    EXPECT_NE(expected_digest(tmp.file("newest"), through, 12), expected_digest(tmp.file("newest"), through, 0));
  }
}
