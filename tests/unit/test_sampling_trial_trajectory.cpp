// The HMC trial trajectory (the dynamics module's velocity Verlet on a frozen
// surrogate, as HmcMove runs it): reversible to round-off under a momentum
// flip, energy error ∝ Δt², no virial asked for, and a diverged trajectory is
// reported rather than thrown.
#include <gtest/gtest.h>

#include <cmath>

#include "../physical/md_test_support.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/sampling/trial_trajectory.hpp"
#include "test_potentials.hpp"

namespace slhmc::sampling {
namespace {

Frame argon(unsigned seed) {
  Frame f = build_crystal("fcc", "Ar", 5.26, {2, 2, 2});
  Rng rng(seed);
  rattle(f, 0.15, rng);
  return f;
}

State start_state(const Frame& frame, std::uint64_t seed) {
  State s = make_trial_state(frame, {});
  Rng rng(seed);
  draw_maxwell_boltzmann(s, 300.0, /*remove_drift=*/false, rng);
  return s;
}

TEST(TrialTrajectory, ReversibleToRoundOffUnderAMomentumFlip) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  const auto verlet = make_velocity_verlet(2.0);
  const State start = start_state(argon(3), 11);
  State s = start;
  integrate_trajectory(s, lj, *verlet, 40);
  double moved = 0;
  for (std::size_t i = 0; i < s.frame.size(); ++i) moved = std::max(moved, norm(s.frame.positions[i] - start.frame.positions[i]));
  ASSERT_GT(moved, 0.05) << "the trajectory must go somewhere";
  for (auto& p : s.momenta) p = -p;
  integrate_trajectory(s, lj, *verlet, 40);
  for (std::size_t i = 0; i < s.frame.size(); ++i) {
    EXPECT_LT(norm(s.frame.positions[i] - start.frame.positions[i]), 1e-10) << "atom " << i;
    EXPECT_LT(norm(s.momenta[i] + start.momenta[i]), 1e-10 * (1 + norm(start.momenta[i]))) << "atom " << i;
  }
}

// |ΔH| along a trajectory of fixed length 40 fs, averaged over momentum draws.
double mean_energy_error(double dt) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  const auto verlet = make_velocity_verlet(dt);
  const Frame frame = argon(5);
  double sum = 0;
  const int draws = 8;
  for (int k = 0; k < draws; ++k) {
    State s = start_state(frame, 100 + k);
    const double k0 = kinetic_energy(s);
    const TrajectoryResult r = integrate_trajectory(s, lj, *verlet, static_cast<int>(std::lround(40.0 / dt)));
    sum += std::fabs(kinetic_energy(s) - k0 + r.end_potential - r.start_potential);
  }
  return sum / draws;
}

TEST(TrialTrajectory, EnergyErrorScalesAsTimeStepSquared) {
  const double coarse = mean_energy_error(4.0), fine = mean_energy_error(2.0), finer = mean_energy_error(1.0);
  EXPECT_GT(coarse, 0.0);
  EXPECT_NEAR(coarse / fine, 4.0, 1.2);
  EXPECT_NEAR(fine / finer, 4.0, 1.2);
}

// Passes through to another provider and remembers whether a virial was asked for.
class RecordingProvider final : public ForceProvider {
 public:
  explicit RecordingProvider(ForceProvider& inner) : inner_(inner) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    virial_asked = virial_asked || request.virial;
    ++calls;
    return inner_.compute(frame, request);
  }
  double cutoff() const override { return inner_.cutoff(); }
  std::string description() const override { return inner_.description(); }
  bool virial_asked = false;
  int calls = 0;

 private:
  ForceProvider& inner_;
};

TEST(TrialTrajectory, AsksForNoVirialAndEvaluatesTheSurrogateOncePerStepPlusOne) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.0);
  RecordingProvider recording(lj);
  State s = start_state(argon(7), 1);
  integrate_trajectory(s, recording, *make_velocity_verlet(1.0), 5);
  EXPECT_FALSE(recording.virial_asked);
  EXPECT_EQ(recording.calls, 6);
}

TEST(TrialTrajectory, ReportsADivergedTrajectoryInsteadOfThrowing) {
  test::ExternalDoubleWell well(0.05, 1.0, 0.5);
  Frame frame;
  for (int i = 0; i < 3; ++i) {
    frame.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.1 * i, -0.05 * i});
    frame.masses.back() = 1.0;
  }
  State s = start_state(frame, 2);
  TrajectoryResult r;
  EXPECT_NO_THROW(r = integrate_trajectory(s, well, *make_velocity_verlet(1e6), 6));
  EXPECT_FALSE(std::isfinite(r.end_potential) && std::isfinite(kinetic_energy(s)));
}

}  // namespace
}  // namespace slhmc::sampling
