// The HMC trial on a surrogate with reference acceptance, and the isotropic
// volume move for NPT.
#include "slhmc/sampling/hmc_move.hpp"

#include <chrono>
#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/hmc_building_blocks.hpp"

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
}  // namespace

void HmcOptions::validate() const {
  if (!(temperature_K > 0)) throw Error("HMC: temperature must be positive");
  if (n_md < 1) throw Error("HMC: n_md must be at least 1");
  if (!(dt_fs > 0)) throw Error("HMC: dt must be positive");
  if (!(momentum_persistence >= 0 && momentum_persistence < 1))
    throw Error("HMC: momentum persistence must be in [0, 1)");
}

HmcMove::HmcMove(HmcOptions options) : options_(options) { options_.validate(); }

void HmcMove::set_trajectory(int n_md, double dt_fs) {
  HmcOptions o = options_;
  o.n_md = n_md;
  o.dt_fs = dt_fs;
  o.validate();
  options_ = o;
}

TrialRecord HmcMove::attempt(ChainState& state, ForceProvider& surrogate, ForceProvider& reference) const {
  const double kT = thermal_energy(options_.temperature_K);
  TrialRecord rec;
  rec.trial = ++state.trials;
  rec.move = "md";

  // 1. Momenta: fresh every trial, or partially refreshed (generalized HMC).
  std::vector<Vec3> p;
  if (options_.momentum_persistence > 0) {
    p = state.momenta;
    refresh_momenta(state.frame, kT, options_.momentum_persistence, state.rng, p);
  } else {
    draw_momenta(state.frame, kT, state.rng, p);
  }
  const std::vector<Vec3> p_start = p;
  const double k_start = kinetic_energy(state.frame, p);

  // 2. Trajectory on the frozen surrogate.
  Frame x = state.frame;
  const auto t0 = std::chrono::steady_clock::now();
  const TrajectoryResult traj = integrate_trajectory(x, p, surrogate, options_.n_md, options_.dt_fs);
  rec.seconds_trajectory = seconds_since(t0);
  rec.delta_v_sur = traj.end_potential - traj.start_potential;
  const double k_end = kinetic_energy(x, p);
  rec.delta_k = k_end - k_start;

  bool accept = false;
  if (!finite_positions(x) || !std::isfinite(traj.end_potential) || !std::isfinite(k_end)) {
    // A diverged surrogate trajectory is a proposal with acceptance probability zero. One
    // uniform is still consumed so that the random stream stays in step.
    state.rng.uniform();
    rec.log_acceptance = -INFINITY;
    rec.delta_h = INFINITY;
  } else {
    // 3. One reference evaluation; 4. Metropolis on the reference Hamiltonian only.
    const auto t1 = std::chrono::steady_clock::now();
    rec.proposal_reference = evaluate_reference(x, reference);
    rec.seconds_reference = seconds_since(t1);
    rec.delta_v_ref = rec.proposal_reference.energy - state.reference.energy;
    rec.delta = rec.delta_v_ref - rec.delta_v_sur;
    rec.delta_h = rec.delta_k + rec.delta_v_ref;
    rec.log_acceptance = -rec.delta_h / kT;
    accept = metropolis_accept(rec.log_acceptance, state.rng);
    rec.proposal = x;
  }

  if (accept) {
    state.frame = std::move(x);
    state.reference = rec.proposal_reference;
    ++state.accepted;
    if (options_.momentum_persistence > 0) state.momenta = std::move(p);
  } else if (options_.momentum_persistence > 0) {
    // Generalized HMC: flip the (refreshed) momenta on rejection.
    state.momenta = p_start;
    for (auto& v : state.momenta) v = -v;
  }
  rec.accepted = accept;
  rec.volume = state.frame.cell.is_invertible() ? state.frame.cell.volume() : 0.0;
  return rec;
}

void VolumeMoveOptions::validate() const {
  if (!(temperature_K > 0)) throw Error("volume move: temperature must be positive");
  if (!std::isfinite(pressure_GPa)) throw Error("volume move: pressure must be finite");
  if (!(max_log_volume_change > 0 && max_log_volume_change < 1))
    throw Error("volume move: the maximum ln-volume change must be in (0, 1)");
}

VolumeMove::VolumeMove(VolumeMoveOptions options) : options_(options) { options_.validate(); }

TrialRecord VolumeMove::attempt(ChainState& state, ForceProvider& reference) const {
  if (!state.frame.cell.fully_periodic()) throw Error("volume moves need a cell periodic in all three directions");
  const double kT = thermal_energy(options_.temperature_K);
  TrialRecord rec;
  rec.trial = ++state.trials;
  rec.move = "volume";

  // Random walk in ln V at fixed fractional coordinates.
  const double d = state.rng.uniform(-options_.max_log_volume_change, options_.max_log_volume_change);
  const double v_old = state.frame.cell.volume();
  const double factor = std::exp(d);
  const double v_new = v_old * factor;
  const double linear = std::cbrt(factor);
  Frame x = state.frame;
  x.cell = state.frame.cell.scaled_volume(factor);
  for (auto& r : x.positions) r *= linear;  // isotropic scaling keeps fractional coordinates

  const auto t1 = std::chrono::steady_clock::now();
  rec.proposal_reference = evaluate_reference(x, reference);
  rec.seconds_reference = seconds_since(t1);
  rec.delta_v_ref = rec.proposal_reference.energy - state.reference.energy;
  const double pv = options_.pressure_GPa / units::kEvPerA3ToGPa * (v_new - v_old);
  rec.delta_h = rec.delta_v_ref + pv;
  // N from the scaled coordinates, +1 because the walk is uniform in ln V.
  const double n = static_cast<double>(state.frame.size());
  rec.log_acceptance = -rec.delta_h / kT + (n + 1.0) * d;
  rec.delta = rec.delta_v_ref;
  rec.proposal = x;
  const bool accept = metropolis_accept(rec.log_acceptance, state.rng);
  if (accept) {
    state.frame = std::move(x);
    state.reference = rec.proposal_reference;
    ++state.accepted;
  }
  rec.accepted = accept;
  rec.volume = state.frame.cell.volume();
  return rec;
}

}  // namespace slhmc::sampling
