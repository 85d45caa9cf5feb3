// The NVT thermostats sample the canonical kinetic-energy distribution:
// K ~ Gamma(shape N_f/2, scale k_B T), N_f = 3N − 3 for CSVR (total
// momentum stays zero) and 3N for Langevin (the noise thermalises it).
// 32-atom Lennard-Jones argon at 60 K; kinetic energies sampled every 60
// steps (120 fs, longer than the correlation time) after 10 ps of
// equilibration; one-sample Kolmogorov–Smirnov test with a fixed seed.
// The same check run on deliberately broken samplers (CSVR told the wrong
// number of degrees of freedom; BAOAB with a wrong noise amplitude) must
// reject them, which shows that the test can fail.
#include <gtest/gtest.h>

#include <cmath>

#include "dynamics/integrator_steps.hpp"
#include "md_test_support.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/dynamics/gamma_distribution.hpp"
#include "slhmc/dynamics/integrator.hpp"

namespace slhmc {
namespace {

constexpr double kT = 60.0;  // K
constexpr double kDt = 2.0;      // fs
constexpr int kSamples = 2000;
constexpr int kStride = 60;  // steps between samples (120 fs)
constexpr int kEquilibrate = 5000;

// BAOAB with a planted bug: O-step noise variance (1 − c) instead of (1 − c²).
class BrokenBaoab final : public Integrator {
 public:
  void step(State& s, ForceProvider& provider) const override {
    detail::kick(s, 0.5 * kDt);
    detail::drift(s, 0.5 * kDt);
    const double c = std::exp(-kGamma * kDt);
    for (std::size_t i = 0; i < s.momenta.size(); ++i) {
      const double sd = std::sqrt((1 - c) * s.frame.masses[i] * units::kBoltzmann * kT / units::kMvvToEv);
      for (double& p : s.momenta[i]) p = c * p + sd * s.rng.normal();
    }
    detail::drift(s, 0.5 * kDt);
    compute_forces(s, provider);
    detail::kick(s, 0.5 * kDt);
    s.time_fs += kDt;
    ++s.step;
  }
  double time_step() const override { return kDt; }
  bool conserves_momentum() const override { return false; }
  double temperature() const override { return kT; }
  std::string description() const override { return "BAOAB with a wrong noise amplitude"; }
  static constexpr double kGamma = 0.02;
};

State argon(std::uint64_t seed, ForceProvider& lj) {
  State s = make_state(build_crystal("fcc", "Ar", 5.30, {2, 2, 2}), lj, seed);
  draw_maxwell_boltzmann(s, kT, true);
  return s;
}

// Kinetic energies (eV) along an equilibrated run; `dof_override` > 0 plants a wrong dof.
std::vector<double> sample_kinetic(State s, ForceProvider& lj, const Integrator& integrator, long dof_override = 0) {
  set_dof_for(s, integrator.conserves_momentum());
  if (dof_override > 0) s.dof = dof_override;
  for (int i = 0; i < kEquilibrate; ++i) integrator.step(s, lj);
  std::vector<double> k;
  for (int n = 0; n < kSamples; ++n) {
    for (int i = 0; i < kStride; ++i) integrator.step(s, lj);
    k.push_back(kinetic_energy(s));
  }
  return k;
}

// p-value of the KS test of the samples against Gamma(dof/2, k_B T).
double canonical_p_value(const std::vector<double>& k, long dof, const std::string& name) {
  const double kt = units::kBoltzmann * kT;
  const double d = test::ks_statistic(k, [&](double x) { return gamma_cdf(0.5 * dof, x / kt); });
  const double p = test::ks_p_value(d, k.size());
  ::testing::Test::RecordProperty(name, std::to_string(p));
  return p;
}

double mean_temperature(const std::vector<double>& k, long dof) {
  double sum = 0;
  for (double x : k) sum += x;
  return 2 * sum / k.size() / (dof * units::kBoltzmann);
}

TEST(MdCanonical, CsvrKineticEnergyIsGammaDistributed) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 6.5);
  const State start = argon(17, lj);
  const long dof = 3 * 32 - 3;
  const auto csvr = make_csvr(kDt, 50.0, kT);
  const std::vector<double> k = sample_kinetic(start, lj, *csvr);
  EXPECT_NEAR(mean_temperature(k, dof), kT, 0.02 * kT);
  EXPECT_GT(canonical_p_value(k, dof, "p_value"), 0.01);
  // Planted bug: the thermostat counts 3N dof although the momentum is fixed at zero.
  const std::vector<double> wrong = sample_kinetic(start, lj, *csvr, 3 * 32);
  EXPECT_LT(canonical_p_value(wrong, dof, "p_value_planted_bug"), 1e-4);
}

TEST(MdCanonical, LangevinKineticEnergyIsGammaDistributed) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 6.5);
  const State start = argon(23, lj);
  const long dof = 3 * 32;
  const std::vector<double> k = sample_kinetic(start, lj, *make_langevin_baoab(kDt, BrokenBaoab::kGamma, kT));
  EXPECT_NEAR(mean_temperature(k, dof), kT, 0.02 * kT);
  EXPECT_GT(canonical_p_value(k, dof, "p_value"), 0.01);
  // Planted bug: wrong fluctuation–dissipation balance in the O step.
  const std::vector<double> wrong = sample_kinetic(start, lj, BrokenBaoab());
  EXPECT_LT(canonical_p_value(wrong, dof, "p_value_planted_bug"), 1e-4);
}

}  // namespace
}  // namespace slhmc
