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
// −0.01 and standard deviation 0.91, largest |t| 2.6; the planted bugs gave |t| > 20. The
// contracted target (below; seeds 100..119): 120 t values, mean −0.10, standard deviation 0.95,
// largest |t| 2.8; its planted bug (P/P' left out) gave |t| = 33.
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

// Every bead of every atom at its well's centre.
std::vector<Frame> beads_at_centres(int beads) {
  Frame frame;
  for (const Vec3& c : centres()) frame.add_atom(1, c);
  frame.masses.assign(kAtoms, kMass);
  return std::vector<Frame>(static_cast<std::size_t>(beads), frame);
}

PathIntegralHmcOptions test_options(int beads, int contracted) {
  PathIntegralHmcOptions o;
  o.beads = beads;
  o.contracted_beads = contracted;
  o.temperature_K = kT;
  o.n_md = 8;
  o.dt_fs = 1.5;
  return o;
}

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

// Runs `trial` (taking the chain's random stream) for a burn-in of trials/20 and then `trials`
// times, handing each state after the burn-in to `observe`; returns the acceptance.
template <class Trial, class Observe>
double sample(const RingPolymerChain& chain, std::uint64_t chain_seed, int trials, Trial trial, Observe observe) {
  Rng rng(chain_seed);
  const int burn_in = trials / 20;
  for (int n = 0; n < burn_in + trials; ++n) {
    trial(rng);
    if (n >= burn_in) observe();
  }
  return static_cast<double>(chain.accepted) / static_cast<double>(chain.trials);
}

