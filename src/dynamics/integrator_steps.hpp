// The elementary pieces the integrators are made of (private to src/dynamics):
// kicks (momenta from forces), drifts (positions from momenta), and
// the exact Ornstein–Uhlenbeck and stochastic-rescaling momentum updates.
#pragma once

#include "slhmc/dynamics/state.hpp"

namespace slhmc::detail {

// p += h·F (h in fs; F eV/Å → amu·Å/fs²).
void kick(State& state, double h);
// r += h·p/m.
void drift(State& state, double h);
// p ← c·p + sqrt((1 − c²) m k_B T)·ξ with c = exp(−γh); adds the kinetic
// energy removed to state.thermostat_energy.
void ornstein_uhlenbeck(State& state, double h, double friction_per_fs, double temperature_K);
// Bussi–Donadio–Parrinello rescaling over a time h with relaxation time τ
// towards temperature_K on state.dof degrees of freedom; adds the kinetic
// energy removed to state.thermostat_energy.
void stochastic_rescale(State& state, double h, double tau_fs, double temperature_K);

}  // namespace slhmc::detail
