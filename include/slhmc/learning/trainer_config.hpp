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
  std::string type = "directory";  // "directory" or "tcp"
  std::string path;                // directory: the shared directory (resolved)
  std::string host = "127.0.0.1";  // tcp: where the trainer listens (trainer) / is reached (walker)
  int port = 0;                    // tcp: its port (1..65535)
};

// [transport] of `slhmc trainer` or [training.transport] of `slhmc run`.
TransportConfig read_transport_config(const Config& transport, const std::string& base_dir);

struct TrainerConfig {
  TransportConfig transport;
  TrainerDaemonOptions daemon;
};

// Relative paths resolve against base_dir; state_dir defaults to <transport path>/trainer
// (directory) or <base_dir>/trainer-state (tcp), and
// stop_file to <state_dir>/STOP.
TrainerConfig read_trainer_config(const Config& root, const std::string& base_dir);

}  // namespace slhmc::learning