Series run_chain(Variant variant, int beads, std::uint64_t chain_seed, int trials) {
  test::HarmonicWells reference(centres(), stiffness());
  WrongWells surrogate;
  RingPolymerChain chain = make_ring_polymer_chain(beads_at_centres(beads), reference);
  const PathIntegralHmcOptions o = test_options(beads, 0);
  const RingPolymerModes modes(beads);
  const double omega_p = ring_polymer_frequency(beads, kT);
  Series s;
  s.acceptance = sample(
      chain, chain_seed, trials,
      [&](Rng& rng) {
        if (variant == Variant::correct) path_integral_hmc_trial(chain, surrogate, reference, o, modes, rng);
        else buggy_trial(variant, chain, surrogate, reference, o, modes, rng);
      },
      [&] {
        const BeadVectors q = chain.positions();
        s.v.push_back(chain.reference_energy() / beads);
        s.k_cv.push_back(centroid_virial_kinetic_energy(q, chain.reference_forces(), kT));
        s.k_prim.push_back(primitive_kinetic_energy(kAtoms, beads, kT, spring_energy(q, chain.beads.front().masses, omega_p)));
      });
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

// ---- the contracted target ------------------------------------------------------------------
//
// U(q) = Σ_k V_sur(q_k) + (P/P') Σ_k' [V_ref − V_sur](q̃_k') with harmonic wells for both (the
// surrogate 25 % too stiff): every normal mode j of the P beads stays an independent Gaussian of
// stiffness k_j = k_sur + g_j (k_ref − k_sur), where g_j = (P/P') Σ_k' ((T C)_k'j)² is 1 for the
// modes the contraction keeps, 0 for the others (2 for the cosine behind an even P''s
// alternating mode). Closed forms per dimension: ⟨ũ_j²⟩ = 1/(β_P (m ω_j² + k_j)).

namespace {

Exact exact_contracted(int beads, int contracted) {
  const RingPolymerModes modes(beads);
  const RingPolymerContraction t(beads, contracted);
  const double wp = ring_polymer_frequency(beads, kT), beta_p = 1.0 / (beads * kt());
  const double k_ref = stiffness(), k_sur = 1.25 * stiffness();
  double u2 = 0, spring = 0;
  for (int j = 0; j < beads; ++j) {
    double g = 0;
    for (int kr = 0; kr < contracted; ++kr) {
      double tc = 0;
      for (int k = 0; k < beads; ++k) tc += t.weight(kr, k) * modes.coefficient(k, j);
      g += tc * tc;
    }
    g *= static_cast<double>(beads) / contracted;
    const double mw2 = kMass * std::pow(wp * modes.frequency_factor(j), 2) * units::kMvvToEv;  // eV/Å²
    const double mean_u2 = 1.0 / (beta_p * (mw2 + k_sur + g * (k_ref - k_sur)));
    u2 += mean_u2;
    spring += 0.5 * mw2 * mean_u2;
  }
  const double dims = 3.0 * kAtoms;
  return {dims * 0.5 * k_ref * u2 / beads, dims * (beads * 0.5 * kt() * beads) / beads - dims * spring / beads};
}

// The contracted trial with the factor P/P' on the correction left out (a planted bug), built
// from the same parts as the real one.
void contracted_trial_without_factor(RingPolymerChain& chain, ForceProvider& surrogate, ForceProvider& reference,
                                     const PathIntegralHmcOptions& o, const RingPolymerModes& modes, Rng& rng) {
  const std::vector<double>& m = chain.beads.front().masses;
  const double omega_p = ring_polymer_frequency(o.beads, o.temperature_K);
  const double beta_p = 1.0 / (o.beads * units::kBoltzmann * o.temperature_K);
  const RingPolymerContraction contraction(o.beads, o.contracted_beads);
  const double dt = draw_time_step(o, rng);
  BeadVectors p0 = draw_bead_momenta(m, o.beads, o.temperature_K, rng);
  const double k0 = bead_kinetic_energy(p0, m), s0 = spring_energy(chain.positions(), m, omega_p);
  RingPolymerTrajectory t = ring_polymer_trajectory(chain.beads, std::move(p0), surrogate, omega_p, dt, o.n_md, modes);
  std::vector<Frame> proposal = chain.beads;
  for (std::size_t k = 0; k < proposal.size(); ++k) proposal[k].positions = t.positions[k];
  auto sum = [](const std::vector<Frame>& frames, ForceProvider& p, std::vector<ComputeResult>* keep) {
    double e = 0;
    for (const auto& f : frames) {
      ComputeResult r = p.compute(f, ComputeRequest{});
      e += r.energy;
      if (keep) keep->push_back(std::move(r));
    }
    return e;
  };
  std::vector<ComputeResult> ref;
  const std::vector<Frame> old_c = contracted_frames(chain.beads, contraction), new_c = contracted_frames(proposal, contraction);
  const double correction = (sum(new_c, reference, &ref) - sum(new_c, surrogate, nullptr)) -
                            (chain.reference_energy() - sum(old_c, surrogate, nullptr));
  const double dh = bead_kinetic_energy(t.momenta, m) - k0 + spring_energy(t.positions, m, omega_p) - s0 +
                    (t.surrogate_end - t.surrogate_start) + correction;
  ++chain.trials;
  if (metropolis_accept(-beta_p * dh, rng)) {
    chain.beads = std::move(proposal);
    chain.reference = std::move(ref);
    ++chain.accepted;
  }
}

Series run_contracted(int beads, int contracted, bool planted_bug, std::uint64_t chain_seed, int trials) {
  test::HarmonicWells reference(centres(), stiffness()), surrogate(centres(), 1.25 * stiffness());
  RingPolymerChain chain = make_ring_polymer_chain(beads_at_centres(beads), reference, contracted);
  const PathIntegralHmcOptions o = test_options(beads, contracted);
  const RingPolymerModes modes(beads);
  const double omega_p = ring_polymer_frequency(beads, kT);
  Series s;
  s.acceptance = sample(
      chain, chain_seed, trials,
      [&](Rng& rng) {
        if (planted_bug) contracted_trial_without_factor(chain, surrogate, reference, o, modes, rng);
        else path_integral_hmc_trial(chain, surrogate, reference, o, modes, rng);
      },
      [&] {
        // The reference holds only the contracted beads: ⟨V⟩ over all beads from the positions.
        const BeadVectors q = chain.positions();
        double v = 0;
        for (const auto& bead : q)
          for (std::size_t i = 0; i < bead.size(); ++i) v += 0.5 * stiffness() * norm2(bead[i] - centres()[i]);
        s.v.push_back(v / beads);
        s.k_prim.push_back(primitive_kinetic_energy(kAtoms, beads, kT, spring_energy(q, chain.beads.front().masses, omega_p)));
      });
  return s;
}

double largest_t_contracted(const Series& s, int beads, int contracted) {
  const Exact e = exact_contracted(beads, contracted);
  return std::max(std::abs(t_value(s.v, e.v, "<V> (all beads)")), std::abs(t_value(s.k_prim, e.k, "<K_prim>")));
}

}  // namespace

TEST(PathIntegralHmcExactness, ContractedClosedFormsSpanCentroidToFull) {
  // P' = P is the full target, and so is any P' when the surrogate is the reference.
  EXPECT_NEAR(exact_contracted(8, 8).v, exact(8).v, 1e-14);
  EXPECT_NEAR(exact_contracted(8, 8).k, exact(8).k, 1e-14);
  // Fewer reference beads: more of the path is the surrogate's (too stiff): ⟨V⟩ falls.
  EXPECT_LT(exact_contracted(8, 1).v, exact_contracted(8, 4).v);
  EXPECT_LT(exact_contracted(8, 4).v, exact(8).v);
}

TEST(PathIntegralHmcExactness, ContractedTargetMatchesItsClosedForm) {
  for (int contracted : {1, 3, 4}) {
    const Series s = run_contracted(8, contracted, false, seed(41 + contracted), kTrials * scale());
    EXPECT_GT(s.acceptance, 0.3) << "P'=" << contracted;
    EXPECT_LT(largest_t_contracted(s, 8, contracted), kTCritical) << "P'=" << contracted;
  }
}

TEST(PathIntegralHmcExactness, PlantedBugContractionWithoutPOverPPrimeIsCaught) {
  EXPECT_GT(largest_t_contracted(run_contracted(8, 2, true, seed(51), kTrials), 8, 2), kTCritical);
}
