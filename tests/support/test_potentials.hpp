// Small analytic potentials for tests whose exact statistics are known. They are
// real ForceProviders (tests check their forces by finite differences), used
// where the point of a test is the sampler, not the potential.
#pragma once

#include "slhmc/forces/force_provider.hpp"

namespace slhmc::test {

// V = Σ_i a·((x_i/ℓ)² − 1)² + ½k(y_i² + z_i²): a double well along x, harmonic along y and z.
class ExternalDoubleWell : public ForceProvider {
 public:
  ExternalDoubleWell(double a, double l, double k) : a_(a), l_(l), k_(k) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult r;
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const Vec3& p = frame.positions[i];
      const double u = (p[0] / l_) * (p[0] / l_) - 1.0;
      r.energy += a_ * u * u + 0.5 * k_ * (p[1] * p[1] + p[2] * p[2]);
      r.forces[i] = {-a_ * 2.0 * u * 2.0 * p[0] / (l_ * l_), -k_ * p[1], -k_ * p[2]};
    }
    return r;
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override { return "external double well (test)"; }
  double potential_x(double x) const {
    const double u = (x / l_) * (x / l_) - 1.0;
    return a_ * u * u;
  }

 private:
  double a_, l_, k_;
};

// Zero energy, forces and virial: an ideal gas.
class IdealGas : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult r;
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    r.has_virial = true;
    return r;
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override { return "ideal gas (test)"; }
};

}  // namespace slhmc::test
