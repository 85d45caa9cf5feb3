// Path-integral hybrid Monte Carlo (see path_integral_hmc.hpp).
#include "slhmc/sampling/path_integral_hmc.hpp"

#include <cmath>
#include <limits>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/chain_state.hpp"
#include "slhmc/sampling/metropolis.hpp"

namespace slhmc::sampling {

double RingPolymerChain::reference_energy() const {
  double sum = 0;
  for (const auto& r : reference) sum += r.energy;
  return sum;
}

BeadVectors bead_positions(const std::vector<Frame>& beads) {
  BeadVectors q;
  q.reserve(beads.size());
  for (const auto& b : beads) q.push_back(b.positions);
  return q;
}

BeadVectors RingPolymerChain::positions() const { return bead_positions(beads); }

BeadVectors RingPolymerChain::reference_forces() const {
  BeadVectors f;
  f.reserve(reference.size());
  for (const auto& r : reference) f.push_back(r.forces);
  return f;
}

std::vector<Frame> contracted_frames(const std::vector<Frame>& beads, const RingPolymerContraction& contraction) {
  std::vector<Frame> out(static_cast<std::size_t>(contraction.contracted()), beads.front());
  BeadVectors qc = contraction.contract(bead_positions(beads));
  for (std::size_t k = 0; k < out.size(); ++k) out[k].positions = std::move(qc[k]);
  return out;
}

RingPolymerChain make_ring_polymer_chain(std::vector<Frame> beads, ForceProvider& reference, int contracted_beads) {
  if (beads.empty()) throw Error("a ring polymer needs at least 1 bead");
  for (std::size_t k = 0; k < beads.size(); ++k) {
    beads[k].validate();
    if (beads[k].numbers != beads[0].numbers || beads[k].masses != beads[0].masses || !(beads[k].cell == beads[0].cell))
      throw Error("ring polymer: bead " + std::to_string(k) + " has other atoms, masses or cell than bead 0");
  }
  RingPolymerChain chain;
  chain.beads = std::move(beads);
  const int p = static_cast<int>(chain.beads.size());
  const std::vector<Frame> on_reference =
      contracted_beads > 0 && contracted_beads < p
          ? contracted_frames(chain.beads, RingPolymerContraction(p, contracted_beads))
          : chain.beads;
  for (const auto& b : on_reference) chain.reference.push_back(evaluate_reference(b, reference));
  return chain;
}

void PathIntegralHmcOptions::validate() const {
  if (beads < 1) throw Error("path integral: beads must be >= 1 (got " + std::to_string(beads) + ")");
  if (!(temperature_K > 0) || !std::isfinite(temperature_K)) throw Error("path integral: the temperature must be > 0 K");
  if (n_md < 1) throw Error("path integral: n_md must be >= 1");
  if (!(dt_fs > 0) || !std::isfinite(dt_fs)) throw Error("path integral: dt_fs must be > 0");
  if (!(dt_jitter >= 0 && dt_jitter < 1)) throw Error("path integral: dt_jitter must be in [0, 1)");
  if (contracted_beads < 0 || contracted_beads > beads)
    throw Error("path integral: contracted_beads must be in [1, beads] (or 0: every bead), got " +
                std::to_string(contracted_beads));
}

double draw_time_step(const PathIntegralHmcOptions& options, Rng& rng) {
  return options.dt_fs * (1.0 + options.dt_jitter * (2.0 * rng.uniform() - 1.0));
}

namespace {

// Surrogate energy and forces on every bead; false if an energy is not finite.
bool surrogate_forces(std::vector<Frame>& frames, const BeadVectors& positions, ForceProvider& surrogate,
                      BeadVectors& forces, double& energy) {
  energy = 0;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    frames[k].positions = positions[k];
    ComputeResult r = surrogate.compute(frames[k], ComputeRequest{});
    if (!std::isfinite(r.energy) || r.forces.size() != frames[k].size()) return false;
    energy += r.energy;
    forces[k] = std::move(r.forces);
  }
  return std::isfinite(energy);
}

// p += h F / kMvvToEv on every bead (forces eV/Å, momenta amu·Å/fs, h fs).
void kick(BeadVectors& momenta, const BeadVectors& forces, double h) {
  const double scale = h / units::kMvvToEv;
  for (std::size_t k = 0; k < momenta.size(); ++k)
    for (std::size_t i = 0; i < momenta[k].size(); ++i) momenta[k][i] += scale * forces[k][i];
}

}  // namespace

