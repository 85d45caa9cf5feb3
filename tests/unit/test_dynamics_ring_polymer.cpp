// The free ring polymer: the normal-mode transform is orthonormal and
// diagonalises the springs, the exact free propagation conserves energy,
// reverses to round-off and agrees with a fine-step velocity Verlet on the
// springs, and the kinetic-energy estimators are what their formulas say.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/dynamics/ring_polymer.hpp"

using namespace slhmc;

namespace {

BeadVectors random_beads(int beads, std::size_t atoms, double spread, Rng& rng) {
  BeadVectors q(static_cast<std::size_t>(beads), std::vector<Vec3>(atoms));
  for (auto& bead : q)
    for (auto& x : bead) x = Vec3{spread * rng.normal(), spread * rng.normal(), spread * rng.normal()};
  return q;
}

// Spring forces −∂S/∂q_ik in amu·Å/fs² (S in amu·Å²/fs²): the reference for velocity Verlet.
BeadVectors spring_accelerating_forces(const BeadVectors& q, const std::vector<double>& m, double omega_p) {
  const std::size_t p = q.size();
  BeadVectors f(p, std::vector<Vec3>(m.size(), Vec3{0, 0, 0}));
  if (p < 2) return f;
  for (std::size_t k = 0; k < p; ++k)
    for (std::size_t i = 0; i < m.size(); ++i) {
      const Vec3 prev = q[(k + p - 1) % p][i], next = q[(k + 1) % p][i];
      f[k][i] = (-m[i] * omega_p * omega_p) * (2.0 * q[k][i] - prev - next);
    }
  return f;
}

}  // namespace

TEST(RingPolymer, FrequencyIsPKTOverHbar) {
  // k_B · 300 K = 25.852 meV; / ħ = 0.65821 eV fs.
  EXPECT_NEAR(ring_polymer_frequency(1, 300.0), 0.0258520 / 0.6582120, 1e-6);
  EXPECT_DOUBLE_EQ(ring_polymer_frequency(32, 300.0), 32 * ring_polymer_frequency(1, 300.0));
  EXPECT_THROW(ring_polymer_frequency(0, 300.0), Error);
  EXPECT_THROW(ring_polymer_frequency(4, 0.0), Error);
  EXPECT_THROW(RingPolymerModes(0), Error);
}

TEST(RingPolymer, NormalModesAreOrthonormalAndDiagonaliseTheSprings) {
  Rng rng(3);
  const std::vector<double> masses{1.008, 15.999, 2.014};
  const double omega_p = 0.3;
  for (int p : {1, 2, 3, 4, 5, 7, 8, 16}) {
    const RingPolymerModes modes(p);
    for (int a = 0; a < p; ++a)
      for (int b = 0; b < p; ++b) {
        double dot_ab = 0;
        for (int k = 0; k < p; ++k) dot_ab += modes.coefficient(k, a) * modes.coefficient(k, b);
        EXPECT_NEAR(dot_ab, a == b ? 1.0 : 0.0, 1e-13) << "P=" << p << " modes " << a << "," << b;
      }
    EXPECT_EQ(modes.frequency_factor(0), 0.0);
    const BeadVectors q = random_beads(p, masses.size(), 0.2, rng);
    double in_modes = 0;
    std::vector<Vec3> beads(static_cast<std::size_t>(p)), u(static_cast<std::size_t>(p)), back(static_cast<std::size_t>(p));
    for (std::size_t i = 0; i < masses.size(); ++i) {
      for (int k = 0; k < p; ++k) beads[static_cast<std::size_t>(k)] = q[static_cast<std::size_t>(k)][i];
      modes.to_modes(beads, u);
      modes.to_beads(u, back);
      for (int k = 0; k < p; ++k)
        for (int d = 0; d < 3; ++d) EXPECT_NEAR(back[static_cast<std::size_t>(k)][d], beads[static_cast<std::size_t>(k)][d], 1e-13);
      // Mode 0 is √P times the centroid.
      Vec3 centroid{0, 0, 0};
      for (const auto& b : beads) centroid += (1.0 / p) * b;
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(u[0][d], std::sqrt(static_cast<double>(p)) * centroid[d], 1e-13);
      for (int j = 0; j < p; ++j) {
        const double w = omega_p * modes.frequency_factor(j);
        in_modes += 0.5 * masses[i] * w * w * norm2(u[static_cast<std::size_t>(j)]);
      }
    }
    EXPECT_NEAR(in_modes * units::kMvvToEv, spring_energy(q, masses, omega_p), 1e-12 * (1 + in_modes * units::kMvvToEv))
        << "P=" << p;
  }
}

