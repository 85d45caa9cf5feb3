// Path-integral HMC is exact for the P-bead ring polymer of the reference,
// whatever the surrogate: hydrogen atoms in isotropic harmonic wells with
// ħω = 3 k_B T at 300 K (strongly quantum), trajectories on a surrogate whose
// wells are 25 % too stiff and anharmonic. The bead-averaged potential and the
// centroid-virial and primitive kinetic energies must match the closed forms
// of the discretized path integral,
//
//   ⟨V⟩    = (3N/2β) Σ_{j=0}^{P−1} ω²/(ω_j² + ω²)
//   ⟨K_cv⟩ = ⟨K_prim⟩ = (3N/2β) [1 + Σ_{j=1}^{P−1} ω²/(ω_j² + ω²)],   ω_j = 2 ω_P sin(jπ/P),
//
// (their sum tends to the quantum 3N (ħω/2) coth(βħω/2) as P grows). Each
// comparison: 50 block means, t = (mean − exact)/standard error, |t| < 5
// (P(|t₄₉| > 5) ≈ 8e-6, three observables per test). Planted bugs (the bead
// potential weighted by β instead of β/P, i.e. without its 1/P; springs P times
// too stiff; momenta drawn from the wrong mass matrix) shift the means by many
// standard errors and must be caught.
//
// Calibration (SLHMC_TEST_SEED=100..129): the 270 t values of the correct sampler had mean
// −0.01 and standard deviation 0.91, largest |t| 2.6; the planted bugs gave |t| > 20.
//
// SLHMC_LONG_TESTS=1 runs 10× longer chains; SLHMC_TEST_SEED=k shifts the seeds;
// SLHMC_TEST_VERBOSE=1 prints every comparison.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <numbers>

#include "md_test_support.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/metropolis.hpp"
#include "slhmc/sampling/path_integral_hmc.hpp"

using namespace slhmc;
using namespace slhmc::sampling;

namespace {

int scale() { return std::getenv("SLHMC_LONG_TESTS") ? 10 : 1; }
std::uint64_t seed(std::uint64_t base) {
  const char* offset = std::getenv("SLHMC_TEST_SEED");
  return base + (offset ? std::stoull(offset) : 0);
}

constexpr double kT = 300.0;
constexpr double kMass = 1.008;
constexpr int kAtoms = 2;
constexpr double kTCritical = 5.0;

double kt() { return units::kBoltzmann * kT; }
// ħω = 3 k_B T.
double omega() { return 3.0 * kt() / units::kHbar; }
// k = m ω² in eV/Å².
double stiffness() { return kMass * omega() * omega() * units::kMvvToEv; }

std::vector<Vec3> centres() { return {Vec3{0, 0, 0}, Vec3{5, 0, 0}}; }

// The surrogate: wells 25 % stiffer plus a quartic term, so trajectories are wrong on purpose.
class WrongWells final : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult out;
    const double k = 1.25 * stiffness(), c = 0.3 * stiffness();
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const Vec3 d = frame.positions[i] - centres()[i];
      const double r2 = norm2(d);
      out.energy += 0.5 * k * r2 + 0.25 * c * r2 * r2;
      out.forces.push_back((-(k + c * r2)) * d);
    }
    return out;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "test anharmonic wells (a wrong surrogate)"; }
};

struct Exact {
  double v, k;
};
Exact exact(int beads) {
  const double w = omega(), wp = ring_polymer_frequency(beads, kT);
  double v = 0, k = 1;
  for (int j = 0; j < beads; ++j) {
    const double wj = 2 * wp * std::sin(std::numbers::pi * j / beads);
    const double term = w * w / (wj * wj + w * w);
    v += term;
    if (j > 0) k += term;
  }
  return {1.5 * kAtoms * kt() * v, 1.5 * kAtoms * kt() * k};
}

enum class Variant { correct, potential_without_one_over_p, springs_p_times_stiffer, momenta_wrong_masses };

// One trial of a planted-bug variant, composed of the same building blocks as the real trial.
void buggy_trial(Variant variant, RingPolymerChain& chain, ForceProvider& surrogate, ForceProvider& reference,
                 const PathIntegralHmcOptions& o, const RingPolymerModes& modes, Rng& rng) {
  const std::vector<double>& m = chain.beads.front().masses;
  double omega_p = ring_polymer_frequency(o.beads, o.temperature_K);
  const double beta_p = 1.0 / (o.beads * units::kBoltzmann * o.temperature_K);
  if (variant == Variant::springs_p_times_stiffer) omega_p *= std::sqrt(static_cast<double>(o.beads));
  const double dt = draw_time_step(o, rng);
  // Wrong masses: momenta at the physical temperature, i.e. from masses m/P, while K uses m.
  const double momentum_t = variant == Variant::momenta_wrong_masses ? o.temperature_K / o.beads : o.temperature_K;
  BeadVectors p0 = draw_bead_momenta(m, o.beads, momentum_t, rng);
  const double k0 = bead_kinetic_energy(p0, m), s0 = spring_energy(chain.positions(), m, omega_p);
  RingPolymerTrajectory t = ring_polymer_trajectory(chain.beads, std::move(p0), surrogate, omega_p, dt, o.n_md, modes);
  std::vector<Frame> proposal = chain.beads;
  std::vector<ComputeResult> ref;
  double v1 = 0;
  for (std::size_t k = 0; k < proposal.size(); ++k) {
    proposal[k].positions = t.positions[k];
    ref.push_back(reference.compute(proposal[k], ComputeRequest{}));
    v1 += ref.back().energy;
  }
  const double dk = bead_kinetic_energy(t.momenta, m) - k0, ds = spring_energy(t.positions, m, omega_p) - s0;
  const double dv = v1 - chain.reference_energy();
  const double beta_v = variant == Variant::potential_without_one_over_p ? beta_p * o.beads : beta_p;
  ++chain.trials;
  if (metropolis_accept(-beta_p * (dk + ds) - beta_v * dv, rng)) {
    chain.beads = std::move(proposal);
    chain.reference = std::move(ref);
    ++chain.accepted;
  }
}

