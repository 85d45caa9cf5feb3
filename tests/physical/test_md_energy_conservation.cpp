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

TEST(MdEnergyConservation, VelocityVerletErrorScalesAsDtSquared) {
  test::ShiftedForceLennardJones lj(0.0104, 3.40, 8.5);
  Frame crystal = build_crystal("fcc", "Ar", 5.26, {3, 3, 3});
  State start = make_state(crystal, lj, 2024);
  draw_maxwell_boltzmann(start, 80, true);  // equipartition brings it to ≈ 40 K
  const double duration = 4000;             // fs
  std::vector<double> log_dt, log_rms;
  for (double dt : {1.0, 2.0, 4.0}) {
    const test::EnergyError err = test::run_nve(start, lj, dt, duration);
    const double k = kinetic_energy(start);
    // Small: the fluctuation is a tiny fraction of the kinetic energy …
    EXPECT_LT(err.rms, 2e-3 * k) << "dt = " << dt;
    // … and it does not grow into a drift: over the run, |drift| is below the fluctuation.
    EXPECT_LT(std::fabs(err.drift_per_ps) * duration / 1000.0, 2 * err.rms) << "dt = " << dt;
    log_dt.push_back(std::log(dt));
    log_rms.push_back(std::log(err.rms));
  }
  const double exponent = test::fitted_exponent(log_dt, log_rms);
  RecordProperty("exponent", std::to_string(exponent));
  EXPECT_NEAR(exponent, 2.0, 0.25);
}

}  // namespace
}  // namespace slhmc
