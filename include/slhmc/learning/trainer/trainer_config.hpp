// The config of `slhmc trainer` (docs/learning.md, docs/config.md):
//   [transport] type and its keys (transport_registry.hpp: each transport reads its own)
//   [trainer]   state_dir, max_rounds, time_limit_s, stop_file, poll_interval_s, seed, device
//   [training]  min_samples, min_new_samples, epochs, first_epochs, validation_fraction,
//               publish = "improved" | "every_round", max_samples, threads, [training.model|loss|optimizer]
#pragma once

#include <string>
#include <vector>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/trainer/trainer_daemon.hpp"
#include "slhmc/learning/transport_registry.hpp"

namespace slhmc::learning {

struct TrainerConfig {
  TransportConfig transport;
  TrainerDaemonOptions daemon;
};

// The keys of a trainer's [training] table (also the in-process trainer of `slhmc run`):
// min_samples, min_new_samples, epochs, first_epochs, max_samples, publish, mode
// ("async" | "deterministic" with retrain_interval and walkers), balance ("fixed" | "auto"
// with refresh_fraction, min_round_s, max_round_s, min_epochs, max_epochs), and the keys of
// read_training_tables. Fills `d` (not validated: the caller does). Without `walkers` the
// deterministic schedule takes `default_walkers` (the walker of an in-process trainer).
void read_trainer_training(const Config& training, const std::string& base_dir, TrainerDaemonOptions& d,
                           const std::vector<std::string>& default_walkers = {});

// Relative paths resolve against base_dir; state_dir defaults to <transport path>/trainer
// (directory) or <base_dir>/trainer-state (tcp), and
// stop_file to <state_dir>/STOP.
TrainerConfig read_trainer_config(const Config& root, const std::string& base_dir);

}  // namespace slhmc::learning
