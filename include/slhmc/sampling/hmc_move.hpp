// The SLHMC trial moves (specs/slhmc.md, DESIGN §5):
//
// HmcMove: fresh Maxwell–Boltzmann momenta (or the generalized-HMC partial
// refresh), n_MD velocity-Verlet steps on the frozen surrogate, one reference
// evaluation, Metropolis on the *reference* Hamiltonian ΔH = ΔK + ΔV_ref.
// The surrogate's energy never enters the acceptance.
//
// VolumeMove: random walk in ln V at fixed fractional coordinates, accepted
// with min{1, exp(−β[ΔV_ref + PΔV] + (N+1) ln(V'/V))}.
#pragma once

#include <cstdint>
#include <string>

#include "slhmc/sampling/chain_state.hpp"

namespace slhmc::sampling {

// What one trial did; the sampler writes these to the per-trial log. The reference
// evaluation of the proposal (accepted or not) is a training sample.
struct TrialRecord {
  std::uint64_t trial = 0;
  std::string move;          // "md" or "volume"
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
  Frame proposal;            // the configuration the reference was evaluated on
  ComputeResult proposal_reference;
};

struct HmcOptions {
  double temperature_K = 300.0;
  int n_md = 10;          // velocity-Verlet steps per trial
  double dt_fs = 1.0;     // time step, fs
  // Generalized HMC: momentum persistence c in [0, 1). 0 = fresh momenta every trial (plain HMC).
  // With c > 0 the momenta are partially refreshed and flipped on rejection.
  double momentum_persistence = 0.0;
  void validate() const;  // throws ConfigError-style Error naming the bad option
};

class HmcMove {
 public:
  explicit HmcMove(HmcOptions options);
  const HmcOptions& options() const { return options_; }
  void set_trajectory(int n_md, double dt_fs);  // for automatic tuning between trials
  TrialRecord attempt(ChainState& state, ForceProvider& surrogate, ForceProvider& reference) const;

 private:
  HmcOptions options_;
};

struct VolumeMoveOptions {
  double temperature_K = 300.0;
  double pressure_GPa = 0.0;
  double max_log_volume_change = 0.02;  // Δ: ln V' − ln V uniform in [−Δ, Δ]
  void validate() const;
};

class VolumeMove {
 public:
  explicit VolumeMove(VolumeMoveOptions options);
  const VolumeMoveOptions& options() const { return options_; }
  // Requires a fully periodic cell.
  TrialRecord attempt(ChainState& state, ForceProvider& reference) const;

 private:
  VolumeMoveOptions options_;
};

}  // namespace slhmc::sampling
