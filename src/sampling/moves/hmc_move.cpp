// The HMC move on a frozen surrogate with reference acceptance, its automatic
// trajectory tuning, and its registration as "hmc".
#include "slhmc/sampling/hmc_move.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/metropolis.hpp"
#include "slhmc/sampling/trial_trajectory.hpp"

namespace slhmc::sampling {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

bool finite_positions(const Frame& frame) {
  for (const auto& r : frame.positions)
    for (double x : r)
      if (!std::isfinite(x)) return false;
  return true;
}

const MoveRegistration reg("hmc", "hybrid Monte Carlo: a velocity-Verlet trajectory on the surrogate",
                           [](const Config& sampler) -> MoveMaker {
                             const HmcOptions o = read_hmc_options(sampler);
                             return [o] { return std::make_unique<HmcMove>(o); };
                           });
}  // namespace

void HmcOptions::validate() const {
  if (!(temperature_K > 0)) throw Error("HMC: temperature must be positive");
  if (n_md < 1) throw Error("HMC: n_md must be at least 1");
  if (!(dt_fs > 0)) throw Error("HMC: dt must be positive");
  if (!(momentum_persistence >= 0 && momentum_persistence < 1))
    throw Error("HMC: momentum persistence must be in [0, 1)");
  if (tuning.enabled && !(tuning.target_acceptance > 0 && tuning.target_acceptance < 1))
    throw Error("target acceptance must be in (0, 1)");
}

HmcOptions read_hmc_options(const Config& s) {
  HmcOptions o;
  o.temperature_K = s.get_double("temperature_K");
  o.n_md = static_cast<int>(s.get_int("n_md", 10));
  o.dt_fs = s.get_double("dt_fs", 1.0);
  o.momentum_persistence = s.get_double("momentum_persistence", 0.0);
  if (auto t = s.optional_section("tuning")) {
    o.tuning.enabled = t->get_bool("enabled", true);
    o.tuning.target_acceptance = t->get_double("target_acceptance", 0.6);
    o.tuning.interval = static_cast<int>(t->get_int("interval", 50));
    const long until = t->get_int("until_trial", 0);
    if (until < 0) throw ConfigError(t->key_path("until_trial"), "must be non-negative");
    o.tuning.until_trial = static_cast<std::uint64_t>(until);
    o.tuning.max_n_md = static_cast<int>(t->get_int("max_n_md", 200));
  }
  try {
    o.validate();
  } catch (const Error& e) {
    throw ConfigError(s.path(), e.what());
  }
  return o;
}

HmcMove::HmcMove(HmcOptions options) : options_(options) {
  options_.validate();
  integrator_ = make_velocity_verlet(options_.dt_fs);
}

void HmcMove::set_trajectory(int n_md, double dt_fs) {
  HmcOptions o = options_;
  o.n_md = n_md;
  o.dt_fs = dt_fs;
  o.validate();
  if (dt_fs != options_.dt_fs) integrator_ = make_velocity_verlet(dt_fs);
  options_ = o;
}

TrialRecord HmcMove::attempt(ChainState& state, const MoveProviders& providers, Rng& rng) {
  const double kT = units::kBoltzmann * options_.temperature_K;
  TrialRecord rec;
  rec.trial = ++state.trials;
  rec.move = "md";

  // 1. Momenta: fresh every trial, or partially refreshed (generalized HMC).
  State x = make_trial_state(state.frame, {});
  if (options_.momentum_persistence > 0) {
    x.momenta = state.momenta;
    refresh_maxwell_boltzmann(x, options_.temperature_K, options_.momentum_persistence, rng);
  } else {
    draw_maxwell_boltzmann(x, options_.temperature_K, /*remove_drift=*/false, rng);
  }
  const std::vector<Vec3> p_start = x.momenta;
  const double k_start = kinetic_energy(x);

  // 2. Trajectory on the frozen surrogate.
  const auto t0 = std::chrono::steady_clock::now();
  const TrajectoryResult traj = integrate_trajectory(x, providers.surrogate, *integrator_, options_.n_md);
  rec.seconds_trajectory = seconds_since(t0);
  rec.delta_v_sur = traj.end_potential - traj.start_potential;
  const double k_end = kinetic_energy(x);
  rec.delta_k = k_end - k_start;

  bool accept = false;
  if (!finite_positions(x.frame) || !std::isfinite(traj.end_potential) || !std::isfinite(k_end)) {
    // A diverged surrogate trajectory is a proposal with acceptance probability zero. One
    // uniform is still consumed so that the random stream stays in step.
    rng.uniform();
    rec.log_acceptance = -INFINITY;
    rec.delta_h = INFINITY;
  } else {
    // 3. One reference evaluation; 4. Metropolis on the reference Hamiltonian only.
    const auto t1 = std::chrono::steady_clock::now();
    rec.evaluations.push_back({x.frame, evaluate_reference(x.frame, providers.reference)});
    rec.seconds_reference = seconds_since(t1);
    rec.delta_v_ref = rec.evaluations.back().reference.energy - state.reference.energy;
    rec.delta = rec.delta_v_ref - rec.delta_v_sur;
    rec.delta_h = rec.delta_k + rec.delta_v_ref;
    rec.log_acceptance = -rec.delta_h / kT;
    accept = metropolis_accept(rec.log_acceptance, rng);
  }

  if (accept) {
    state.frame = std::move(x.frame);
    state.reference = rec.evaluations.back().reference;
    ++state.accepted;
    if (options_.momentum_persistence > 0) state.momenta = std::move(x.momenta);
  } else if (options_.momentum_persistence > 0) {
    // Generalized HMC: flip the (refreshed) momenta on rejection.
    state.momenta = p_start;
    for (auto& v : state.momenta) v = -v;
  }
  rec.accepted = accept;
  rec.volume = state.frame.cell.is_invertible() ? state.frame.cell.volume() : 0.0;
  return rec;
}

void HmcMove::after_trial(const TrialRecord& record, const ChainState& state) {
  ++window_trials_;
  window_accepted_ += record.accepted;
  const TuningOptions& t = options_.tuning;
  if (!t.enabled || (t.until_trial > 0 && state.trials > t.until_trial)) return;
  if (window_trials_ < static_cast<std::uint64_t>(t.interval)) return;
  const double acc = static_cast<double>(window_accepted_) / window_trials_;
  int n = options_.n_md;
  // Longer trajectories decorrelate more but accumulate more surrogate error; move n_MD
  // geometrically toward the target acceptance.
  if (acc > t.target_acceptance + 0.05) n = std::min(t.max_n_md, std::max(n + 1, static_cast<int>(std::lround(n * 1.25))));
  else if (acc < t.target_acceptance - 0.05) n = std::max(1, static_cast<int>(std::lround(n * 0.8)));
  set_trajectory(n, options_.dt_fs);
  window_trials_ = window_accepted_ = 0;
}

std::string HmcMove::save_state() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, "%d %.17g %llu %llu", options_.n_md, options_.dt_fs,
                static_cast<unsigned long long>(window_trials_), static_cast<unsigned long long>(window_accepted_));
  return buf;
}

void HmcMove::load_state(const std::string& text) {
  std::istringstream in(text);
  int n_md = 0;
  double dt = 0;
  std::uint64_t trials = 0, accepted = 0;
  std::string extra;
  if (!(in >> n_md >> dt >> trials >> accepted) || (in >> extra))
    throw Error("HMC move state '" + text + "': expected n_md, dt_fs and the tuning window's two counts");
  set_trajectory(n_md, dt);
  window_trials_ = trials;
  window_accepted_ = accepted;
}

}  // namespace slhmc::sampling
