// Exactness of the flexible-cell NPT move (CellMove; docs/sampling.md,
// "Flexible-cell NPT"), checked against independent, obviously correct
// samplers of the same target p(L, s) ∝ V^(N−1) exp(−β[U + PV]) on dL ds:
//
// * Elastic cell: N atoms whose energy depends on the cell only (a harmonic
//   function of the metric A·Aᵀ), so the target is a density on the six
//   components of L alone. Reference: plain Metropolis with additive steps on
//   those six components (no change of variables, so no Jacobian but V^(N−1)).
//   A minimum width that cuts off part of the distribution is applied by both.
// * Spring crystal: 8 atoms on a simple-cubic lattice joined by nearest- and
//   next-nearest-neighbour springs through explicit periodic images, sampled
//   by SLHMC (HMC trials on a deliberately wrong surrogate) alternating with
//   cell moves. Reference: single-atom displacements plus additive cell steps.
//   Besides the cell, the mean potential energy (an NVT-like observable) must agree.
//
// Statistic: each chain's series of an observable is cut into 100 blocks much
// longer than its τ_int; the block means are then independent and normal, and
// Welch's t of the two chains' means has at least 99 degrees of freedom.
// |t| > 5 flags a difference: P(|t₉₉| > 5) = 2.5e-6, so with at most 14
// observables per test a correct sampler fails with probability < 4e-5.
// Planted bugs (the isotropic move's (N+1) ln(V'/V) in place of the
// flexible-cell Jacobian; the tilt part of the Jacobian left out) shift the
// means by many standard errors and must be caught. Measured over 30 seed
// offsets (SLHMC_TEST_SEED=100..129): the correct sampler's t of every
// observable had mean within ±0.45 and standard deviation 0.6–1.2, largest
// |t| 3.5; the smallest largest-|t| of the planted bugs was 7.3 (isotropic
// Jacobian; mean 9.2) and 15.9 (tilt terms missing; mean 17.7).
//
// Fixed seeds; SLHMC_LONG_TESTS=1 runs 10× longer chains, SLHMC_TEST_VERBOSE=1 prints every
// comparison, SLHMC_TEST_SEED=k shifts the seeds (to measure the false-alarm rate).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>

#include "slhmc/analysis/chain_statistics.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/cell_move.hpp"
#include "slhmc/sampling/hmc_move.hpp"
#include "slhmc/sampling/metropolis.hpp"

using namespace slhmc;
using namespace slhmc::sampling;

