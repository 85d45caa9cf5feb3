// Reading `slhmc trainer`'s config (see trainer_config.hpp).
#include "slhmc/learning/trainer/trainer_config.hpp"

#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/learning_config.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {
long at_least(const Config& c, const std::string& key, long fallback, long lo) {
  const long v = c.get_int(key, fallback);
  if (v < lo) throw ConfigError(c.key_path(key), "must be >= " + std::to_string(lo));
  return v;
}
}  // namespace

TrainerConfig read_trainer_config(const Config& root, const std::string& base_dir) {
  TrainerConfig c;
  c.transport = read_transport_config(root.section("transport"), base_dir);
  TrainerDaemonOptions& d = c.daemon;
  const Config tr = root.optional_section("trainer").value_or(Config());
  // Defaults derive from paths already resolved.
  const std::string default_state = transport_kind(c.transport.type).default_state_dir(c.transport, base_dir);
  d.state_dir = tr.has("state_dir") ? resolve_shared_path(base_dir, tr.get_string("state_dir")) : default_state;
  d.max_rounds = at_least(tr, "max_rounds", 0, 0);
  d.time_limit_s = tr.get_double("time_limit_s", 0.0);
  if (!(d.time_limit_s >= 0)) throw ConfigError(tr.key_path("time_limit_s"), "must be >= 0");
  d.stop_file = tr.has("stop_file") ? resolve_shared_path(base_dir, tr.get_string("stop_file"))
                                    : (fs::path(d.state_dir) / "STOP").string();
  d.poll_interval_s = tr.get_double("poll_interval_s", d.poll_interval_s);
  if (!(d.poll_interval_s > 0) || d.poll_interval_s > 3600)
    throw ConfigError(tr.key_path("poll_interval_s"), "must be in (0, 3600] seconds");
  d.seed = static_cast<std::uint64_t>(at_least(tr, "seed", 1, 0));

  read_trainer_training(root.section("training"), base_dir, d);
  d.train.device = tr.get_choice("device", {"cpu", "cuda", "auto"}, "cpu");
  try {
    d.validate();
  } catch (const Error& e) {
    throw ConfigError(root.path().empty() ? "trainer" : root.path(), e.what());
  }
  return c;
}

void read_trainer_training(const Config& t, const std::string& base_dir, TrainerDaemonOptions& d,
                           const std::vector<std::string>& default_walkers) {
  d.min_samples = static_cast<std::size_t>(at_least(t, "min_samples", static_cast<long>(d.min_samples), 1));
  d.min_new_samples = static_cast<std::size_t>(at_least(t, "min_new_samples", static_cast<long>(d.min_new_samples), 1));
  d.epochs = static_cast<int>(at_least(t, "epochs", d.epochs, 1));
  d.first_epochs = static_cast<int>(at_least(t, "first_epochs", d.first_epochs, 1));
  d.max_samples = static_cast<std::size_t>(at_least(t, "max_samples", 0, 0));
  d.publish_every_round = t.get_choice("publish", {"improved", "every_round"}, "improved") == "every_round";
  const train::TrainJob job = read_training_tables(t, base_dir, d.train);
  d.spec = job.spec;
  d.train = job.options;
  d.initial_model = job.init_model;
  if (t.get_choice("mode", {"async", "deterministic"}, "async") == "deterministic") {
    d.retrain_interval = static_cast<std::uint64_t>(at_least(t, "retrain_interval", 50, 1));
    d.walkers = t.has("walkers") || default_walkers.empty() ? t.get_string_array("walkers") : default_walkers;
    if (d.walkers.empty()) throw ConfigError(t.key_path("walkers"), "name the walkers of the deterministic schedule");
    for (const auto& w : d.walkers)
      if (!is_valid_walker_id(w)) throw ConfigError(t.key_path("walkers"), "'" + w + "' is not a walker id");
    if (t.has("max_samples")) throw ConfigError(t.key_path("max_samples"), "not with mode = \"deterministic\"");
  } else {
    for (const char* key : {"retrain_interval", "walkers"})
      if (t.has(key)) throw ConfigError(t.key_path(key), "only with mode = \"deterministic\"");
  }
  const std::string balance = t.get_choice("balance", {"fixed", "auto"}, "fixed");
  d.auto_balance = balance == "auto";
  for (const char* key : {"refresh_fraction", "min_round_s", "max_round_s", "min_epochs", "max_epochs"})
    if (!d.auto_balance && t.has(key)) throw ConfigError(t.key_path(key), "only with balance = \"auto\"");
  if (d.auto_balance && d.retrain_interval > 0)
    throw ConfigError(t.key_path("balance"), "\"auto\" does not go with mode = \"deterministic\" (fixed epochs)");
  d.refresh_fraction = t.get_double("refresh_fraction", d.refresh_fraction);
  if (!(d.refresh_fraction > 0 && d.refresh_fraction <= 10))
    throw ConfigError(t.key_path("refresh_fraction"), "must be in (0, 10]");
  d.min_round_s = t.get_double("min_round_s", d.min_round_s);
  d.max_round_s = t.get_double("max_round_s", d.max_round_s);
  if (!(d.min_round_s > 0) || !(d.max_round_s >= d.min_round_s))
    throw ConfigError(t.key_path("max_round_s"), "need 0 < min_round_s <= max_round_s");
  d.min_epochs = static_cast<int>(at_least(t, "min_epochs", d.min_epochs, 1));
  d.max_epochs = static_cast<int>(at_least(t, "max_epochs", d.max_epochs, d.min_epochs));
}

}  // namespace slhmc::learning
