// Exactness of the SLHMC moves, shown statistically (specs/slhmc.md, DESIGN §5).
//
// NVT: independent particles in an external potential, double well along x and
// harmonic along y, z, so the exact marginals are known. The surrogate that
// drives the trajectories is deliberately wrong (other barrier, width and
// stiffness); the sampled marginals must still be the reference's. The same
// Kolmogorov–Smirnov check applied to deliberately broken samplers (no kinetic
// term in ΔH, momenta redrawn only after rejections, acceptance on the
// surrogate) must fail — this shows the test has the power to catch them.
//
// NPT: an ideal gas (V_ref = 0) sampled by volume moves has p(V) ∝ V^N e^{−βPV},
// i.e. V ~ Gamma(N+1, βP); a Jacobian of N instead of N+1 must be caught.
//
// Fixed seeds make the tests deterministic. SLHMC_LONG_TESTS=1 runs 10× longer chains.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/hmc_move.hpp"
#include "slhmc/sampling/metropolis.hpp"
#include "slhmc/sampling/trial_trajectory.hpp"
#include "slhmc/sampling/volume_move.hpp"
#include "test_potentials.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::sampling;

namespace {

using test::ExternalDoubleWell;
using test::IdealGas;

int scale() { return std::getenv("SLHMC_LONG_TESTS") ? 10 : 1; }

double thermal_energy(double temperature_K) { return units::kBoltzmann * temperature_K; }

constexpr double kTemperature = 348.0;
// Chain length and thinning: barrier crossings make samples correlated over tens of trials,
// which inflates KS statistics. Measured over 8 seeds with these values: the correct sampler
// gives sqrt(n)·D ≤ 1.4, the subtlest planted bug (refresh only after rejection) ≥ 3.4.
constexpr int kTrials = 500000;
constexpr int kThin = 50;  // kT ≈ 0.030 eV: barrier 0.05 eV is crossed often

// sqrt(n)·D of the one-sample Kolmogorov–Smirnov test against `cdf`.
double ks_statistic(std::vector<double> samples, const std::function<double(double)>& cdf) {
  std::sort(samples.begin(), samples.end());
  const double n = static_cast<double>(samples.size());
  double d = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double f = cdf(samples[i]);
    d = std::max({d, std::fabs(f - i / n), std::fabs((i + 1) / n - f)});
  }
  return d * std::sqrt(n);
}
// sqrt(n)·D above 1.95 rejects at the 0.1 % level.
constexpr double kKsCritical = 1.95;

// CDF of p(x) ∝ exp(−V(x)/kT) by trapezoidal integration on a fine grid.
std::function<double(double)> boltzmann_cdf(std::function<double(double)> v, double kT, double lo, double hi) {
  const int n = 40001;
  auto grid = std::make_shared<std::vector<double>>(n);
  const double h = (hi - lo) / (n - 1);
  double acc = 0, prev = std::exp(-v(lo) / kT);
  (*grid)[0] = 0;
  for (int i = 1; i < n; ++i) {
    const double cur = std::exp(-v(lo + i * h) / kT);
    acc += 0.5 * (prev + cur) * h;
    (*grid)[i] = acc;
    prev = cur;
  }
  for (auto& g : *grid) g /= acc;
  return [grid, lo, h, n](double x) {
    const double t = (x - lo) / h;
    if (t <= 0) return 0.0;
    if (t >= n - 1) return 1.0;
    const int i = static_cast<int>(t);
    return (*grid)[i] + (t - i) * ((*grid)[i + 1] - (*grid)[i]);
  };
}

double normal_cdf(double x, double sigma) { return 0.5 * std::erfc(-x / (sigma * std::sqrt(2.0))); }

// One trial of a deliberately broken sampler built from the same blocks.
enum class Bug { none, no_kinetic_term, refresh_only_after_rejection, surrogate_acceptance };

struct Chain {
  ChainState state;
  std::vector<Vec3> carried;  // momenta carried by the "refresh only after rejection" bug
};

