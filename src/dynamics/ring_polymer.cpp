// The free ring polymer (see ring_polymer.hpp): normal modes, springs, bead
// momenta and the exact free propagation.
#include "slhmc/dynamics/ring_polymer.hpp"

#include <cmath>
#include <numbers>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc {

double ring_polymer_frequency(int beads, double temperature_K) {
  if (beads < 1) throw Error("a ring polymer needs at least 1 bead");
  if (!(temperature_K > 0) || !std::isfinite(temperature_K))
    throw Error("the ring-polymer frequency needs a positive temperature");
  return beads * units::kBoltzmann * temperature_K / units::kHbar;
}

RingPolymerModes::RingPolymerModes(int beads) : beads_(beads) {
  if (beads < 1) throw Error("a ring polymer needs at least 1 bead");
  const auto n = static_cast<std::size_t>(beads);
  c_.assign(n * n, 0.0);
  factor_.assign(n, 0.0);
  const double p = beads;
  // Real Fourier basis: mode 0 constant, then cosines for 1 ≤ j ≤ P/2 (the one at P/2, for even P,
  // alternates in sign), sines for P/2 < j < P with wave number P − j; all orthonormal.
  for (int k = 0; k < beads; ++k)
    for (int j = 0; j < beads; ++j) {
      double c;
      if (j == 0) c = 1.0 / std::sqrt(p);
      else if (2 * j == beads) c = (k % 2 == 0 ? 1.0 : -1.0) / std::sqrt(p);
      else if (2 * j < beads) c = std::sqrt(2.0 / p) * std::cos(2.0 * std::numbers::pi * j * k / p);
      else c = std::sqrt(2.0 / p) * std::sin(2.0 * std::numbers::pi * (beads - j) * k / p);
      c_[static_cast<std::size_t>(k * beads + j)] = c;
    }
  // The spring matrix has eigenvalues 4 sin²(πj/P) for wave number j (sin(πj/P) = sin(π(P−j)/P)).
  for (int j = 0; j < beads; ++j) factor_[static_cast<std::size_t>(j)] = 2.0 * std::sin(std::numbers::pi * j / p);
}

void RingPolymerModes::to_modes(std::span<const Vec3> beads, std::span<Vec3> modes) const {
  for (int j = 0; j < beads_; ++j) {
    Vec3 u{0, 0, 0};
    for (int k = 0; k < beads_; ++k) u += coefficient(k, j) * beads[static_cast<std::size_t>(k)];
    modes[static_cast<std::size_t>(j)] = u;
  }
}

void RingPolymerModes::to_beads(std::span<const Vec3> modes, std::span<Vec3> beads) const {
  for (int k = 0; k < beads_; ++k) {
    Vec3 q{0, 0, 0};
    for (int j = 0; j < beads_; ++j) q += coefficient(k, j) * modes[static_cast<std::size_t>(j)];
    beads[static_cast<std::size_t>(k)] = q;
  }
}

namespace {
// Wave number of mode j of P beads, and whether it is a sine.
int wave_number(int j, int p) { return 2 * j <= p ? j : p - j; }
bool is_sine(int j, int p) { return 2 * j > p; }
}  // namespace

RingPolymerContraction::RingPolymerContraction(int beads, int contracted) : beads_(beads), contracted_(contracted) {
  if (beads < 1 || contracted < 1 || contracted > beads)
    throw Error("ring-polymer contraction needs 1 <= contracted beads (" + std::to_string(contracted) +
                ") <= beads (" + std::to_string(beads) + ")");
  const RingPolymerModes full(beads), reduced(contracted);
  t_.assign(static_cast<std::size_t>(contracted * beads), 0.0);
  const double scale = std::sqrt(static_cast<double>(contracted) / beads);
  for (int jr = 0; jr < contracted; ++jr) {
    const int w = wave_number(jr, contracted);
    const int j = is_sine(jr, contracted) ? beads - w : w;  // the full ring's mode of that kind
    const double nyquist = 2 * jr == contracted && contracted < beads ? std::sqrt(2.0) : 1.0;
    for (int kr = 0; kr < contracted; ++kr)
      for (int k = 0; k < beads; ++k)
        t_[static_cast<std::size_t>(kr * beads + k)] +=
            nyquist * scale * reduced.coefficient(kr, jr) * full.coefficient(k, j);
  }
}

BeadVectors RingPolymerContraction::contract(const BeadVectors& positions) const {
  if (positions.size() != static_cast<std::size_t>(beads_)) throw Error("ring-polymer contraction: wrong number of beads");
  const std::size_t atoms = positions.front().size();
  BeadVectors out(static_cast<std::size_t>(contracted_), std::vector<Vec3>(atoms, Vec3{0, 0, 0}));
  for (int kr = 0; kr < contracted_; ++kr)
    for (int k = 0; k < beads_; ++k) {
      const double w = weight(kr, k);
      if (w == 0.0) continue;
      for (std::size_t i = 0; i < atoms; ++i) out[static_cast<std::size_t>(kr)][i] += w * positions[static_cast<std::size_t>(k)][i];
    }
  return out;
}

