// Canonical sampling through stochastic velocity rescaling (Bussi, Donadio &
// Parrinello, J. Chem. Phys. 126, 014101 (2007)): the exact rescaling update
// for dt/2, a velocity-Verlet step, and another dt/2 rescaling. Rescaling
// keeps a zero total momentum zero, so the thermostat acts on 3N − 3 dof then.
#include <sstream>

#include "integrator_steps.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/dynamics/integrator.hpp"

namespace slhmc {

namespace {
class Csvr final : public Integrator {
 public:
  Csvr(double dt, double tau, double t) : dt_(dt), tau_(tau), t_(t) {
    if (!(dt > 0) || !std::isfinite(dt)) throw Error("CSVR needs a positive time step (fs)");
    if (!(tau > 0) || !std::isfinite(tau)) throw Error("CSVR needs a positive relaxation time tau (fs)");
    if (!(t >= 0) || !std::isfinite(t)) throw Error("CSVR needs a non-negative temperature (K)");
  }
  void step(State& state, ForceProvider& provider) const override {
    detail::stochastic_rescale(state, 0.5 * dt_, tau_, t_);
    detail::kick(state, 0.5 * dt_);
    detail::drift(state, dt_);
    compute_forces(state, provider);
    detail::kick(state, 0.5 * dt_);
    detail::stochastic_rescale(state, 0.5 * dt_, tau_, t_);
    state.time_fs += dt_;
    ++state.step;
  }
  double time_step() const override { return dt_; }
  bool conserves_momentum() const override { return true; }
  double temperature() const override { return t_; }
  std::string description() const override {
    std::ostringstream s;
    s << "CSVR stochastic velocity rescaling (NVT), dt = " << dt_ << " fs, tau = " << tau_ << " fs, T = " << t_
      << " K";
    return s.str();
  }

 private:
  double dt_, tau_, t_;
};

const IntegratorRegistration reg("csvr", "Bussi stochastic velocity rescaling (NVT)", [](const Config& md) {
  return make_csvr(md.get_double("dt_fs"), md.get_double("tau_fs"), md.get_double("temperature_K"));
});
}  // namespace

std::unique_ptr<Integrator> make_csvr(double dt_fs, double tau_fs, double temperature_K) {
  return std::make_unique<Csvr>(dt_fs, tau_fs, temperature_K);
}

}  // namespace slhmc