TEST(RingPolymer, SpringEnergyOfTwoBeadsCountsTheBondTwice) {
  // P = 2: the ring has two springs between the same two beads.
  const std::vector<double> m{2.0};
  const BeadVectors q{{Vec3{0, 0, 0}}, {Vec3{0.5, 0, 0}}};
  EXPECT_NEAR(spring_energy(q, m, 0.1), 2 * 0.5 * 2.0 * 0.01 * 0.25 * units::kMvvToEv, 1e-15);
  EXPECT_EQ(spring_energy({{Vec3{1, 2, 3}}}, m, 0.1), 0.0);
}

TEST(RingPolymer, FreePropagationConservesEnergyAndReverses) {
  Rng rng(5);
  const std::vector<double> masses{1.008, 15.999};
  for (int p : {1, 2, 5, 8}) {
    const RingPolymerModes modes(p);
    const double omega_p = ring_polymer_frequency(p, 300.0);
    BeadVectors q = random_beads(p, masses.size(), 0.1, rng);
    BeadVectors mom = draw_bead_momenta(masses, p, 300.0, rng);
    const BeadVectors q0 = q, p0 = mom;
    const double e0 = bead_kinetic_energy(mom, masses) + spring_energy(q, masses, omega_p);
    // A step far beyond any velocity Verlet stability limit (ω_max Δt ≈ 4 for P = 8): exact anyway.
    const double dt = 2.0;
    for (int s = 0; s < 20; ++s) propagate_free_ring_polymer(q, mom, masses, omega_p, dt, modes);
    const double e1 = bead_kinetic_energy(mom, masses) + spring_energy(q, masses, omega_p);
    EXPECT_NEAR(e1, e0, 1e-12 * std::abs(e0)) << "P=" << p;
    for (auto& bead : mom)
      for (auto& x : bead) x = -1.0 * x;
    for (int s = 0; s < 20; ++s) propagate_free_ring_polymer(q, mom, masses, omega_p, dt, modes);
    for (int k = 0; k < p; ++k)
      for (std::size_t i = 0; i < masses.size(); ++i)
        for (int d = 0; d < 3; ++d) {
          EXPECT_NEAR(q[static_cast<std::size_t>(k)][i][d], q0[static_cast<std::size_t>(k)][i][d], 1e-11);
          EXPECT_NEAR(-mom[static_cast<std::size_t>(k)][i][d], p0[static_cast<std::size_t>(k)][i][d], 1e-11);
        }
  }
}

TEST(RingPolymer, FreePropagationAgreesWithFineVelocityVerletOnTheSprings) {
  Rng rng(9);
  const std::vector<double> masses{1.008, 4.0026, 15.999};
  const int p = 6;
  const RingPolymerModes modes(p);
  const double omega_p = ring_polymer_frequency(p, 300.0);  // ≈ 0.24 /fs; stiffest mode ≈ 0.47 /fs
  BeadVectors q = random_beads(p, masses.size(), 0.1, rng);
  BeadVectors mom = draw_bead_momenta(masses, p, 300.0, rng);
  BeadVectors qv = q, pv = mom;
  const double total = 3.0;  // fs
  propagate_free_ring_polymer(q, mom, masses, omega_p, total, modes);
  const int steps = 30000;
  const double h = total / steps;
  BeadVectors f = spring_accelerating_forces(qv, masses, omega_p);
  for (int s = 0; s < steps; ++s) {
    for (int k = 0; k < p; ++k)
      for (std::size_t i = 0; i < masses.size(); ++i) {
        auto& pk = pv[static_cast<std::size_t>(k)][i];
        pk += (0.5 * h) * f[static_cast<std::size_t>(k)][i];
        qv[static_cast<std::size_t>(k)][i] += (h / masses[i]) * pk;
      }
    f = spring_accelerating_forces(qv, masses, omega_p);
    for (int k = 0; k < p; ++k)
      for (std::size_t i = 0; i < masses.size(); ++i) pv[static_cast<std::size_t>(k)][i] += (0.5 * h) * f[static_cast<std::size_t>(k)][i];
  }
  for (int k = 0; k < p; ++k)
    for (std::size_t i = 0; i < masses.size(); ++i)
      for (int d = 0; d < 3; ++d) {
        EXPECT_NEAR(q[static_cast<std::size_t>(k)][i][d], qv[static_cast<std::size_t>(k)][i][d], 1e-7);
        EXPECT_NEAR(mom[static_cast<std::size_t>(k)][i][d], pv[static_cast<std::size_t>(k)][i][d], 1e-7 * masses[i]);
      }
}