void buggy_trial(Chain& c, Bug bug, ForceProvider& sur, ForceProvider& ref, int n_md, const Integrator& verlet) {
  const double kT = thermal_energy(kTemperature);
  State x = make_trial_state(c.state.frame, {});
  if (bug == Bug::refresh_only_after_rejection && !c.carried.empty()) x.momenta = c.carried;
  else draw_maxwell_boltzmann(x, kTemperature, /*remove_drift=*/false, c.state.rng);
  const double k0 = kinetic_energy(x);
  const TrajectoryResult t = integrate_trajectory(x, sur, verlet, n_md);
  const ComputeResult r = evaluate_reference(x.frame, ref);
  const double dk = kinetic_energy(x) - k0;
  double dh = dk + r.energy - c.state.reference.energy;
  if (bug == Bug::no_kinetic_term) dh = r.energy - c.state.reference.energy;
  if (bug == Bug::surrogate_acceptance) dh = dk + t.end_potential - t.start_potential;
  const bool ok = metropolis_accept(-dh / kT, c.state.rng);
  if (ok) {
    c.state.frame = x.frame;
    c.state.reference = r;
    c.carried = x.momenta;
  } else {
    c.carried.clear();
  }
}

struct Samples {
  std::vector<double> x, y;
  double acceptance = 0;
};

Samples run_double_well(Bug bug, std::uint64_t seed, int trials, int thin) {
  ExternalDoubleWell reference(0.05, 1.0, 0.5);
  ExternalDoubleWell surrogate(0.02, 0.8, 1.0);  // deliberately wrong everywhere
  Frame frame;
  for (int i = 0; i < 3; ++i) {
    frame.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.1 * i, -0.1 * i});
    frame.masses.back() = 1.0;
  }
  Chain c{make_chain_state(frame, reference, seed), {}};
  HmcOptions opt;
  opt.temperature_K = kTemperature;
  opt.n_md = 20;
  opt.dt_fs = 2.0;
  HmcMove move(opt);
  const auto verlet = make_velocity_verlet(opt.dt_fs);
  Samples s;
  std::uint64_t accepted = 0;
  for (int t = 0; t < trials; ++t) {
    if (bug == Bug::none) {
      accepted += move.attempt(c.state, {surrogate, reference}, c.state.rng).accepted;
    } else {
      const auto before = c.state.frame.positions;
      buggy_trial(c, bug, surrogate, reference, opt.n_md, *verlet);
      accepted += c.state.frame.positions != before;
    }
    if (t >= 200 && t % thin == 0)
      for (const auto& r : c.state.frame.positions) {
        s.x.push_back(r[0]);
        s.y.push_back(r[1]);
      }
  }
  s.acceptance = static_cast<double>(accepted) / trials;
  return s;
}

double ks_x(const Samples& s) {
  ExternalDoubleWell reference(0.05, 1.0, 0.5);
  const auto cdf = boltzmann_cdf([&](double x) { return reference.potential_x(x); },
                                 thermal_energy(kTemperature), -4.0, 4.0);
  return ks_statistic(s.x, cdf);
}

double ks_y(const Samples& s) {
  const double sigma = std::sqrt(thermal_energy(kTemperature) / 0.5);
  return ks_statistic(s.y, [&](double y) { return normal_cdf(y, sigma); });
}

}  // namespace

TEST(HmcExactness, WrongSurrogateStillSamplesReferenceMarginals) {
  const Samples s = run_double_well(Bug::none, 2024, kTrials * scale(), kThin);
  EXPECT_GT(s.acceptance, 0.05);
  EXPECT_LT(s.acceptance, 0.95);
  EXPECT_LT(ks_x(s), kKsCritical) << "x marginal (double well), " << s.x.size() << " samples";
  EXPECT_LT(ks_y(s), kKsCritical) << "y marginal (harmonic), " << s.y.size() << " samples";
}

namespace {

// A chain of three particles in the reference double well whose trial t runs on the surrogate
// `surrogate_for(t)` (asked between trials, as a learning walker swaps models), sampled every
// kThin trials.
Samples run_with_swapped_surrogates(std::uint64_t seed, const std::function<ForceProvider&(int)>& surrogate_for) {
  ExternalDoubleWell reference(0.05, 1.0, 0.5);
  Frame frame;
  for (int i = 0; i < 3; ++i) {
    frame.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.1 * i, -0.1 * i});
    frame.masses.back() = 1.0;
  }
  ChainState state = make_chain_state(frame, reference, seed);
  HmcOptions opt;
  opt.temperature_K = kTemperature;
  opt.n_md = 20;
  opt.dt_fs = 2.0;
  HmcMove move(opt);
  Samples s;
  for (int t = 0; t < kTrials * scale(); ++t) {
    move.attempt(state, {surrogate_for(t), reference}, state.rng);
    if (t >= 200 && t % kThin == 0)
      for (const auto& r : state.frame.positions) {
        s.x.push_back(r[0]);
        s.y.push_back(r[1]);
      }
  }
  return s;
}

}  // namespace

