// Integrators: the test potential's derivatives, velocity Verlet against the
// exact harmonic oscillator and under time reversal, momentum conservation,
// thermostat bookkeeping, and selection by name from a config.
#include <gtest/gtest.h>

#include <cmath>

#include "../physical/md_test_support.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/dynamics/gamma_distribution.hpp"
#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/dynamics/thermo_log.hpp"
#include "test_support.hpp"

namespace slhmc {
namespace {

Frame argon_crystal(unsigned seed) {
  Frame f = build_crystal("fcc", "Ar", 5.26, {2, 2, 2});
  Rng rng(seed);
  rattle(f, 0.15, rng);
  return f;
}

TEST(TestLennardJones, ForcesAndVirialMatchFiniteDifferences) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  const Frame f = argon_crystal(1);
  EXPECT_LT(test::max_force_error(lj, f), 1e-8);
  EXPECT_LT(test::max_virial_error(lj, f), 1e-7);
  // The same on an isolated cluster.
  Frame cluster = f;
  cluster.cell = Cell();
  EXPECT_LT(test::max_force_error(lj, cluster), 1e-8);
}

// One atom in a harmonic well: x(t) = x0 cos ωt. Velocity Verlet has a global
// error O(dt²): halving dt divides the error by 4.
double oscillator_error(double dt) {
  const double k = 2.0, x0 = 0.3;  // eV/Å², Å
  Frame f;
  f.add_atom(14, {x0, 0, 0});
  test::HarmonicWells well({{0, 0, 0}}, k);
  State s = make_state(f, well, 1);
  const auto vv = make_velocity_verlet(dt);
  const double omega = std::sqrt(k / units::kMvvToEv / f.masses[0]);  // 1/fs
  const long steps = std::lround(200.0 / dt);
  for (long i = 0; i < steps; ++i) vv->step(s, well);
  return std::fabs(s.frame.positions[0][0] - x0 * std::cos(omega * s.time_fs));
}

TEST(VelocityVerlet, HarmonicOscillatorErrorIsSecondOrder) {
  const double e1 = oscillator_error(1.0), e2 = oscillator_error(0.5);
  EXPECT_LT(e1, 0.02);
  EXPECT_NEAR(e1 / e2, 4.0, 0.3);
}

TEST(VelocityVerlet, TimeReversible) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State s = make_state(argon_crystal(2), lj, 3);
  draw_maxwell_boltzmann(s, 100, true);
  const State start = s;
  const auto vv = make_velocity_verlet(5.0);
  for (int i = 0; i < 200; ++i) vv->step(s, lj);
  double moved = 0;  // the trajectory went somewhere before coming back
  for (std::size_t i = 0; i < s.frame.size(); ++i)
    moved = std::max(moved, norm(s.frame.positions[i] - start.frame.positions[i]));
  EXPECT_GT(moved, 0.3);
  for (Vec3& p : s.momenta) p = -p;
  for (int i = 0; i < 200; ++i) vv->step(s, lj);
  double worst = 0;
  for (std::size_t i = 0; i < s.frame.size(); ++i)
    worst = std::max(worst, norm(s.frame.positions[i] - start.frame.positions[i]));
  EXPECT_LT(worst, 1e-8);
}

TEST(Integrators, MomentumConservation) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State start = make_state(argon_crystal(4), lj, 9);
  draw_maxwell_boltzmann(start, 100, true);
  const double scale = std::sqrt(start.frame.masses[0] * units::kBoltzmann * 100 / units::kMvvToEv);
  std::vector<std::unique_ptr<Integrator>> list;
  list.push_back(make_velocity_verlet(2.0));
  list.push_back(make_csvr(2.0, 20.0, 150.0));
  for (const auto& integrator : list) {
    State s = start;
    for (int i = 0; i < 100; ++i) integrator->step(s, lj);
    EXPECT_TRUE(integrator->conserves_momentum());
    EXPECT_LT(norm(total_momentum(s)), 1e-10 * scale) << integrator->description();
  }
  const auto langevin = make_langevin_baoab(2.0, 0.05, 150.0);
  State s = start;
  for (int i = 0; i < 100; ++i) langevin->step(s, lj);
  EXPECT_FALSE(langevin->conserves_momentum());
  EXPECT_GT(norm(total_momentum(s)), 0.1 * scale);
}

// With a thermostat, total energy + energy taken out by the thermostat is
// conserved up to the integration error, which is much smaller than the
// energy the thermostat moves.
TEST(Integrators, ThermostatBookkeepingConserves) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State start = make_state(argon_crystal(5), lj, 21);
  draw_maxwell_boltzmann(start, 30, true);
  std::vector<std::unique_ptr<Integrator>> list;
  list.push_back(make_csvr(2.0, 20.0, 120.0));
  list.push_back(make_langevin_baoab(2.0, 0.05, 120.0));
  for (const auto& integrator : list) {
    State s = start;
    if (!integrator->conserves_momentum()) set_dof_for(s, false);
    const double c0 = thermo_row(s).conserved_eV;
    double worst = 0;
    for (int i = 0; i < 500; ++i) {
      integrator->step(s, lj);
      worst = std::max(worst, std::fabs(thermo_row(s).conserved_eV - c0));
    }
    EXPECT_GT(std::fabs(s.thermostat_energy), 0.05) << integrator->description();
    EXPECT_LT(worst, 0.02 * std::fabs(s.thermostat_energy)) << integrator->description();
  }
}