struct Series {
  std::vector<double> v, k_cv, k_prim;
  double acceptance = 0;
};

Series run_chain(Variant variant, int beads, std::uint64_t chain_seed, int trials) {
  test::HarmonicWells reference(centres(), stiffness());
  WrongWells surrogate;
  Frame frame;
  for (const Vec3& c : centres()) frame.add_atom(1, c);
  frame.masses.assign(kAtoms, kMass);
  RingPolymerChain chain = make_ring_polymer_chain(std::vector<Frame>(static_cast<std::size_t>(beads), frame), reference);
  PathIntegralHmcOptions o;
  o.beads = beads;
  o.temperature_K = kT;
  o.n_md = 8;
  o.dt_fs = 1.5;
  const RingPolymerModes modes(beads);
  const double omega_p = ring_polymer_frequency(beads, kT);
  Rng rng(chain_seed);
  Series s;
  const int burn_in = trials / 20;
  for (int n = 0; n < burn_in + trials; ++n) {
    if (variant == Variant::correct) path_integral_hmc_trial(chain, surrogate, reference, o, modes, rng);
    else buggy_trial(variant, chain, surrogate, reference, o, modes, rng);
    if (n < burn_in) continue;
    const BeadVectors q = chain.positions();
    const std::vector<double>& m = chain.beads.front().masses;
    s.v.push_back(chain.reference_energy() / beads);
    s.k_cv.push_back(centroid_virial_kinetic_energy(q, chain.reference_forces(), kT));
    s.k_prim.push_back(primitive_kinetic_energy(kAtoms, beads, kT, spring_energy(q, m, omega_p)));
  }
  s.acceptance = static_cast<double>(chain.accepted) / static_cast<double>(chain.trials);
  return s;
}

// t of the mean of `series` against `exact`, from 50 block means.
double t_value(const std::vector<double>& series, double exact_value, const char* what) {
  const std::size_t blocks = 50, len = series.size() / blocks;
  std::vector<double> means(blocks, 0.0);
  for (std::size_t b = 0; b < blocks; ++b) {
    for (std::size_t i = 0; i < len; ++i) means[b] += series[b * len + i];
    means[b] /= static_cast<double>(len);
  }
  double mean = 0, var = 0;
  for (double x : means) mean += x / blocks;
  for (double x : means) var += (x - mean) * (x - mean) / (blocks - 1);
  // A constant estimator (both kinetic ones at P = 1) has no spread: compare to round-off.
  const double error = std::max(std::sqrt(var / blocks), 1e-12 * std::abs(exact_value));
  const double t = (mean - exact_value) / error;
  if (std::getenv("SLHMC_TEST_VERBOSE"))
    std::cout << what << ": mean " << mean << " exact " << exact_value << " t " << t << "\n";
  return t;
}

// The largest |t| of the three observables.
double largest_t(const Series& s, int beads) {
  const Exact e = exact(beads);
  return std::max({std::abs(t_value(s.v, e.v, "<V>")), std::abs(t_value(s.k_cv, e.k, "<K_cv>")),
                   std::abs(t_value(s.k_prim, e.k, "<K_prim>"))});
}

constexpr int kTrials = 20000;

}  // namespace

TEST(PathIntegralHmcExactness, ClosedFormsTendToTheQuantumOscillator) {
  // The test's own arithmetic: P = 1 is classical, large P approaches (ħω/2) coth(βħω/2) per mode.
  EXPECT_NEAR(exact(1).v, 1.5 * kAtoms * kt(), 1e-15);
  EXPECT_NEAR(exact(1).k, 1.5 * kAtoms * kt(), 1e-15);
  const double quantum = 3 * kAtoms * 0.5 * units::kHbar * omega() / std::tanh(1.5);
  EXPECT_NEAR(exact(4096).v + exact(4096).k, quantum, 1e-5 * quantum);
  EXPECT_GT(exact(8).v + exact(8).k, 1.5 * (exact(1).v + exact(1).k));  // far from classical at P = 8
}

TEST(PathIntegralHmcExactness, HarmonicWellsMatchTheDiscretizedPathIntegral) {
  for (int beads : {1, 4, 8}) {
    const Series s = run_chain(Variant::correct, beads, seed(21 + beads), kTrials * scale());
    EXPECT_GT(s.acceptance, 0.3) << "P=" << beads;
    EXPECT_LT(s.acceptance, 0.99) << "P=" << beads;  // the wrong surrogate must matter
    EXPECT_LT(largest_t(s, beads), kTCritical) << "P=" << beads;
  }
}

TEST(PathIntegralHmcExactness, PlantedBugPotentialWithoutOneOverPIsCaught) {
  EXPECT_GT(largest_t(run_chain(Variant::potential_without_one_over_p, 8, seed(31), kTrials), 8), kTCritical);
}

TEST(PathIntegralHmcExactness, PlantedBugSpringsPTimesStifferIsCaught) {
  EXPECT_GT(largest_t(run_chain(Variant::springs_p_times_stiffer, 8, seed(32), kTrials), 8), kTCritical);
}

TEST(PathIntegralHmcExactness, PlantedBugMomentaFromTheWrongMassesIsCaught) {
  EXPECT_GT(largest_t(run_chain(Variant::momenta_wrong_masses, 8, seed(33), kTrials), 8), kTCritical);
}