// Learning swaps the surrogate between trials. Each surrogate alone gives an exact kernel, so a
// chain whose surrogate changes on a schedule (here every 97 trials, among three wrong models)
// still samples the reference's marginals.
TEST(HmcExactness, SurrogatesSwappedBetweenTrialsKeepTheMarginals) {
  std::vector<ExternalDoubleWell> surrogates{{0.02, 0.8, 1.0}, {0.08, 1.2, 0.3}, {0.05, 1.0, 0.7}};
  const Samples s = run_with_swapped_surrogates(
      77, [&](int t) -> ForceProvider& { return surrogates[static_cast<std::size_t>(t / 97) % surrogates.size()]; });
  EXPECT_LT(ks_x(s), kKsCritical) << "x marginal (double well), " << s.x.size() << " samples";
  EXPECT_LT(ks_y(s), kKsCritical) << "y marginal (harmonic), " << s.y.size() << " samples";
}

// Asynchronous learning: another thread publishes new surrogate versions at times of its own
// (here every 20-400 µs of wall time, so the swap trials depend on thread scheduling), and the
// walker takes the newest one only between trials, as AsyncWalker does. The marginals stay exact.
TEST(HmcExactness, SurrogatesPublishedAsynchronouslyKeepTheMarginals) {
  std::vector<ExternalDoubleWell> surrogates{{0.02, 0.8, 1.0}, {0.08, 1.2, 0.3}, {0.05, 1.0, 0.7}};
  std::atomic<int> published{0};
  std::atomic<bool> done{false};
  std::thread trainer([&] {
    Rng rng(5);
    while (!done) {
      std::this_thread::sleep_for(std::chrono::microseconds(20 + static_cast<int>(380 * rng.uniform())));
      published = (published + 1) % static_cast<int>(surrogates.size());
    }
  });
  int swaps = 0, in_use = 0;
  const Samples s = run_with_swapped_surrogates(78, [&](int) -> ForceProvider& {
    const int newest = published;  // the poll between trials
    swaps += newest != in_use;
    in_use = newest;
    return surrogates[static_cast<std::size_t>(in_use)];
  });
  done = true;
  trainer.join();
  EXPECT_GT(swaps, 100) << "the surrogate must actually change during the chain";
  EXPECT_LT(ks_x(s), kKsCritical) << "x marginal (double well), " << s.x.size() << " samples, " << swaps << " swaps";
  EXPECT_LT(ks_y(s), kKsCritical) << "y marginal (harmonic), " << s.y.size() << " samples";
}

TEST(HmcExactness, GeneralizedHmcWithFlipIsExactToo) {
  ExternalDoubleWell reference(0.05, 1.0, 0.5), surrogate(0.02, 0.8, 1.0);
  Frame frame;
  for (int i = 0; i < 3; ++i) {
    frame.add_atom(1, {i % 2 ? 1.0 : -1.0, 0.0, 0.0});
    frame.masses.back() = 1.0;
  }
  ChainState state = make_chain_state(frame, reference, 99);
  HmcOptions opt;
  opt.temperature_K = kTemperature;
  opt.n_md = 10;
  opt.dt_fs = 2.0;
  opt.momentum_persistence = 0.7;
  HmcMove move(opt);
  Samples s;
  for (int t = 0; t < kTrials * scale(); ++t) {
    move.attempt(state, {surrogate, reference}, state.rng);
    if (t >= 200 && t % kThin == 0)
      for (const auto& r : state.frame.positions) {
        s.x.push_back(r[0]);
        s.y.push_back(r[1]);
      }
  }
  EXPECT_LT(ks_x(s), kKsCritical);
  EXPECT_LT(ks_y(s), kKsCritical);
}

// The check has power: each planted bug is caught by the same statistic.
TEST(HmcExactness, PlantedBugMissingKineticTermIsCaught) {
  const Samples s = run_double_well(Bug::no_kinetic_term, 2024, kTrials, kThin);
  EXPECT_GT(std::max(ks_x(s), ks_y(s)), kKsCritical);
}

