// Reading [training] (see learning_config.hpp).
#include "slhmc/learning/learning_config.hpp"

#include "slhmc/core/error.hpp"
#include "slhmc/train/train_config.hpp"

namespace slhmc::learning {

namespace {
std::uint64_t count(const Config& c, const std::string& key, std::uint64_t fallback, long lo) {
  const long v = c.get_int(key, static_cast<long>(fallback));
  if (v < lo) throw ConfigError(c.key_path(key), "must be >= " + std::to_string(lo));
  return static_cast<std::uint64_t>(v);
}
}  // namespace

train::TrainJob read_training_tables(const Config& t, const std::string& base_dir, const train::TrainOptions& defaults) {
  train::TrainJob job;
  job.options = defaults;
  job.options.validation_fraction = t.get_double("validation_fraction", 0.1);
  job.options.threads = static_cast<int>(t.get_int("threads", 0));
  if (const auto m = t.optional_section("model")) train::read_model_section(*m, base_dir, job);
  if (const auto l = t.optional_section("loss")) train::read_loss_section(*l, job.options);
  if (const auto opt = t.optional_section("optimizer")) {
    if (opt->has("epochs"))
      throw ConfigError(opt->key_path("epochs"), "set training.epochs and training.first_epochs instead");
    train::read_optimizer_section(*opt, job.options);
  }
  return job;
}

LearningOptions read_learning_options(const Config& t, const std::string& base_dir, double temperature_K,
                                      std::uint64_t seed) {
  LearningOptions o;
  o.temperature_K = temperature_K;
  o.seed = seed;
  o.retrain_interval = count(t, "retrain_interval", o.retrain_interval, 1);
  o.production_after = count(t, "production_after", o.production_after, 0);
  o.epochs = static_cast<int>(count(t, "epochs", static_cast<std::uint64_t>(o.epochs), 1));
  o.first_epochs = static_cast<int>(count(t, "first_epochs", static_cast<std::uint64_t>(o.first_epochs), 1));
  o.bootstrap_md_steps =
      static_cast<int>(count(t, "bootstrap_md_steps", static_cast<std::uint64_t>(o.bootstrap_md_steps), 0));
  o.bootstrap_dt_fs = t.get_double("bootstrap_dt_fs", o.bootstrap_dt_fs);
  o.max_samples = count(t, "max_samples", 0, 0);
  o.skin = t.get_double("skin", o.skin);
  const train::TrainJob job = read_training_tables(t, base_dir, o.train);
  o.initial_model = job.init_model;
  o.spec = job.spec;
  o.train = job.options;
  try {
    o.validate();
  } catch (const Error& e) {
    throw ConfigError(t.path(), e.what());
  }
  return o;
}

}  // namespace slhmc::learning
