// Path-integral hybrid Monte Carlo (PIHMC): exact sampling of the P-bead
// ring-polymer distribution of the reference potential (quantum nuclei), with
// trajectories on the surrogate (docs/sampling.md#path-integrals).
//
// One trial, in the convention of dynamics/ring_polymer.hpp
// (weight exp(−β_P H_P), β_P = β/P, physical masses on every bead):
//   1. a time step Δt(1 + u), u uniform in [−dt_jitter, dt_jitter], and fresh
//      bead momenta p_ik ~ N(0, m_i P k_B T);
//   2. n_md steps of the standard PIMD split: half kick with the surrogate's
//      forces on every bead, the free ring polymer propagated exactly in
//      normal modes for Δt, half kick — time-reversible and volume-preserving
//      for any surrogate, so the proposal is symmetric;
//   3. the reference on every bead of the proposal;
//   4. Metropolis on ΔH_P = ΔK + ΔS + Σ_k ΔV_ref(q_k) with β_P: the surrogate
//      never enters the acceptance.
// A non-finite surrogate energy on the way is a rejected proposal.
//
// Contracted (mixed) target, with contracted_beads = P' < P: the reference
// acts on the ring polymer contracted to P' beads (q̃ = T q, ring_polymer.hpp)
// and the surrogate supplies the rest,
//   U(q) = Σ_k V_sur(q_k) + (P/P') Σ_k' [V_ref(q̃_k') − V_sur(q̃_k')]
// in place of Σ_k V_ref(q_k) — a different, cheaper target (P' reference calls
// a trial), exact for itself with the surrogate held fixed: it approximates the
// full path integral as well as the surrogate reproduces the reference's
// short-wavelength (bead-to-bead) variation; P' = P is the full target. Its
// distribution depends on the surrogate, so a surrogate retrained during the
// run changes what is sampled (freeze it for production).
//
// Why the jitter: with the free ring polymer propagated exactly, each internal
// mode of a nearly harmonic system is a rotation by ω_j·n_md·Δt; where that
// angle is close to a multiple of π a fixed trajectory maps the mode onto ±
// itself whatever the momenta, and the chain stops exploring it (found by the
// exactness test at P = 4). A step drawn afresh each trial, independently of
// the state, keeps every proposal reversible and volume-preserving.
#pragma once

#include <cstdint>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/dynamics/ring_polymer.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::sampling {

// A ring-polymer chain: one Frame per bead (the same atoms, masses and cell; positions
// unwrapped, so that neighbouring beads of an atom are close) and the reference evaluation of
// each reference bead (energy, forces, and the virial for a fully periodic cell): every bead,
// or every bead of the contracted ring polymer.
struct RingPolymerChain {
  std::vector<Frame> beads;
  std::vector<ComputeResult> reference;
  std::uint64_t trials = 0;
  std::uint64_t accepted = 0;
  // Σ of the reference energies (over the beads, or the contracted beads), eV.
  double reference_energy() const;
  BeadVectors positions() const;
  BeadVectors reference_forces() const;
};

// The positions of `beads` as ring-polymer vectors ([bead][atom]).
BeadVectors bead_positions(const std::vector<Frame>& beads);

// Evaluates the reference on every bead (contracted_beads 0 or P) or on the ring polymer
// contracted to contracted_beads. Throws Error for beads that differ in atoms, masses or cell,
// EngineError for a failed evaluation.
RingPolymerChain make_ring_polymer_chain(std::vector<Frame> beads, ForceProvider& reference, int contracted_beads = 0);
// The frames of the ring polymer contracted by `contraction` (positions q̃, atoms and cell of bead 0).
std::vector<Frame> contracted_frames(const std::vector<Frame>& beads, const RingPolymerContraction& contraction);

struct PathIntegralHmcOptions {
  int beads = 8;
  double temperature_K = 300.0;
  int n_md = 10;
  double dt_fs = 0.5;
  double dt_jitter = 0.2;  // each trial's step is dt_fs·(1 + u), u uniform in [−dt_jitter, dt_jitter]
  int contracted_beads = 0;  // P' < P: the contracted target; 0 (or P): every bead on the reference
  int reference_beads() const { return contracted_beads > 0 ? contracted_beads : beads; }
  void validate() const;  // throws Error naming the bad value
};

// The time step of one trial (step 1), from `rng`.
double draw_time_step(const PathIntegralHmcOptions& options, Rng& rng);


struct RingPolymerTrialRecord {
  bool accepted = false;
  bool diverged = false;       // the surrogate energy became non-finite: rejected
  double delta_h = 0;          // ΔH_P, eV (with the reference)
  double delta_kinetic = 0;    // ΔK, eV
  double delta_spring = 0;     // ΔS, eV
  double delta_v_ref = 0;      // Σ ΔV_ref over the reference beads, eV
  double delta_potential = 0;  // ΔU of the target (= delta_v_ref for the full target), eV
  double delta_v_sur = 0;      // Σ_k ΔV_sur, eV
};

// The surrogate trajectory of step 2 from (beads, momenta): the proposed positions and momenta
// and Σ_k V_sur before and after. `finite` is false when a surrogate energy was not finite.
struct RingPolymerTrajectory {
  BeadVectors positions, momenta;
  double surrogate_start = 0, surrogate_end = 0;
  bool finite = true;
};
RingPolymerTrajectory ring_polymer_trajectory(const std::vector<Frame>& beads, BeadVectors momenta,
                                              ForceProvider& surrogate, double omega_p, double dt_fs, int n_md,
                                              const RingPolymerModes& modes);

// One PIHMC trial on `chain` (trials, accepted and, on acceptance, beads and reference updated).
// Draws from `rng` only.
RingPolymerTrialRecord path_integral_hmc_trial(RingPolymerChain& chain, ForceProvider& surrogate,
                                                ForceProvider& reference, const PathIntegralHmcOptions& options,
                                                const RingPolymerModes& modes, Rng& rng);

}  // namespace slhmc::sampling
