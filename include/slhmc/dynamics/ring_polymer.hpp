// The free ring polymer of path-integral sampling: P beads of the N-atom
// configuration, neighbouring beads (cyclically) joined by harmonic springs.
//
// Convention (the one of i-PI and of most PIMD codes): the discretized quantum
// partition function at temperature T is sampled by the classical ring-polymer
// Hamiltonian at the bead temperature P·T,
//
//   H_P(q, p) = Σ_k Σ_i p_ik²/(2 m_i) + Σ_k Σ_i ½ m_i ω_P² |q_ik − q_i,k+1|² + Σ_k V(q_k),
//   weight exp(−β_P H_P),  β_P = β/P,  ω_P = 1/(β_P ħ) = P k_B T/ħ,
//
// whose position marginal is the P-bead (primitive) path integral. Written
// with β instead of β_P the same weight reads exp(−β[K/P + S/P + (1/P) Σ_k V]):
// the bead potential carries 1/P and so do the springs. Every bead has the
// physical mass m_i (the momenta are auxiliary; any positive mass matrix
// samples the same positions, and with physical masses the free ring polymer
// is propagated exactly below, whatever its stiffest mode).
//
// Normal modes: the orthonormal real transform ũ_j = Σ_k C_kj q_k diagonalises
// the springs, S = Σ_j ½ m ω_j² |ũ_j|² with ω_j = 2 ω_P sin(jπ/P); mode 0 is
// √P times the centroid and feels no spring.
#pragma once

#include <span>
#include <vector>

#include "slhmc/core/rng.hpp"
#include "slhmc/core/vec3.hpp"

namespace slhmc {

// ω_P = P k_B T/ħ in 1/fs.
double ring_polymer_frequency(int beads, double temperature_K);

class RingPolymerModes {
 public:
  // Throws Error for beads < 1.
  explicit RingPolymerModes(int beads);
  int beads() const { return beads_; }
  // C_kj: bead k, mode j.
  double coefficient(int bead, int mode) const { return c_[static_cast<std::size_t>(bead * beads_ + mode)]; }
  // ω_j / ω_P = 2 sin(jπ/P).
  double frequency_factor(int mode) const { return factor_[static_cast<std::size_t>(mode)]; }
  // One atom's P bead vectors to its P mode vectors and back (sizes P; in and out may not alias).
  void to_modes(std::span<const Vec3> beads, std::span<Vec3> modes) const;
  void to_beads(std::span<const Vec3> modes, std::span<Vec3> beads) const;

 private:
  int beads_;
  std::vector<double> c_;       // P×P, row = bead
  std::vector<double> factor_;  // P
};

// Positions or momenta of a ring polymer: [bead][atom].
using BeadVectors = std::vector<std::vector<Vec3>>;

// Ring-polymer contraction (Markland & Manolopoulos, J. Chem. Phys. 129, 024105 (2008)): the
// P-bead path reduced to P' beads by keeping its P' lowest normal modes, scaled by √(P'/P), and
// transforming back with the P'-bead modes: q̃ = T q with T (P'×P) = √(P'/P) C'_kept C_keptᵀ.
// A mode of P' beads is matched with the mode of P beads of the same wave number and kind
// (cosine or sine); the alternating mode of an even P' < P takes the cosine of wave number P'/2
// with a further √2 (the grid of P' points sees cos(πP'τ) whole, as the sum of the waves ±P'/2).
// So P' = P is the identity, P' = 1 the centroid, and a path with no wave number above P'/2
// contracts to itself sampled at P' points (the band-limited interpolant, sampled).
class RingPolymerContraction {
 public:
  // Throws Error unless 1 ≤ contracted ≤ beads.
  RingPolymerContraction(int beads, int contracted);
  int beads() const { return beads_; }
  int contracted() const { return contracted_; }
  double weight(int contracted_bead, int bead) const {
    return t_[static_cast<std::size_t>(contracted_bead * beads_ + bead)];
  }
  BeadVectors contract(const BeadVectors& positions) const;

 private:
  int beads_, contracted_;
  std::vector<double> t_;  // P'×P
};

// Σ_k Σ_i ½ m_i ω_P² |q_ik − q_i,k+1|² in eV (masses amu, ω_P 1/fs, positions Å; positions
// as given, no minimum image: beads of one atom are kept unwrapped relative to each other).
double spring_energy(const BeadVectors& positions, std::span<const double> masses, double omega_p);
// Σ_k Σ_i p_ik²/(2 m_i) in eV (momenta amu·Å/fs).
double bead_kinetic_energy(const BeadVectors& momenta, std::span<const double> masses);

// Momenta of every bead from exp(−β_P Σ p²/2m): p ~ N(0, m_i P k_B T), from `rng`.
BeadVectors draw_bead_momenta(std::span<const double> masses, int beads, double temperature_K, Rng& rng);

// Propagates the free ring polymer (bead kinetic energy + springs, no potential) exactly for
// `dt_fs`: each normal mode is a harmonic oscillator of frequency ω_j (mode 0 moves freely).
// Time-reversible and volume-preserving (a rotation in each mode's phase plane).
void propagate_free_ring_polymer(BeadVectors& positions, BeadVectors& momenta, std::span<const double> masses,
                                 double omega_p, double dt_fs, const RingPolymerModes& modes);

// Centroid of each atom's beads.
std::vector<Vec3> bead_centroids(const BeadVectors& positions);

// Estimators of the quantum kinetic energy (eV) at temperature T from one ring-polymer
// configuration of N atoms and P beads:
//   primitive         3NP k_B T/2 − S/P                          (S: spring_energy)
//   centroid virial   3N k_B T/2 − (1/2P) Σ_k Σ_i (q_ik − q̄_i)·F_ik   (F: forces of the potential on bead k)
// Both average to the same value; the centroid virial one has a variance that does not grow with P.
double primitive_kinetic_energy(std::size_t atoms, int beads, double temperature_K, double spring_energy_eV);
double centroid_virial_kinetic_energy(const BeadVectors& positions, const BeadVectors& forces, double temperature_K);

}  // namespace slhmc
