// The dynamical state as a value (DESIGN §4): frame, momenta, forces and
// energies at the current positions, time, thermostat bookkeeping and the
// random-number stream. An integrator step maps State → State; a caller that
// wants to undo a step (HMC rejection) keeps a copy and assigns it back.
// Also here: Maxwell–Boltzmann momenta and the observables derived from a
// state (kinetic energy, temperature, pressure).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc {

struct State {
  Frame frame;                  // positions Å, masses amu, cell
  std::vector<Vec3> momenta;    // N×3, amu·Å/fs
  std::vector<Vec3> forces;     // N×3, eV/Å, at frame.positions
  double potential_energy = 0;  // eV, at frame.positions
  Mat3 virial{};                // W = −∂E/∂ε, eV (valid if has_virial)
  bool has_virial = false;
  double time_fs = 0;
  long step = 0;
  // Kinetic degrees of freedom: 3N, or 3N − 3 when the total momentum is zero
  // and the integrator keeps it so. Temperatures and the CSVR target use it.
  long dof = 0;
  // Energy the thermostat has taken out of the system so far (eV); the sum
  // E_pot + E_kin + thermostat_energy is conserved up to integration error.
  double thermostat_energy = 0;
  Rng rng;
  // What compute_forces asks for: the virial (only for a fully periodic cell), and whether a
  // non-finite energy is an error. An HMC trial trajectory needs no virial, and a diverged trial
  // is a rejected proposal rather than an error, so it clears both.
  bool want_virial = true;
  bool require_finite_energy = true;
};

// Computes energy, forces and (for a cell periodic in all three directions, if
// state.want_virial) the virial at state.frame and stores them in the state.
// Throws EngineError for a wrong number of forces, and for a non-finite energy
// if state.require_finite_energy.
void compute_forces(State& state, ForceProvider& provider);

// A state at rest at `frame` with forces evaluated: momenta zero, dof = 3N − 3
// (the momentum-conserving default; see set_dof_for), rng seeded from `seed`.
State make_state(Frame frame, ForceProvider& provider, std::uint64_t seed);

// Draws momenta from the Maxwell–Boltzmann distribution at temperature_K
// (p_i,α ~ N(0, m_i k_B T)) using state.rng. With remove_drift the total
// momentum is then projected out (p_i −= m_i P/M), which leaves an exact
// canonical distribution on the 3N − 3 remaining degrees of freedom; the
// state's dof is set to 3N − 3, otherwise to 3N.
void draw_maxwell_boltzmann(State& state, double temperature_K, bool remove_drift);
// The same draw from another stream `rng` (an HMC move draws from its chain's stream).
void draw_maxwell_boltzmann(State& state, double temperature_K, bool remove_drift, Rng& rng);

// Generalized-HMC partial refresh p ← c·p + √(1−c²)·ξ with ξ Maxwell–Boltzmann at
// temperature_K, c in [0, 1), from `rng`. Momenta of the wrong size (none yet) are drawn afresh
// (draw_maxwell_boltzmann without drift removal). Leaves the canonical distribution invariant.
void refresh_maxwell_boltzmann(State& state, double temperature_K, double c, Rng& rng);

// Sets state.dof for an integrator that does or does not conserve the total
// momentum: 3N − 3 if it does and the total momentum is (numerically) zero, else 3N.
void set_dof_for(State& state, bool integrator_conserves_momentum);

// Σ p²/(2m), eV.
double kinetic_energy(std::span<const Vec3> momenta, std::span<const double> masses);
double kinetic_energy(const State& state);
// 2K/(dof·k_B), K; 0 when dof is 0.
double temperature(const State& state);
// Total momentum Σ p, amu·Å/fs.
Vec3 total_momentum(const State& state);
// Instantaneous pressure P = (2K + tr W)/(3V) in GPa. Needs a cell periodic
// in all directions and a virial; throws Error otherwise.
double pressure_gpa(const State& state);
// True when pressure_gpa can be evaluated.
bool has_pressure(const State& state);

}  // namespace slhmc