namespace {

int scale() { return std::getenv("SLHMC_LONG_TESTS") ? 10 : 1; }

double thermal_energy(double temperature_K) { return units::kBoltzmann * temperature_K; }

// SLHMC_TEST_SEED=k shifts every seed by k: running many k and counting |t| > 5 measures the
// false-alarm rate (and the distribution of t, which should be close to standard normal).
std::uint64_t seed(std::uint64_t base) {
  const char* offset = std::getenv("SLHMC_TEST_SEED");
  return base + (offset ? std::stoull(offset) : 0);
}

constexpr int kBlocks = 100;
constexpr double kTCritical = 5.0;

// ---- the statistic -------------------------------------------------------------------------

struct BlockSummary {
  double mean = 0, error = 0;  // mean of the block means and its standard error
  double tau = 1;
  std::size_t block_length = 0;
};

BlockSummary block_summary(const std::vector<double>& series) {
  BlockSummary b;
  b.block_length = series.size() / kBlocks;
  const std::size_t skip = series.size() - b.block_length * kBlocks;
  std::vector<double> means(kBlocks, 0.0);
  for (int k = 0; k < kBlocks; ++k) {
    for (std::size_t i = 0; i < b.block_length; ++i) means[k] += series[skip + k * b.block_length + i];
    means[k] /= static_cast<double>(b.block_length);
  }
  for (double m : means) b.mean += m / kBlocks;
  double var = 0;
  for (double m : means) var += (m - b.mean) * (m - b.mean) / (kBlocks - 1);
  b.error = std::sqrt(var / kBlocks);
  b.tau = analysis::integrated_autocorrelation_time(series).tau;
  return b;
}

struct Comparison {
  std::string name;
  BlockSummary chain, reference;
  double t = 0;
};

std::string describe(const Comparison& c);

Comparison compare(const std::string& name, const std::vector<double>& chain, const std::vector<double>& reference) {
  Comparison c{name, block_summary(chain), block_summary(reference), 0};
  c.t = (c.chain.mean - c.reference.mean) / std::hypot(c.chain.error, c.reference.error);
  if (std::getenv("SLHMC_TEST_VERBOSE")) std::cout << describe(c) << '\n';
  return c;
}

std::string describe(const Comparison& c) {
  return c.name + ": chain " + std::to_string(c.chain.mean) + " ± " + std::to_string(c.chain.error) + " (τ " +
         std::to_string(c.chain.tau) + "), reference " + std::to_string(c.reference.mean) + " ± " +
         std::to_string(c.reference.error) + " (τ " + std::to_string(c.reference.tau) + "), t = " +
         std::to_string(c.t);
}

// Blocks must be long against τ_int for the block means to be independent.
void expect_valid_blocks(const Comparison& c) {
  EXPECT_GE(static_cast<double>(c.chain.block_length), 20 * c.chain.tau) << describe(c);
  EXPECT_GE(static_cast<double>(c.reference.block_length), 20 * c.reference.tau) << describe(c);
}

// ---- observables of the cell --------------------------------------------------------------

// The six components of L and their squares, one series each.
struct CellSeries {
  std::array<std::vector<double>, 12> values;
  std::vector<double> energy;
  void add(const Mat3& lower, double u) {
    const std::array<double, 6> c{lower[0][0], lower[1][1], lower[2][2], lower[1][0], lower[2][0], lower[2][1]};
    for (int i = 0; i < 6; ++i) {
      values[i].push_back(c[i]);
      values[6 + i].push_back(c[i] * c[i]);
    }
    energy.push_back(u);
  }
};

const std::array<std::string, 12> kCellNames{"L00",   "L11",   "L22",   "L10",   "L20",   "L21",
                                              "L00^2", "L11^2", "L22^2", "L10^2", "L20^2", "L21^2"};

std::vector<Comparison> compare_cells(const CellSeries& chain, const CellSeries& reference, bool with_energy) {
  std::vector<Comparison> out;
  for (int i = 0; i < 12; ++i) out.push_back(compare(kCellNames[i], chain.values[i], reference.values[i]));
  if (with_energy) out.push_back(compare("U", chain.energy, reference.energy));
  return out;
}

double largest_t(const std::vector<Comparison>& cs) {
  double t = 0;
  for (const auto& c : cs) t = std::max(t, std::fabs(c.t));
  return t;
}

// ---- the flexible-cell move and its planted-bug variants ------------------------------------

enum class Jacobian { correct, isotropic, no_tilt_terms };

// One cell trial. The correct variant is CellMove itself; the buggy ones use the same proposal
// and replace only the log-Jacobian of the acceptance.
void cell_trial(CellMove& move, Jacobian jacobian, ChainState& state, ForceProvider& reference) {
  if (jacobian == Jacobian::correct) {
    move.attempt(state, {reference, reference}, state.rng);
    return;
  }
  const CellMoveOptions& o = move.options();
  CellProposal p = propose_cell_strain(state.frame, o.max_strain, o.min_width_A, state.rng);
  if (!p.proper) {
    state.rng.uniform();
    return;
  }
  const ComputeResult r = evaluate_reference(p.frame, reference);
  const double n = static_cast<double>(state.frame.size());
  const double log_v = std::log(p.volume_new / p.volume_old);
  const double dh = r.energy - state.reference.energy + o.pressure_GPa / units::kEvPerA3ToGPa * (p.volume_new - p.volume_old);
  const double log_j = jacobian == Jacobian::isotropic ? (n + 1) * log_v : n * log_v;
  if (metropolis_accept(-dh / thermal_energy(o.temperature_K) + log_j, state.rng)) {
    state.frame = std::move(p.frame);
    state.reference = r;
  }
}

// ---- reference: additive random walk on the six components of L ---------------------------

// Proposes L' = L + uniform(±step) on each component (positions at fixed fractional
// coordinates); accepts with (V'/V)^(N−1) exp(−βΔ(U + PV)) inside the allowed cells
// (positive diagonal, widths ≥ min_width). `energy(L)` is the energy at fixed fractional
// coordinates for cell L; `commit(L)` makes L current.
bool plain_cell_step(Mat3& l, double& u, int n_atoms, double kT, double pressure_gpa, double min_width, double step,
                     Rng& rng, const std::function<double(const Mat3&)>& energy) {
  Mat3 proposal = l;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) proposal[i][j] += rng.uniform(-step, step);
  const double v = l[0][0] * l[1][1] * l[2][2];
  const double v_new = proposal[0][0] * proposal[1][1] * proposal[2][2];
  bool allowed = proposal[0][0] > 0 && proposal[1][1] > 0 && proposal[2][2] > 0;
  if (allowed) {
    const Vec3 h = Cell(proposal, {true, true, true}).heights();
    allowed = std::min({h[0], h[1], h[2]}) >= min_width;
  }
  if (!allowed) {
    rng.uniform();
    return false;
  }
  const double u_new = energy(proposal);
  const double log_ratio =
      (n_atoms - 1) * std::log(v_new / v) - (u_new - u + pressure_gpa / units::kEvPerA3ToGPa * (v_new - v)) / kT;
  if (!metropolis_accept(log_ratio, rng)) return false;
  l = proposal;
  u = u_new;
  return true;
}

