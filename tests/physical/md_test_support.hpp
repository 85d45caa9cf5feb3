// Test-only pieces for the dynamics tests (used by tests/unit and
// tests/physical): an honest shifted-force Lennard-Jones potential written
// directly on the core neighbour list (its forces and virial are checked
// against finite differences in test_dynamics_integrators.cpp), a harmonic
// well, and the one-sample Kolmogorov–Smirnov test.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/dynamics/state.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::test {

// V(r) = 4ε[(σ/r)¹² − (σ/r)⁶] shifted so that energy and force both go to
// zero at the cutoff (V_sf = V − V(rc) − (r − rc)V'(rc)): smooth enough for
// clean Δt² scaling of the velocity-Verlet energy error. ε eV, σ and rc Å.
class ShiftedForceLennardJones final : public ForceProvider {
 public:
  ShiftedForceLennardJones(double epsilon, double sigma, double cutoff)
      : eps_(epsilon), sigma_(sigma), rc_(cutoff), list_({cutoff, 0.6, true}) {
    vc_ = raw(rc_);
    dvc_ = raw_derivative(rc_);
  }
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    list_.update(frame);
    ComputeResult out;
    const std::size_t n = frame.size();
    out.forces.assign(n, Vec3{0, 0, 0});
    if (request.atomic_energies) out.atomic_energies.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      for (const NeighborEntry& e : list_.neighbors(i)) {
        const Vec3 d = frame.positions[e.j] + e.shift - frame.positions[i];
        const double r = norm(d);
        if (r >= rc_) continue;
        const double v = raw(r) - vc_ - (r - rc_) * dvc_;
        const double dv = raw_derivative(r) - dvc_;
        out.energy += v;
        // ∂V/∂r_j = dv·d/r; the force on j is minus that, on i plus that.
        const Vec3 f = (dv / r) * d;
        out.forces[i] += f;
        out.forces[e.j] -= f;
        out.virial += (-dv / r) * outer(d, d);
        if (request.atomic_energies) {
          out.atomic_energies[i] += 0.5 * v;
          out.atomic_energies[e.j] += 0.5 * v;
        }
      }
    }
    out.has_virial = true;
    if (!request.forces) out.forces.clear();
    return out;
  }
  double cutoff() const override { return rc_; }
  std::string description() const override { return "test shifted-force Lennard-Jones"; }

 private:
  double raw(double r) const {
    const double s6 = std::pow(sigma_ / r, 6);
    return 4 * eps_ * (s6 * s6 - s6);
  }
  double raw_derivative(double r) const {
    const double s6 = std::pow(sigma_ / r, 6);
    return 4 * eps_ * (-12 * s6 * s6 + 6 * s6) / r;
  }
  double eps_, sigma_, rc_, vc_ = 0, dvc_ = 0;
  NeighborList list_;
};

// Every atom in its own isotropic well: E = Σ ½ k |r_i − r0_i|², k in eV/Å².
class HarmonicWells final : public ForceProvider {
 public:
  HarmonicWells(std::vector<Vec3> centres, double k) : centres_(std::move(centres)), k_(k) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    ComputeResult out;
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const Vec3 d = frame.positions[i] - centres_[i];
      out.energy += 0.5 * k_ * norm2(d);
      if (request.forces) out.forces.push_back((-k_) * d);
    }
    return out;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "test harmonic wells"; }

 private:
  std::vector<Vec3> centres_;
  double k_;
};

// Total-energy error of an NVE (velocity Verlet) run from `start`.
struct EnergyError {
  double rms;          // eV, RMS of E_tot − ⟨E_tot⟩
  double drift_per_ps; // eV/ps, least-squares slope of E_tot(t)
};

inline EnergyError run_nve(const State& start, ForceProvider& provider, double dt, double duration_fs) {
  State s = start;
  const auto vv = make_velocity_verlet(dt);
  std::vector<double> t, e;
  run_md(s, provider, *vv, std::lround(duration_fs / dt), [&](const State& st) {
    t.push_back(st.time_fs);
    e.push_back(st.potential_energy + kinetic_energy(st));
  });
  const double n = static_cast<double>(e.size());
  double mt = 0, me = 0;
  for (std::size_t i = 0; i < e.size(); ++i) mt += t[i] / n, me += e[i] / n;
  double ste = 0, stt = 0, see = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    ste += (t[i] - mt) * (e[i] - me);
    stt += (t[i] - mt) * (t[i] - mt);
    see += (e[i] - me) * (e[i] - me);
  }
  return {std::sqrt(see / n), ste / stt * 1000.0};
}

// Least-squares slope of y against x: the exponent p of y = C·x^p when given logarithms.
inline double fitted_exponent(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxy / sxx;
}


// Kolmogorov–Smirnov statistic D of `samples` against the continuous CDF.
inline double ks_statistic(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double f = cdf(samples[i]);
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  return d;
}

// Asymptotic p-value of D for n independent samples (Kolmogorov distribution
// with Stephens' small-sample correction of the argument).
inline double ks_p_value(double d, std::size_t n) {
  const double sn = std::sqrt(static_cast<double>(n));
  const double lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.2) return 1.0;
  double sum = 0;
  for (int k = 1; k <= 100; ++k) sum += (k % 2 ? 2.0 : -2.0) * std::exp(-2.0 * k * k * lambda * lambda);
  return std::clamp(sum, 0.0, 1.0);
}

}  // namespace slhmc::test
