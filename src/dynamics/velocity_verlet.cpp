// Velocity Verlet: kick, drift, force, kick. FP64 throughout, no randomness,
// time-reversible and symplectic, so the trial trajectories of HMC can use it.
#include <sstream>

#include "integrator_steps.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/dynamics/integrator.hpp"

namespace slhmc {

namespace {
class VelocityVerlet final : public Integrator {
 public:
  explicit VelocityVerlet(double dt) : dt_(dt) {
    if (!(dt > 0) || !std::isfinite(dt)) throw Error("velocity Verlet needs a positive time step (fs)");
  }
  void step(State& state, ForceProvider& provider) const override {
    detail::kick(state, 0.5 * dt_);
    detail::drift(state, dt_);
    compute_forces(state, provider);
    detail::kick(state, 0.5 * dt_);
    state.time_fs += dt_;
    ++state.step;
  }
  double time_step() const override { return dt_; }
  bool conserves_momentum() const override { return true; }
  double temperature() const override { return 0.0; }
  std::string description() const override {
    std::ostringstream s;
    s << "velocity Verlet (NVE), dt = " << dt_ << " fs";
    return s.str();
  }

 private:
  double dt_;
};

const IntegratorRegistration reg("verlet", "velocity Verlet (NVE)", [](const Config& md) {
  return make_velocity_verlet(md.get_double("dt_fs"));
});
}  // namespace

std::unique_ptr<Integrator> make_velocity_verlet(double dt_fs) { return std::make_unique<VelocityVerlet>(dt_fs); }

}  // namespace slhmc