double spring_energy(const BeadVectors& positions, std::span<const double> masses, double omega_p) {
  const std::size_t p = positions.size();
  if (p < 2) return 0.0;  // one bead: the classical limit, no spring
  double sum = 0;
  for (std::size_t k = 0; k < p; ++k) {
    const auto& a = positions[k];
    const auto& b = positions[(k + 1) % p];
    for (std::size_t i = 0; i < masses.size(); ++i) sum += masses[i] * norm2(a[i] - b[i]);
  }
  return 0.5 * omega_p * omega_p * sum * units::kMvvToEv;
}

double bead_kinetic_energy(const BeadVectors& momenta, std::span<const double> masses) {
  double sum = 0;
  for (const auto& bead : momenta)
    for (std::size_t i = 0; i < masses.size(); ++i) sum += norm2(bead[i]) / masses[i];
  return 0.5 * sum * units::kMvvToEv;
}

BeadVectors draw_bead_momenta(std::span<const double> masses, int beads, double temperature_K, Rng& rng) {
  if (!(temperature_K > 0) || !std::isfinite(temperature_K)) throw Error("bead momenta need a positive temperature");
  // Variance m P k_B T, converted from eV to amu·Å²/fs².
  const double kt_p = beads * units::kBoltzmann * temperature_K / units::kMvvToEv;
  BeadVectors p(static_cast<std::size_t>(beads), std::vector<Vec3>(masses.size()));
  for (auto& bead : p)
    for (std::size_t i = 0; i < masses.size(); ++i) {
      const double sigma = std::sqrt(masses[i] * kt_p);
      for (double& x : bead[i]) x = sigma * rng.normal();
    }
  return p;
}

void propagate_free_ring_polymer(BeadVectors& positions, BeadVectors& momenta, std::span<const double> masses,
                                 double omega_p, double dt_fs, const RingPolymerModes& modes) {
  const int p = modes.beads();
  if (positions.size() != static_cast<std::size_t>(p) || momenta.size() != static_cast<std::size_t>(p))
    throw Error("ring polymer: positions and momenta need one entry per bead");
  // Per mode: the rotation of (ũ, p̃) by ω_j dt (a free particle for ω_0 = 0), the same for
  // every atom up to its mass.
  std::vector<double> cos_t(static_cast<std::size_t>(p)), sin_t(static_cast<std::size_t>(p)), omega(static_cast<std::size_t>(p));
  for (int j = 0; j < p; ++j) {
    omega[static_cast<std::size_t>(j)] = omega_p * modes.frequency_factor(j);
    cos_t[static_cast<std::size_t>(j)] = std::cos(omega[static_cast<std::size_t>(j)] * dt_fs);
    sin_t[static_cast<std::size_t>(j)] = std::sin(omega[static_cast<std::size_t>(j)] * dt_fs);
  }
  std::vector<Vec3> qb(static_cast<std::size_t>(p)), pb(static_cast<std::size_t>(p)), qm(static_cast<std::size_t>(p)),
      pm(static_cast<std::size_t>(p));
  for (std::size_t i = 0; i < masses.size(); ++i) {
    const double m = masses[i];
    for (int k = 0; k < p; ++k) {
      qb[static_cast<std::size_t>(k)] = positions[static_cast<std::size_t>(k)][i];
      pb[static_cast<std::size_t>(k)] = momenta[static_cast<std::size_t>(k)][i];
    }
    modes.to_modes(qb, qm);
    modes.to_modes(pb, pm);
    for (int j = 0; j < p; ++j) {
      const auto s = static_cast<std::size_t>(j);
      const Vec3 q0 = qm[s], p0 = pm[s];
      if (omega[s] == 0.0) {
        qm[s] = q0 + (dt_fs / m) * p0;
      } else {
        const double mw = m * omega[s];
        qm[s] = cos_t[s] * q0 + (sin_t[s] / mw) * p0;
        pm[s] = cos_t[s] * p0 - (mw * sin_t[s]) * q0;
      }
    }
    modes.to_beads(qm, qb);
    modes.to_beads(pm, pb);
    for (int k = 0; k < p; ++k) {
      positions[static_cast<std::size_t>(k)][i] = qb[static_cast<std::size_t>(k)];
      momenta[static_cast<std::size_t>(k)][i] = pb[static_cast<std::size_t>(k)];
    }
  }
}

std::vector<Vec3> bead_centroids(const BeadVectors& positions) {
  if (positions.empty()) return {};
  std::vector<Vec3> c(positions[0].size(), Vec3{0, 0, 0});
  for (const auto& bead : positions)
    for (std::size_t i = 0; i < c.size(); ++i) c[i] += bead[i];
  const double inv = 1.0 / static_cast<double>(positions.size());
  for (auto& x : c) x = inv * x;
  return c;
}

double primitive_kinetic_energy(std::size_t atoms, int beads, double temperature_K, double spring_energy_eV) {
  return 1.5 * static_cast<double>(atoms) * beads * units::kBoltzmann * temperature_K - spring_energy_eV / beads;
}

double centroid_virial_kinetic_energy(const BeadVectors& positions, const BeadVectors& forces, double temperature_K) {
  const std::vector<Vec3> centroid = bead_centroids(positions);
  double sum = 0;
  for (std::size_t k = 0; k < positions.size(); ++k)
    for (std::size_t i = 0; i < centroid.size(); ++i) sum += dot(positions[k][i] - centroid[i], forces[k][i]);
  return 1.5 * static_cast<double>(centroid.size()) * units::kBoltzmann * temperature_K -
         0.5 * sum / static_cast<double>(positions.size());
}

}  // namespace slhmc
