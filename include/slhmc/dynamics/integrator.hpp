// Integrators advance a State by one time step. They are selected by name
// from the [md] table of a config (`integrator = "verlet" | "langevin" |
// "csvr"`); each registers itself in its own source file, like force
// providers, and reads only its own keys (so check_all_used() flags a
// friction given to the NVE integrator, say).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/dynamics/state.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {

class Integrator {
 public:
  virtual ~Integrator() = default;
  // One step of length time_step(). Requires state.forces etc. to be current
  // for state.frame (make_state / compute_forces); leaves them current.
  // Increments state.step and state.time_fs.
  virtual void step(State& state, ForceProvider& provider) const = 0;
  virtual double time_step() const = 0;  // fs
  // Whether the total momentum is an invariant (then the kinetic energy has 3N − 3 dof).
  virtual bool conserves_momentum() const = 0;
  // Target temperature in K, or 0 for NVE.
  virtual double temperature() const = 0;
  // One line for logs and provenance.
  virtual std::string description() const = 0;
};

// Velocity Verlet (NVE): deterministic and time-reversible. dt in fs.
std::unique_ptr<Integrator> make_velocity_verlet(double dt_fs);
// BAOAB Langevin (Leimkuhler & Matthews 2013). dt fs, friction γ 1/fs, T K.
std::unique_ptr<Integrator> make_langevin_baoab(double dt_fs, double friction_per_fs, double temperature_K);
// Stochastic velocity rescaling (Bussi, Donadio & Parrinello 2007) for dt/2
// before and after a velocity-Verlet step. dt fs, relaxation time τ fs, T K.
std::unique_ptr<Integrator> make_csvr(double dt_fs, double tau_fs, double temperature_K);

using IntegratorFactory = std::function<std::unique_ptr<Integrator>(const Config& md_section)>;
struct IntegratorRegistration {
  IntegratorRegistration(const std::string& name, const std::string& summary, IntegratorFactory factory);
};
// Names of the registered integrators, sorted.
std::vector<std::string> integrator_names();
// Builds the integrator named by md_section's "integrator" key (errors list the
// known names) from the keys it needs: dt_fs, and temperature_K with
// friction_per_fs (langevin) or tau_fs (csvr).
std::unique_ptr<Integrator> make_integrator(const Config& md_section);

// Applies one step per call for `steps` steps, calling observer(state) once
// before the first step and after every step (for output and progress).
void run_md(State& state, ForceProvider& provider, const Integrator& integrator, long steps,
            const std::function<void(const State&)>& observer);

}  // namespace slhmc
