// State as a value: Maxwell–Boltzmann momenta, kinetic energy, temperature,
// pressure, and that a saved copy restores a run exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "../physical/md_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/dynamics/state.hpp"

namespace slhmc {
namespace {

// No interactions, but a (zero) virial, so that the pressure is the ideal-gas one.
class FreeParticles final : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    ComputeResult out;
    if (request.forces) out.forces.assign(frame.size(), Vec3{0, 0, 0});
    out.has_virial = true;
    return out;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "free particles"; }
};

// Returns one force too few: the state must refuse it.
class BrokenProvider final : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult out;
    out.forces.assign(frame.size() - 1, Vec3{0, 0, 0});
    return out;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "broken"; }
};

TEST(State, KineticEnergyUnits) {
  // 1 amu at 1 Å/fs = 1e5 m/s: ½·1.6605e-27 kg·1e10 m²/s² = 8.3027e-18 J = 51.82 eV.
  const std::vector<Vec3> p{{1, 0, 0}};
  const std::vector<double> m{1.0};
  EXPECT_NEAR(kinetic_energy(p, m), 51.8213, 1e-3);
  EXPECT_NEAR(kinetic_energy(p, m), 0.5 * units::kMvvToEv, 1e-12);
}

TEST(State, MaxwellBoltzmannMomenta) {
  FreeParticles free;
  Frame frame = build_crystal("fcc", "Ar", 5.26, {6, 6, 6});  // 864 atoms
  // Mixed masses test the per-atom variance m k_B T.
  for (std::size_t i = 0; i < frame.size(); i += 2) frame.masses[i] = 4.0;
  State state = make_state(frame, free, 11);
  const double t = 300;
  draw_maxwell_boltzmann(state, t, true);
  const long n = static_cast<long>(frame.size());
  EXPECT_EQ(state.dof, 3 * n - 3);
  EXPECT_LT(norm(total_momentum(state)), 1e-10);
  // T has relative spread sqrt(2/dof) ≈ 2.8 %.
  EXPECT_NEAR(temperature(state), t, 5 * t * std::sqrt(2.0 / state.dof));
  // Each reduced component p/sqrt(m k_B T) is a standard normal (KS test).
  std::vector<double> z;
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (double p : state.momenta[i])
      z.push_back(p / std::sqrt(frame.masses[i] * units::kBoltzmann * t / units::kMvvToEv));
  const auto normal_cdf = [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); };
  EXPECT_GT(test::ks_p_value(test::ks_statistic(z, normal_cdf), z.size()), 1e-3);
  // Without drift removal all 3N dof count and the total momentum is not zero.
  draw_maxwell_boltzmann(state, t, false);
  EXPECT_EQ(state.dof, 3 * n);
  EXPECT_GT(norm(total_momentum(state)), 1e-6);
  EXPECT_THROW(draw_maxwell_boltzmann(state, -1.0, true), Error);
}

TEST(State, IdealGasPressure) {
  FreeParticles free;
  State state = make_state(build_crystal("sc", "Ar", 4.0, {3, 3, 3}), free, 3);
  draw_maxwell_boltzmann(state, 500, false);
  ASSERT_TRUE(has_pressure(state));
  // P V = N k_B T_kin with T_kin over 3N dof.
  const double v = state.frame.cell.volume();
  const double expected = 27 * units::kBoltzmann * temperature(state) / v * units::kEvPerA3ToGPa;
  EXPECT_NEAR(pressure_gpa(state), expected, 1e-12 * expected);
  // A cluster has no pressure.
  Frame cluster = state.frame;
  cluster.cell = Cell();
  State c = make_state(cluster, free, 3);
  EXPECT_FALSE(has_pressure(c));
  EXPECT_THROW(pressure_gpa(c), Error);
}

TEST(State, CopyRestoresAStochasticRunExactly) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State start = make_state(build_crystal("fcc", "Ar", 5.26, {2, 2, 2}), lj, 5);
  draw_maxwell_boltzmann(start, 60, true);
  const auto integrator = make_csvr(2.0, 50.0, 80.0);
  State a = start;
  for (int i = 0; i < 20; ++i) integrator->step(a, lj);
  State b = start;  // "rejection": back to the saved value, RNG state included
  for (int i = 0; i < 20; ++i) integrator->step(b, lj);
  EXPECT_EQ(a.frame.positions, b.frame.positions);
  EXPECT_EQ(a.momenta, b.momenta);
  EXPECT_EQ(a.rng, b.rng);
  EXPECT_EQ(a.step, 20);
  EXPECT_DOUBLE_EQ(a.time_fs, 40.0);
  EXPECT_NE(a.frame.positions, start.frame.positions);
}

TEST(State, RefusesAProviderWithTheWrongAtomCount) {
  BrokenProvider broken;
  EXPECT_THROW(make_state(build_crystal("sc", "Ar", 4.0, {2, 1, 1}), broken, 1), EngineError);
}

}  // namespace
}  // namespace slhmc
