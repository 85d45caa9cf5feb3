// Velocity Verlet conserves energy with an error that scales as Δt²:
// a 108-atom Lennard-Jones argon crystal at 40 K, started from the same
// state and run for the same 4 ps with Δt = 1, 2 and 4 fs. The RMS
// fluctuation of the total energy is fitted to C·Δt^p; p must be 2 ± 0.25,
// and the drift (slope of E_tot(t)) must stay far below the fluctuation.
#include <gtest/gtest.h>

#include <cmath>

#include "md_test_support.hpp"
#include "slhmc/core/lattice_builder.hpp"
#include "slhmc/dynamics/integrator.hpp"

namespace slhmc {
namespace {

struct EnergyError {
  double rms;          // eV, RMS of E_tot − ⟨E_tot⟩
  double drift_per_ps; // eV/ps, least-squares slope of E_tot(t)
};

EnergyError run_nve(const State& start, ForceProvider& provider, double dt, double duration_fs) {
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

TEST(MdEnergyConservation, VelocityVerletErrorScalesAsDtSquared) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.5);
  Frame crystal = build_crystal("fcc", "Ar", 5.26, {3, 3, 3});
  State start = make_state(crystal, lj, 2024);
  draw_maxwell_boltzmann(start, 80, true);  // equipartition brings it to ≈ 40 K
  const double duration = 4000;             // fs
  std::vector<double> log_dt, log_rms;
  for (double dt : {1.0, 2.0, 4.0}) {
    const EnergyError err = run_nve(start, lj, dt, duration);
    const double k = kinetic_energy(start);
    // Small: the fluctuation is a tiny fraction of the kinetic energy …
    EXPECT_LT(err.rms, 2e-3 * k) << "dt = " << dt;
    // … and it does not grow into a drift: over the run, |drift| is below the fluctuation.
    EXPECT_LT(std::fabs(err.drift_per_ps) * duration / 1000.0, 2 * err.rms) << "dt = " << dt;
    log_dt.push_back(std::log(dt));
    log_rms.push_back(std::log(err.rms));
  }
  double mx = 0, my = 0;
  for (std::size_t i = 0; i < 3; ++i) mx += log_dt[i] / 3, my += log_rms[i] / 3;
  double sxy = 0, sxx = 0;
  for (std::size_t i = 0; i < 3; ++i) sxy += (log_dt[i] - mx) * (log_rms[i] - my), sxx += std::pow(log_dt[i] - mx, 2);
  const double exponent = sxy / sxx;
  RecordProperty("exponent", std::to_string(exponent));
  EXPECT_NEAR(exponent, 2.0, 0.25);
}

}  // namespace
}  // namespace slhmc