// ---- system 1: an elastic cell ------------------------------------------------------------

// E = (k/2) Σ_ij (G_ij − a0²δ_ij)² / a0² with G = A·Aᵀ: depends on the cell's lengths and angles
// only. No forces on the atoms (they are an ideal gas at fixed cell), no virial (unused here).
class ElasticCell : public ForceProvider {
 public:
  ElasticCell(double k, double a0) : k_(k), a0_(a0) {}
  double energy_of(const Mat3& rows) const {
    const Mat3 g = rows * transpose(rows);
    double e = 0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double d = g[i][j] - (i == j ? a0_ * a0_ : 0.0);
        e += d * d;
      }
    return 0.5 * k_ * e / (a0_ * a0_);
  }
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult r;
    r.energy = energy_of(frame.cell.matrix());
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    return r;
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override { return "elastic cell (test)"; }

 private:
  double k_, a0_;
};

constexpr int kElasticAtoms = 4;
constexpr double kElasticK = 0.035, kElasticA0 = 3.0;  // var(ln L_ii) ≈ 0.01 at 300 K
constexpr double kElasticT = 300, kElasticP = 0.2;
constexpr double kElasticMinWidth = 2.6;  // cuts off a few per cent of the cells: the bound is tested too

Frame elastic_frame() {
  Frame f;
  f.cell = Cell::orthorhombic(kElasticA0, kElasticA0, kElasticA0);
  for (int i = 0; i < kElasticAtoms; ++i) f.add_atom(18, {0.3 + 0.5 * i, 0.2 * i, 0.1});
  return f;
}

CellSeries elastic_chain(Jacobian jacobian, std::uint64_t chain_seed, int trials, double* acceptance = nullptr) {
  ElasticCell cell(kElasticK, kElasticA0);
  ChainState state = make_chain_state(elastic_frame(), cell, chain_seed);
  CellMoveOptions o;
  o.temperature_K = kElasticT;
  o.pressure_GPa = kElasticP;
  o.max_strain = 0.1;
  o.min_width_A = kElasticMinWidth;
  CellMove move(o);
  CellSeries s;
  for (int t = 0; t < trials; ++t) {
    cell_trial(move, jacobian, state, cell);
    if (t >= 1000) s.add(lower_cell_factor(state.frame.cell.matrix()), state.reference.energy);
  }
  if (acceptance) *acceptance = static_cast<double>(state.accepted) / trials;
  return s;
}

CellSeries elastic_reference(std::uint64_t rng_seed, int steps) {
  ElasticCell cell(kElasticK, kElasticA0);
  Rng rng(rng_seed);
  Mat3 l = elastic_frame().cell.matrix();
  double u = cell.energy_of(l);
  CellSeries s;
  for (int t = 0; t < steps; ++t) {
    plain_cell_step(l, u, kElasticAtoms, thermal_energy(kElasticT), kElasticP, kElasticMinWidth, 0.15, rng,
                    [&](const Mat3& m) { return cell.energy_of(m); });
    if (t >= 1000 && t % 10 == 0) s.add(l, u);
  }
  return s;
}

const CellSeries& elastic_reference_once() {
  static const CellSeries r = elastic_reference(seed(11), 2000000 * scale());
  return r;
}

constexpr int kElasticTrials = 300000;

}  // namespace

