// The config of `slhmc trainer` (docs/learning.md, docs/config.md):
//   [transport] type = "directory", path
//   [trainer]   state_dir, max_rounds, time_limit_s, stop_file, poll_interval_s, seed, device
//   [training]  min_samples, min_new_samples, epochs, first_epochs, validation_fraction,
//               publish = "improved" | "every_round", max_samples, threads, [training.model|loss|optimizer]
#pragma once

#include <string>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/trainer_daemon.hpp"

namespace slhmc::learning {

struct TransportConfig {
  std::string type = "directory";
  std::string path;  // directory transport: the shared directory (resolved)
};

// [transport] of `slhmc trainer` or [training.transport] of `slhmc run`.
TransportConfig read_transport_config(const Config& transport, const std::string& base_dir);

struct TrainerConfig {
  TransportConfig transport;
  TrainerDaemonOptions daemon;
};

// Relative paths resolve against base_dir; state_dir defaults to <transport path>/trainer and
// stop_file to <state_dir>/STOP.
TrainerConfig read_trainer_config(const Config& root, const std::string& base_dir);

}  // namespace slhmc::learning