// A perfect crystal at rest has no forces and no kinetic energy; CSVR must
// still heat it (the exact update from K = 0 along a random direction).
TEST(Integrators, CsvrHeatsAStateAtRest) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State s = make_state(build_crystal("fcc", "Ar", 5.26, {2, 2, 2}), lj, 12);
  const auto csvr = make_csvr(2.0, 20.0, 100.0);
  csvr->step(s, lj);
  EXPECT_GT(kinetic_energy(s), 0.0);
  double mean_t = 0;
  for (int i = 0; i < 2000; ++i) {
    csvr->step(s, lj);
    if (i >= 1000) mean_t += temperature(s) / 1000;
  }
  EXPECT_NEAR(mean_t, 100.0, 15.0);
  EXPECT_LT(norm(total_momentum(s)), 1e-10);
}

TEST(Integrators, SelectedByNameFromConfig) {
  const Config root = Config::parse(R"([md]
integrator = "langevin"
dt_fs = 1.5
friction_per_fs = 0.01
temperature_K = 300
)", "test.toml");
  const auto integrator = make_integrator(root.section("md"));
  EXPECT_DOUBLE_EQ(integrator->time_step(), 1.5);
  EXPECT_DOUBLE_EQ(integrator->temperature(), 300);
  EXPECT_NE(integrator->description().find("BAOAB"), std::string::npos);
  EXPECT_NO_THROW(root.check_all_used());
  EXPECT_EQ(integrator_names(), (std::vector<std::string>{"csvr", "langevin", "verlet"}));
}

TEST(Integrators, ConfigErrorsNameTheKey) {
  try {
    make_integrator(Config::parse("[md]\nintegrator = \"nose\"\ndt_fs = 1\n", "t.toml").section("md"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "md.integrator");
    EXPECT_NE(std::string(e.what()).find("'csvr'"), std::string::npos);
  }
  // A thermostat setting given to the NVE integrator is an unused key.
  const Config root = Config::parse("[md]\nintegrator = \"verlet\"\ndt_fs = 1\ntau_fs = 100\n", "t.toml");
  make_integrator(root.section("md"));
  try {
    root.check_all_used();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "md.tau_fs");
  }
  EXPECT_THROW(make_integrator(Config::parse("[md]\nintegrator = \"csvr\"\ndt_fs = 1\ntemperature_K = 300\n",
                                             "t.toml").section("md")),
               ConfigError);
  EXPECT_THROW(make_csvr(1.0, 0.0, 300), Error);
  EXPECT_THROW(make_langevin_baoab(1.0, -0.1, 300), Error);
  EXPECT_THROW(make_velocity_verlet(0.0), Error);
}

TEST(RunMd, ObserverSeesEveryStep) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  State s = make_state(argon_crystal(6), lj, 1);
  std::vector<long> seen;
  run_md(s, lj, *make_velocity_verlet(1.0), 5, [&](const State& st) { seen.push_back(st.step); });
  EXPECT_EQ(seen, (std::vector<long>{0, 1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace slhmc

namespace slhmc {
namespace {

// Without forces the thermostat alone acts on the momenta, and both updates
// are exact for any time step: the kinetic energy must follow Gamma(dof/2,
// k_B T) exactly. Few atoms make the distribution skewed, which tests the
// chi-square part of CSVR; a short τ makes successive samples nearly independent.
class NoForces final : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult out;
    out.forces.assign(frame.size(), Vec3{0, 0, 0});
    return out;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "no forces"; }
};

double free_particle_ks_p(const Integrator& integrator, long dof_override) {
  NoForces none;
  Frame f;
  for (int i = 0; i < 4; ++i) f.add_atom(i % 2 ? 18 : 1, {3.0 * i, 0, 0});
  State s = make_state(f, none, 77);
  draw_maxwell_boltzmann(s, 300, true);
  set_dof_for(s, integrator.conserves_momentum());
  const long dof = s.dof;
  if (dof_override > 0) s.dof = dof_override;
  std::vector<double> k;
  for (int i = 0; i < 30000; ++i) {
    integrator.step(s, none);
    if (i % 3 == 0) k.push_back(kinetic_energy(s));
  }
  const double kt = units::kBoltzmann * 300;
  const double d = test::ks_statistic(k, [&](double x) { return gamma_cdf(0.5 * dof, x / kt); });
  const double p = test::ks_p_value(d, k.size());
  ::testing::Test::RecordProperty(integrator.description() + (dof_override ? " (wrong dof)" : ""), std::to_string(p));
  return p;
}

TEST(Integrators, ThermostatsAloneSampleTheExactGammaDistribution) {
  EXPECT_GT(free_particle_ks_p(*make_csvr(1.0, 2.0, 300), 0), 1e-3);
  EXPECT_GT(free_particle_ks_p(*make_langevin_baoab(1.0, 0.5, 300), 0), 1e-3);
  // With 9 true dof, a thermostat that believes in 12 is clearly rejected.
  EXPECT_LT(free_particle_ks_p(*make_csvr(1.0, 2.0, 300), 12), 1e-6);
}

}  // namespace
}  // namespace slhmc