TEST(CellMoveExactness, ElasticCellShapeMatchesPlainMetropolis) {
  double acceptance = 0;
  const CellSeries chain = elastic_chain(Jacobian::correct, seed(7), kElasticTrials * scale(), &acceptance);
  EXPECT_GT(acceptance, 0.2);
  EXPECT_LT(acceptance, 0.8);
  if (std::getenv("SLHMC_TEST_VERBOSE")) std::cout << "acceptance " << acceptance << '\n';
  for (const auto& c : compare_cells(chain, elastic_reference_once(), false)) {
    expect_valid_blocks(c);
    EXPECT_LT(std::fabs(c.t), kTCritical) << describe(c);
  }
}

TEST(CellMoveExactness, PlantedBugIsotropicJacobianIsCaught) {
  const auto cs = compare_cells(elastic_chain(Jacobian::isotropic, seed(7), kElasticTrials), elastic_reference_once(), false);
  EXPECT_GT(largest_t(cs), kTCritical);
}

TEST(CellMoveExactness, PlantedBugMissingTiltJacobianIsCaught) {
  const auto cs =
      compare_cells(elastic_chain(Jacobian::no_tilt_terms, seed(7), kElasticTrials), elastic_reference_once(), false);
  EXPECT_GT(largest_t(cs), kTCritical);
}

namespace {

// ---- system 2: a spring crystal -----------------------------------------------------------

// Harmonic springs ½k(|d| − r0)² between atoms i and j through the image n: d = r_j + n·A − r_i.
// A fixed bond list, so the energy is smooth for any cell and needs no cutoff.
class SpringCrystal : public ForceProvider {
 public:
  struct Bond {
    std::size_t i, j;
    std::array<int, 3> image;
    double k, r0;
  };
  explicit SpringCrystal(std::vector<Bond> bonds) : bonds_(std::move(bonds)) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult r;
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    for (const auto& b : bonds_) {
      const Vec3 d = frame.positions[b.j] + frame.cell.image_shift(b.image) - frame.positions[b.i];
      const double len = norm(d);
      r.energy += 0.5 * b.k * (len - b.r0) * (len - b.r0);
      const Vec3 f = (b.k * (len - b.r0) / len) * d;  // force on i; −f on j
      r.forces[b.i] += f;
      r.forces[b.j] -= f;
    }
    return r;
  }
  double cutoff() const override { return 0.0; }
  std::string description() const override { return "spring crystal (test)"; }

 private:
  std::vector<Bond> bonds_;
};

constexpr double kSpringA = 2.0;  // Å, lattice spacing; the cell is 2×2×2 of it
constexpr double kSpringT = 600, kSpringP = 0.5;

// Simple cubic 2×2×2: nearest neighbours (k1) and face diagonals (k2, which give shear stiffness).
SpringCrystal spring_crystal(double k1, double k2) {
  std::vector<SpringCrystal::Bond> bonds;
  const std::vector<std::array<int, 3>> nn{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  const std::vector<std::array<int, 3>> nnn{{1, 1, 0}, {1, -1, 0}, {1, 0, 1}, {1, 0, -1}, {0, 1, 1}, {0, 1, -1}};
  auto index = [](int x, int y, int z) { return static_cast<std::size_t>(4 * x + 2 * y + z); };
  auto floor_div = [](int v) { return v >= 0 ? v / 2 : -((1 - v) / 2); };
  auto mod = [](int v) { return ((v % 2) + 2) % 2; };
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 2; ++y)
      for (int z = 0; z < 2; ++z)
        for (int shell = 0; shell < 2; ++shell)
          for (const auto& d : shell == 0 ? nn : nnn) {
            const int tx = x + d[0], ty = y + d[1], tz = z + d[2];
            bonds.push_back({index(x, y, z), index(mod(tx), mod(ty), mod(tz)),
                             {floor_div(tx), floor_div(ty), floor_div(tz)},
                             shell == 0 ? k1 : k2,
                             shell == 0 ? kSpringA : kSpringA * std::sqrt(2.0)});
          }
  return SpringCrystal(std::move(bonds));
}

constexpr double kSpringK1 = 0.6, kSpringK2 = 0.3;
// The shape relaxes only through cell moves, which cost one reference call against the
// HMC trial's nine: several per cycle keep τ_int of the tilts short.
constexpr int kCellMovesPerCycle = 6;

Frame spring_frame() {
  Frame f;
  f.cell = Cell::orthorhombic(2 * kSpringA, 2 * kSpringA, 2 * kSpringA);
  for (int x = 0; x < 2; ++x)
    for (int y = 0; y < 2; ++y)
      for (int z = 0; z < 2; ++z) {
        f.add_atom(6, {kSpringA * x, kSpringA * y, kSpringA * z});
        f.masses.back() = 10.0;
      }
  return f;
}

