// Trial moves as plug-ins. A Move proposes a new chain state, evaluates the
// reference once and accepts or rejects it on the reference Hamiltonian; each
// move registers itself by name in its own source file (src/sampling/moves/),
// like the integrators, and reads its own keys from the [sampler] table. The
// sampler draws one move per trial from a weighted mix (move_mix.hpp).
//
// Adding a move: a header here, a source file in src/sampling/moves/ with one
// MoveRegistration, a test, and a paragraph in docs/sampling.md.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/core/rng.hpp"
#include "slhmc/io/config.hpp"
#include "slhmc/sampling/chain_state.hpp"
#include "slhmc/sampling/trial_record.hpp"

namespace slhmc::sampling {

// The potentials a move may use: the surrogate (frozen for the whole trial; it may drive a
// proposal, never the acceptance) and the reference (evaluated once per trial).
struct MoveProviders {
  ForceProvider& surrogate;
  ForceProvider& reference;
};

class Move {
 public:
  virtual ~Move() = default;
  // The registered name ("hmc", "volume", ...): the key of the move's weight in [sampler.moves]
  // and of its state in a checkpoint.
  virtual std::string name() const = 0;
  // One trial: increments state.trials (and state.accepted on acceptance), draws from `rng`
  // only (the chain's stream), and returns what it did. Throws EngineError for a failed
  // reference evaluation.
  virtual TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) = 0;
  // Called after the trial has been recorded, before the next one: adaptation (e.g. automatic
  // trajectory tuning) happens here, so a recorded trial shows the settings it ran with.
  virtual void after_trial(const TrialRecord& /*record*/, const ChainState& /*state*/) {}
  // Whether attempt() runs a surrogate trajectory (telemetry records it as an event).
  virtual bool runs_trajectory() const { return false; }
  // The move's own state that a restart must continue from (one line of white-space-separated
  // tokens, empty for a move without state), stored in the checkpoint under name().
  virtual std::string save_state() const { return {}; }
  // Restores what save_state() wrote; throws Error for text it cannot read.
  virtual void load_state(const std::string& /*text*/) {}
};

// Builds a move with options read (and validated) from the [sampler] table; reading happens
// once, at configuration time, the maker then builds the move for each run.
using MoveMaker = std::function<std::unique_ptr<Move>()>;
using MoveFactory = std::function<MoveMaker(const Config& sampler_section)>;
struct MoveRegistration {
  MoveRegistration(const std::string& name, const std::string& summary, MoveFactory factory);
};
// Names of the registered moves, sorted.
std::vector<std::string> move_names();
// The maker of the move `name` from `sampler_section`; an unknown name throws ConfigError
// at `key_path` listing the registered moves.
MoveMaker move_maker(const std::string& name, const Config& sampler_section, const std::string& key_path);

}  // namespace slhmc::sampling
