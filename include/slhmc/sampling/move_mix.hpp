// The weighted mix of moves a sampler draws from, and its reading from the
// [sampler] table:
//
//   [sampler.moves]            relative weights by registered move name
//   hmc = 0.9                  (normalized by their sum; a weight 0 drops the move)
//   volume = 0.1
//
// or, as before, `volume_move_fraction = f` in [sampler] (HMC takes the rest).
//
// The choice consumes one uniform u of the chain's stream per trial, and only
// when the mix holds more than one move: the moves other than "hmc" are taken
// in name order, each owning the next slice of [0, 1) of its probability's
// width, and the last move of that order ("hmc" when present) takes the rest.
// So `volume_move_fraction = f` means "volume if u < f", exactly as before.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/sampling/move.hpp"

namespace slhmc::sampling {

struct MoveChoice {
  std::string name;
  double probability = 0.0;  // of being drawn for a trial; the last choice takes the rest
  MoveMaker make;
};

// Reads [sampler.moves] or volume_move_fraction (not both) and the options of each move
// (through its registration). Throws ConfigError naming the key; an unknown move name lists
// the registered ones.
std::vector<MoveChoice> read_move_mix(const Config& sampler);

// The mix of `volume_move_fraction = f`: "volume" with probability f (if f > 0), then "hmc"
// with the rest; in draw order.
std::vector<MoveChoice> hmc_and_volume(double f, MoveMaker hmc, MoveMaker volume);

// Orders choices as the draw uses them (the rule above); probabilities must be ≥ 0.
std::vector<MoveChoice> in_draw_order(std::vector<MoveChoice> choices);

class MoveMix {
 public:
  // `choices` in draw order (in_draw_order); builds one move of each.
  explicit MoveMix(const std::vector<MoveChoice>& choices);
  // The move for the next trial; draws one uniform from `rng` iff the mix has several moves.
  Move& choose(Rng& rng);
  const std::vector<std::unique_ptr<Move>>& moves() const { return moves_; }
  // The move registered as `name`, or null.
  Move* find(const std::string& name) const;

 private:
  std::vector<std::unique_ptr<Move>> moves_;
  std::vector<double> upper_;  // cumulative probabilities (the last is never compared)
};

}  // namespace slhmc::sampling
