// HMC trial trajectories on the dynamics module's integrators.
#include "slhmc/sampling/trial_trajectory.hpp"

namespace slhmc::sampling {

State make_trial_state(const Frame& frame, std::vector<Vec3> momenta) {
  State s;
  s.frame = frame;
  s.momenta = std::move(momenta);
  s.want_virial = false;
  s.require_finite_energy = false;
  return s;
}

TrajectoryResult integrate_trajectory(State& state, ForceProvider& surrogate, const Integrator& integrator,
                                      int n_steps) {
  TrajectoryResult result;
  compute_forces(state, surrogate);
  result.start_potential = state.potential_energy;
  for (int step = 0; step < n_steps; ++step) integrator.step(state, surrogate);
  result.end_potential = state.potential_energy;
  return result;
}

}  // namespace slhmc::sampling
