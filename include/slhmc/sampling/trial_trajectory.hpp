// The trajectory of an HMC trial: the dynamics module's integrator run for a
// fixed number of steps on a frozen surrogate, from a State that asks for no
// virial and treats a diverged trajectory as a proposal to reject, not an error.
//
// Units: positions Å, momenta amu·Å/fs, energies eV, time fs.
#pragma once

#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/dynamics/integrator.hpp"

namespace slhmc::sampling {

// A State for a trial trajectory at `frame` with `momenta` (N×3), without forces yet.
State make_trial_state(const Frame& frame, std::vector<Vec3> momenta);

struct TrajectoryResult {
  double start_potential = 0.0;  // V_sur at the start, eV
  double end_potential = 0.0;    // V_sur at the end, eV
};

// Evaluates the surrogate at the start, then makes n_steps steps of `integrator` (velocity
// Verlet for HMC: time-reversible and volume-preserving in FP64, so the end point is a valid
// proposal for any fixed potential). The surrogate is evaluated n_steps + 1 times; the end
// point's energy may be non-finite (a diverged trajectory).
TrajectoryResult integrate_trajectory(State& state, ForceProvider& surrogate, const Integrator& integrator,
                                      int n_steps);

}  // namespace slhmc::sampling
