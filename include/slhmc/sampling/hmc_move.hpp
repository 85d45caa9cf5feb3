// The HMC move (registered as "hmc"; specs/slhmc.md, DESIGN §5): fresh
// Maxwell–Boltzmann momenta (or the generalized-HMC partial refresh), n_MD
// velocity-Verlet steps of the dynamics module on the frozen surrogate, one
// reference evaluation, Metropolis on the *reference* Hamiltonian
// ΔH = ΔK + ΔV_ref. The surrogate's energy never enters the acceptance.
// Automatic tuning of the trajectory length is this move's concern.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/sampling/move.hpp"

namespace slhmc::sampling {

struct TuningOptions {
  bool enabled = false;
  double target_acceptance = 0.6;
  int interval = 50;                 // HMC trials between adjustments
  std::uint64_t until_trial = 0;     // tuning stops here (0: never); afterwards the trajectory is fixed
  int max_n_md = 200;
};

struct HmcOptions {
  double temperature_K = 300.0;
  int n_md = 10;          // velocity-Verlet steps per trial
  double dt_fs = 1.0;     // time step, fs
  // Generalized HMC: momentum persistence c in [0, 1). 0 = fresh momenta every trial (plain HMC).
  // With c > 0 the momenta are partially refreshed and flipped on rejection.
  double momentum_persistence = 0.0;
  TuningOptions tuning;
  void validate() const;  // throws Error naming the bad option
};

// Reads temperature_K, n_md, dt_fs, momentum_persistence and the [sampler.tuning] table;
// throws ConfigError naming the key.
HmcOptions read_hmc_options(const Config& sampler);

class HmcMove final : public Move {
 public:
  explicit HmcMove(HmcOptions options);
  const HmcOptions& options() const { return options_; }
  void set_trajectory(int n_md, double dt_fs);
  std::string name() const override { return "hmc"; }
  TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) override;
  // Automatic tuning: moves n_MD geometrically toward the target acceptance every
  // `interval` HMC trials, until `until_trial`.
  void after_trial(const TrialRecord& record, const ChainState& state) override;
  bool runs_trajectory() const override { return true; }
  // "n_md dt_fs window_trials window_accepted".
  std::string save_state() const override;
  void load_state(const std::string& text) override;

 private:
  HmcOptions options_;
  std::unique_ptr<Integrator> integrator_;  // velocity Verlet with options_.dt_fs
  // Automatic tuning's current window (HMC trials and acceptances since the last adjustment).
  std::uint64_t window_trials_ = 0, window_accepted_ = 0;
};

}  // namespace slhmc::sampling