TEST(RingPolymer, BeadMomentaHaveTheBeadTemperature) {
  Rng rng(11);
  const std::vector<double> masses(50, 12.0);
  const int p = 4;
  double k_sum = 0;
  const int draws = 400;
  for (int n = 0; n < draws; ++n) k_sum += bead_kinetic_energy(draw_bead_momenta(masses, p, 300.0, rng), masses);
  // Every bead at the bead temperature P·T: ⟨K⟩ = P · 3N (P k_B T)/2; relative error of the
  // mean ≈ 1/√(3·50·4·400/2) ≈ 0.4 %.
  const double expected = 1.5 * 50 * p * p * units::kBoltzmann * 300.0;
  EXPECT_NEAR(k_sum / draws, expected, 0.02 * expected);
}

TEST(RingPolymer, KineticEnergyEstimatorsFollowTheirFormulas) {
  const double t = 250.0, kt = units::kBoltzmann * t;
  EXPECT_NEAR(primitive_kinetic_energy(3, 4, t, 0.1), 1.5 * 3 * 4 * kt - 0.1 / 4, 1e-15);
  // Centroid virial: 3N k_B T/2 − (1/2P) Σ (q − q̄)·F.
  const BeadVectors q{{Vec3{1, 0, 0}}, {Vec3{-1, 0, 0}}};
  const BeadVectors f{{Vec3{-2, 0, 0}}, {Vec3{2, 0, 0}}};
  EXPECT_NEAR(centroid_virial_kinetic_energy(q, f, t), 1.5 * kt - 0.5 * (-2 - 2) / 2, 1e-15);
  const BeadVectors zero{{Vec3{0, 0, 0}}, {Vec3{0, 0, 0}}};
  EXPECT_NEAR(centroid_virial_kinetic_energy(q, zero, t), 1.5 * kt, 1e-15);
}

TEST(RingPolymerContraction, IsTheIdentityForAllBeadsAndTheCentroidForOne) {
  Rng rng(13);
  for (int p : {1, 2, 5, 8}) {
    const BeadVectors q = random_beads(p, 3, 0.3, rng);
    const BeadVectors same = RingPolymerContraction(p, p).contract(q);
    for (int k = 0; k < p; ++k)
      for (std::size_t i = 0; i < 3; ++i)
        for (int d = 0; d < 3; ++d) EXPECT_NEAR(same[static_cast<std::size_t>(k)][i][d], q[static_cast<std::size_t>(k)][i][d], 1e-13);
    const BeadVectors one = RingPolymerContraction(p, 1).contract(q);
    ASSERT_EQ(one.size(), 1u);
    const std::vector<Vec3> c = bead_centroids(q);
    for (std::size_t i = 0; i < 3; ++i)
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(one[0][i][d], c[i][d], 1e-13);
  }
  EXPECT_THROW(RingPolymerContraction(4, 5), Error);
  EXPECT_THROW(RingPolymerContraction(4, 0), Error);
}

TEST(RingPolymerContraction, ABandLimitedPathContractsToItselfAtFewerPoints) {
  // q(τ) = a + b cos 2πτ + c sin 2πτ + e cos 4πτ + f sin 4πτ: wave numbers ≤ 2, so any P' ≥ 5
  // keeps it whole; on P' = 4 points the sine of wave number 2 vanishes and its cosine is the
  // alternating mode, so the contraction is the path sampled there too.
  const Vec3 a{0.1, -0.2, 0.3}, b{0.5, 0, 0}, c{0, 0.4, 0}, e{0, 0, 0.2}, f{0.1, 0.1, 0};
  auto path = [&](double tau) {
    const double w = 2 * std::numbers::pi * tau;
    return a + std::cos(w) * b + std::sin(w) * c + std::cos(2 * w) * e + std::sin(2 * w) * f;
  };
  const int p = 12;
  BeadVectors q(p, std::vector<Vec3>(1));
  for (int k = 0; k < p; ++k) q[static_cast<std::size_t>(k)][0] = path(static_cast<double>(k) / p);
  for (int pc : {5, 6, 7}) {
    const BeadVectors qc = RingPolymerContraction(p, pc).contract(q);
    for (int k = 0; k < pc; ++k)
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(qc[static_cast<std::size_t>(k)][0][d], path(static_cast<double>(k) / pc)[d], 1e-13) << pc;
  }
  const BeadVectors q4 = RingPolymerContraction(p, 4).contract(q);
  for (int k = 0; k < 4; ++k)
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(q4[static_cast<std::size_t>(k)][0][d], path(k / 4.0)[d], 1e-13);
  // P' = 3 drops wave number 2 altogether.
  const BeadVectors q3 = RingPolymerContraction(p, 3).contract(q);
  for (int k = 0; k < 3; ++k) {
    const double w = 2 * std::numbers::pi * k / 3.0;
    const Vec3 expected = a + std::cos(w) * b + std::sin(w) * c;
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(q3[static_cast<std::size_t>(k)][0][d], expected[d], 1e-13);
  }
}
