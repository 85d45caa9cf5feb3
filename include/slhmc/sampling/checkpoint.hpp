// Checkpoints of a sampler: the complete chain state (configuration, cached
// reference result, momenta, counters, random stream), each move's own state
// under the move's name (HMC: its tuned trajectory and tuning window), and the
// sizes of the run's append-only logs at that moment, in a text file with a
// checksum. Numbers are written with 17 significant digits, so a restart
// continues the chain bit for bit. Version 2 (per-move states); version 1
// files (a fixed `trajectory` and `tuning` line) still load.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "slhmc/sampling/chain_state.hpp"

namespace slhmc::sampling {

struct Checkpoint {
  ChainState state;
  // Move name → its Move::save_state() (one line; names without white space).
  std::map<std::string, std::string> moves;
  std::map<std::string, std::int64_t> log_sizes;  // file name → bytes at checkpoint time
  // The surrogate in use: its model version and file (relative to the run directory; empty for a
  // surrogate from the config, e.g. a classical potential or a fixed model).
  long long model_version = 0;
  std::string model_file;
};

std::string serialize_checkpoint(const Checkpoint& checkpoint);
// Throws ParseError naming `source` and the line for a truncated, corrupted or foreign file.
Checkpoint parse_checkpoint(const std::string& text, const std::string& source);

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint);  // atomic, keeps .prev
Checkpoint load_checkpoint(const std::string& path);

}  // namespace slhmc::sampling
