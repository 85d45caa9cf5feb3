// What one trial of any move did; the sampler writes it to trials.csv, and
// every reference evaluation the trial made (accepted or not) becomes a sample.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::sampling {

// One reference evaluation of a trial: the configuration and the result. `bead` is the bead of
// a ring polymer (or of its contraction) it belongs to, −1 for a classical configuration.
struct Evaluation {
  Frame frame;
  ComputeResult reference;
  int bead = -1;
};

struct TrialRecord {
  std::uint64_t trial = 0;
  std::string move;          // the label in trials.csv and samples.xyz ("md" for HMC, "volume", ...)
  bool accepted = false;
  double log_acceptance = 0.0;  // ln of the acceptance ratio (before the min with 1)
  double delta_h = 0.0;      // ΔH = ΔK + ΔV_ref (+ PΔV for volume moves), eV
  double delta_k = 0.0;      // eV
  double delta_v_ref = 0.0;  // eV
  double delta_v_sur = 0.0;  // eV (surrogate energy change along the trajectory)
  double delta = 0.0;        // δ = ΔV_ref − ΔV_sur: the surrogate's error on the move, eV
  double volume = 0.0;       // Å³ after the trial (0 without a cell)
  double seconds_trajectory = 0.0;
  double seconds_reference = 0.0;
  // The reference evaluations of the proposal, in the order they become samples: one for a
  // classical move, one per (contracted) bead for a path-integral move, none for a proposal
  // refused before the reference saw it.
  std::vector<Evaluation> evaluations;
};

}  // namespace slhmc::sampling