TEST(HmcExactness, PlantedBugRefreshOnlyAfterRejectionIsCaught) {
  const Samples s = run_double_well(Bug::refresh_only_after_rejection, 2024, kTrials, kThin);
  EXPECT_GT(std::max(ks_x(s), ks_y(s)), kKsCritical);
}

TEST(HmcExactness, PlantedBugSurrogateInAcceptanceIsCaught) {
  const Samples s = run_double_well(Bug::surrogate_acceptance, 2024, kTrials, kThin);
  EXPECT_GT(std::max(ks_x(s), ks_y(s)), kKsCritical);
}

namespace {
// Regularized lower incomplete gamma P(k, x) for integer k.
double gamma_cdf_integer_shape(int k, double x) {
  if (x <= 0) return 0;
  double term = 1, sum = 1;
  for (int j = 1; j < k; ++j) {
    term *= x / j;
    sum += term;
  }
  return 1.0 - std::exp(-x) * sum;
}

std::vector<double> ideal_gas_volumes(int n_atoms, double pressure_gpa, bool planted_jacobian_bug,
                                      std::uint64_t seed, int trials) {
  IdealGas gas;
  Frame frame;
  frame.cell = Cell::orthorhombic(10, 10, 10);
  for (int i = 0; i < n_atoms; ++i) frame.add_atom(18, {1.0 + 3.0 * i, 2.0, 3.0});
  ChainState state = make_chain_state(frame, gas, seed);
  VolumeMoveOptions opt;
  opt.temperature_K = 300;
  opt.pressure_GPa = pressure_gpa;
  opt.max_log_volume_change = 0.5;
  VolumeMove move(opt);
  const double kT = thermal_energy(opt.temperature_K);
  std::vector<double> volumes;
  for (int t = 0; t < trials; ++t) {
    if (!planted_jacobian_bug) {
      move.attempt(state, {gas, gas}, state.rng);
    } else {
      // The same move with the Jacobian N instead of N+1.
      const double d = state.rng.uniform(-opt.max_log_volume_change, opt.max_log_volume_change);
      const double v = state.frame.cell.volume(), f = std::exp(d);
      const double log_ratio = -opt.pressure_GPa / units::kEvPerA3ToGPa * v * (f - 1) / kT + n_atoms * d;
      if (metropolis_accept(log_ratio, state.rng)) state.frame.cell = state.frame.cell.scaled_volume(f);
    }
    if (t >= 100 && t % 5 == 0) volumes.push_back(state.frame.cell.volume());
  }
  return volumes;
}
}  // namespace

TEST(VolumeMoveExactness, IdealGasVolumeIsGammaDistributed) {
  const int n = 2;
  const double pressure = 0.0124;  // GPa: ⟨V⟩ = (N+1)/(βP) ≈ 1000 Å³ at 300 K
  const double beta_p = pressure / units::kEvPerA3ToGPa / thermal_energy(300);
  const auto volumes = ideal_gas_volumes(n, pressure, false, 5, 40000 * scale());
  const double ks = ks_statistic(volumes, [&](double v) { return gamma_cdf_integer_shape(n + 1, beta_p * v); });
  EXPECT_LT(ks, kKsCritical) << volumes.size() << " samples";
  double mean = 0;
  for (double v : volumes) mean += v;
  mean /= volumes.size();
  EXPECT_NEAR(mean, (n + 1) / beta_p, 0.05 * (n + 1) / beta_p);
}

TEST(VolumeMoveExactness, PlantedBugWrongJacobianIsCaught) {
  const int n = 2;
  const double pressure = 0.0124;
  const double beta_p = pressure / units::kEvPerA3ToGPa / thermal_energy(300);
  const auto volumes = ideal_gas_volumes(n, pressure, true, 5, 40000);
  const double ks = ks_statistic(volumes, [&](double v) { return gamma_cdf_integer_shape(n + 1, beta_p * v); });
  EXPECT_GT(ks, kKsCritical);
}

TEST(HmcMove, RejectsBadOptions) {
  HmcOptions o;
  o.n_md = 0;
  EXPECT_THROW(HmcMove{o}, Error);
  o = HmcOptions{};
  o.momentum_persistence = 1.0;
  EXPECT_THROW(HmcMove{o}, Error);
  VolumeMoveOptions v;
  v.max_log_volume_change = 0;
  EXPECT_THROW(VolumeMove{v}, Error);
}