CellSeries spring_chain(std::uint64_t chain_seed, int cycles, double* acceptance_md, double* acceptance_cell) {
  SpringCrystal reference = spring_crystal(kSpringK1, kSpringK2);
  SpringCrystal surrogate = spring_crystal(0.8 * kSpringK1, 1.3 * kSpringK2);  // deliberately wrong
  ChainState state = make_chain_state(spring_frame(), reference, chain_seed);
  HmcOptions h;
  h.temperature_K = kSpringT;
  h.n_md = 8;
  h.dt_fs = 1.0;
  HmcMove md(h);
  CellMoveOptions o;
  o.temperature_K = kSpringT;
  o.pressure_GPa = kSpringP;
  o.max_strain = 0.05;
  CellMove cell(o);
  CellSeries s;
  std::uint64_t accepted_md = 0, accepted_cell = 0;
  for (int t = 0; t < cycles; ++t) {
    accepted_md += md.attempt(state, {surrogate, reference}, state.rng).accepted;
    for (int k = 0; k < kCellMovesPerCycle; ++k)
      accepted_cell += cell.attempt(state, {surrogate, reference}, state.rng).accepted;
    if (t >= 500) s.add(lower_cell_factor(state.frame.cell.matrix()), state.reference.energy);
  }
  *acceptance_md = static_cast<double>(accepted_md) / cycles;
  *acceptance_cell = static_cast<double>(accepted_cell) / (kCellMovesPerCycle * cycles);
  return s;
}

// Plain Metropolis: each step moves one random atom by a uniform Cartesian displacement, or,
// with probability 1/3, the cell by plain_cell_step. Sampled once per 9 steps.
CellSeries spring_reference(std::uint64_t rng_seed, int steps) {
  SpringCrystal crystal = spring_crystal(kSpringK1, kSpringK2);
  Rng rng(rng_seed);
  Frame frame = spring_frame();
  const double kT = thermal_energy(kSpringT);
  double u = crystal.compute(frame, ComputeRequest::energy_only()).energy;
  Mat3 l = frame.cell.matrix();
  auto energy_at = [&](const Mat3& cell) {
    Frame f = frame;
    f.cell = Cell(cell, {true, true, true});
    const Mat3 deformation = inverse(frame.cell.matrix()) * cell;
    for (auto& r : f.positions) r = row_times(r, deformation);
    return crystal.compute(f, ComputeRequest::energy_only()).energy;
  };
  CellSeries s;
  for (int t = 0; t < steps; ++t) {
    if (rng.uniform() < 1.0 / 3.0) {
      const Mat3 old = l;
      if (plain_cell_step(l, u, static_cast<int>(frame.size()), kT, kSpringP, 0.0, 0.12, rng, energy_at)) {
        const Mat3 deformation = inverse(old) * l;
        for (auto& r : frame.positions) r = row_times(r, deformation);
        frame.cell = Cell(l, {true, true, true});
      }
    } else {
      const auto i = static_cast<std::size_t>(rng.uniform() * static_cast<double>(frame.size()));
      Frame f = frame;
      for (double& x : f.positions[i]) x += rng.uniform(-0.25, 0.25);
      const double u_new = crystal.compute(f, ComputeRequest::energy_only()).energy;
      if (metropolis_accept(-(u_new - u) / kT, rng)) {
        frame = std::move(f);
        u = u_new;
      }
    }
    if (t >= 5000 && t % 9 == 0) s.add(l, u);
  }
  return s;
}

}  // namespace

TEST(CellMoveExactness, SpringCrystalCellAndEnergyMatchPlainMonteCarlo) {
  double acc_md = 0, acc_cell = 0;
  const CellSeries chain = spring_chain(seed(3), 50000 * scale(), &acc_md, &acc_cell);
  EXPECT_GT(acc_md, 0.2);
  EXPECT_GT(acc_cell, 0.2);
  EXPECT_LT(acc_cell, 0.9);
  if (std::getenv("SLHMC_TEST_VERBOSE")) std::cout << "acceptance md " << acc_md << ", cell " << acc_cell << '\n';
  const CellSeries reference = spring_reference(seed(4), 3000000 * scale());
  for (const auto& c : compare_cells(chain, reference, true)) {
    expect_valid_blocks(c);
    EXPECT_LT(std::fabs(c.t), kTCritical) << describe(c);
  }
}