RingPolymerTrajectory ring_polymer_trajectory(const std::vector<Frame>& beads, BeadVectors momenta,
                                              ForceProvider& surrogate, double omega_p, double dt_fs, int n_md,
                                              const RingPolymerModes& modes) {
  RingPolymerTrajectory t;
  std::vector<Frame> frames = beads;
  t.positions = bead_positions(beads);
  t.momenta = std::move(momenta);
  BeadVectors forces(beads.size());
  const std::span<const double> masses = beads.front().masses;
  if (!surrogate_forces(frames, t.positions, surrogate, forces, t.surrogate_start)) {
    t.finite = false;
    return t;
  }
  double energy = t.surrogate_start;
  for (int step = 0; step < n_md; ++step) {
    kick(t.momenta, forces, 0.5 * dt_fs);
    propagate_free_ring_polymer(t.positions, t.momenta, masses, omega_p, dt_fs, modes);
    if (!surrogate_forces(frames, t.positions, surrogate, forces, energy)) {
      t.finite = false;
      return t;
    }
    kick(t.momenta, forces, 0.5 * dt_fs);
  }
  t.surrogate_end = energy;
  return t;
}

namespace {

// Σ V_sur over `frames`; NaN if an energy is not finite.
double surrogate_sum(const std::vector<Frame>& frames, ForceProvider& surrogate) {
  double sum = 0;
  for (const auto& f : frames) sum += surrogate.compute(f, ComputeRequest::energy_only()).energy;
  return sum;
}

}  // namespace

RingPolymerTrialRecord path_integral_hmc_trial(RingPolymerChain& chain, ForceProvider& surrogate,
                                                ForceProvider& reference, const PathIntegralHmcOptions& options,
                                                const RingPolymerModes& modes, Rng& rng) {
  if (modes.beads() != options.beads || static_cast<int>(chain.beads.size()) != options.beads ||
      static_cast<int>(chain.reference.size()) != options.reference_beads())
    throw Error("path integral: the chain, the normal modes and the options disagree on the number of beads");
  const std::span<const double> masses = chain.beads.front().masses;
  const double omega_p = ring_polymer_frequency(options.beads, options.temperature_K);
  const double beta_p = 1.0 / (options.beads * units::kBoltzmann * options.temperature_K);
  const bool contracted = options.reference_beads() < options.beads;
  ++chain.trials;
  RingPolymerTrialRecord rec;
  const double dt = draw_time_step(options, rng);
  BeadVectors p0 = draw_bead_momenta(masses, options.beads, options.temperature_K, rng);
  const double k0 = bead_kinetic_energy(p0, masses);
  const double s0 = spring_energy(chain.positions(), masses, omega_p);
  RingPolymerTrajectory t =
      ring_polymer_trajectory(chain.beads, std::move(p0), surrogate, omega_p, dt, options.n_md, modes);
  std::vector<Frame> proposal = chain.beads;
  for (std::size_t k = 0; k < proposal.size(); ++k) proposal[k].positions = t.positions[k];
  // The reference beads of the proposal (the contracted ring polymer, or every bead), and for the
  // contracted target the surrogate on the contracted beads now and then.
  std::vector<Frame> contracted_proposal;
  double sur_contracted_old = 0, sur_contracted_new = 0;
  if (contracted && t.finite) {
    const RingPolymerContraction contraction(options.beads, options.reference_beads());
    contracted_proposal = contracted_frames(proposal, contraction);
    sur_contracted_old = surrogate_sum(contracted_frames(chain.beads, contraction), surrogate);
    sur_contracted_new = surrogate_sum(contracted_proposal, surrogate);
    t.finite = std::isfinite(sur_contracted_old) && std::isfinite(sur_contracted_new);
  }
  if (!t.finite) {
    // A proposal that cannot be evaluated is rejected; the uniform is still drawn (one per trial).
    rec.diverged = true;
    (void)metropolis_accept(-std::numeric_limits<double>::infinity(), rng);
    return rec;
  }
  const std::vector<Frame>& reference_frames = contracted ? contracted_proposal : proposal;
  std::vector<ComputeResult> proposal_reference;
  proposal_reference.reserve(reference_frames.size());
  for (const auto& f : reference_frames) proposal_reference.push_back(evaluate_reference(f, reference));
  double v_ref_new = 0;
  for (const auto& r : proposal_reference) v_ref_new += r.energy;
  rec.delta_kinetic = bead_kinetic_energy(t.momenta, masses) - k0;
  rec.delta_spring = spring_energy(t.positions, masses, omega_p) - s0;
  rec.delta_v_ref = v_ref_new - chain.reference_energy();
  rec.delta_v_sur = t.surrogate_end - t.surrogate_start;
  rec.delta_potential =
      contracted ? rec.delta_v_sur + static_cast<double>(options.beads) / options.reference_beads() *
                                         (rec.delta_v_ref - (sur_contracted_new - sur_contracted_old))
                 : rec.delta_v_ref;
  rec.delta_h = rec.delta_kinetic + rec.delta_spring + rec.delta_potential;
  rec.accepted = metropolis_accept(-beta_p * rec.delta_h, rng);
  if (rec.accepted) {
    chain.beads = std::move(proposal);
    chain.reference = std::move(proposal_reference);
    ++chain.accepted;
  }
  return rec;
}

}  // namespace slhmc::sampling
