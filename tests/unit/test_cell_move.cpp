// The flexible-cell move's pieces: the cell factorization and coordinates, the
// Jacobian against finite differences, the proposal's invariants (fractional
// coordinates and orientation kept), the width bound and the random stream.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/io/config.hpp"
#include "slhmc/sampling/cell_move.hpp"
#include "slhmc/sampling/move_mix.hpp"

using namespace slhmc;
using namespace slhmc::sampling;

namespace {

// Counts calls; zero energy and forces.
class CountingGas : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ++calls;
    ComputeResult r;
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    return r;
  }
  double cutoff() const override { return cutoff_A; }
  std::string description() const override { return "counting gas (test)"; }
  int calls = 0;
  double cutoff_A = 0.0;
};

Mat3 rotation(double angle, int axis) {
  Mat3 r = identity_mat3();
  const int i = (axis + 1) % 3, j = (axis + 2) % 3;
  r[i][i] = r[j][j] = std::cos(angle);
  r[i][j] = -std::sin(angle);
  r[j][i] = std::sin(angle);
  return r;
}

// A skewed triclinic cell in a general orientation, with three atoms.
Frame skewed_frame() {
  const Mat3 lower{Vec3{5.0, 0, 0}, Vec3{1.2, 4.5, 0}, Vec3{-0.7, 0.9, 6.0}};
  Frame f;
  f.cell = Cell(lower * rotation(0.3, 2) * rotation(-0.5, 0), {true, true, true});
  for (const Vec3& s : {Vec3{0.1, 0.2, 0.3}, Vec3{0.6, -0.4, 1.7}, Vec3{0.9, 0.5, 0.05}})
    f.add_atom(14, f.cell.to_cartesian(s));
  return f;
}

double max_abs_difference(const Mat3& a, const Mat3& b) {
  double d = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d = std::max(d, std::fabs(a[i][j] - b[i][j]));
  return d;
}

double determinant6(std::array<std::array<double, 6>, 6> m) {
  double det = 1;
  for (int c = 0; c < 6; ++c) {
    int pivot = c;
    for (int r = c + 1; r < 6; ++r)
      if (std::fabs(m[r][c]) > std::fabs(m[pivot][c])) pivot = r;
    if (pivot != c) {
      std::swap(m[pivot], m[c]);
      det = -det;
    }
    det *= m[c][c];
    for (int r = c + 1; r < 6; ++r) {
      const double f = m[r][c] / m[c][c];
      for (int k = c; k < 6; ++k) m[r][k] -= f * m[c][k];
    }
  }
  return det;
}

std::array<double, 6> components(const Mat3& l) {
  return {l[0][0], l[1][1], l[2][2], l[1][0], l[2][0], l[2][1]};
}

}  // namespace

TEST(CellMove, RejectsBadOptions) {
  CellMoveOptions o;
  o.max_strain = 0;
  EXPECT_THROW(CellMove{o}, Error);
  o = CellMoveOptions{};
  o.min_width_A = -1;
  EXPECT_THROW(CellMove{o}, Error);
  o = CellMoveOptions{};
  o.temperature_K = 0;
  EXPECT_THROW(CellMove{o}, Error);
}

TEST(CellMove, CholeskyFactorIsLowerWithTheCellsLengthsAndAngles) {
  const Frame f = skewed_frame();
  const Mat3 l = lower_cell_factor(f.cell.matrix());
  EXPECT_LT(max_abs_difference(l, Mat3{Vec3{5.0, 0, 0}, Vec3{1.2, 4.5, 0}, Vec3{-0.7, 0.9, 6.0}}), 1e-12);
  EXPECT_LT(max_abs_difference(lower_from_coordinates(cell_coordinates(l)), l), 1e-12);
  EXPECT_THROW(lower_cell_factor(Mat3{Vec3{1, 0, 0}, Vec3{2, 0, 0}, Vec3{0, 0, 1}}), Error);
}

TEST(CellMove, JacobianMatchesFiniteDifferences) {
  const Mat3 l = lower_cell_factor(skewed_frame().cell.matrix());
  const CellCoordinates x = cell_coordinates(l);
  std::array<std::array<double, 6>, 6> jac{};
  const double h = 1e-6;
  for (int k = 0; k < 6; ++k) {
    CellCoordinates up = x, down = x;
    up[k] += h;
    down[k] -= h;
    const auto a = components(lower_from_coordinates(up)), b = components(lower_from_coordinates(down));
    for (int i = 0; i < 6; ++i) jac[i][k] = (a[i] - b[i]) / (2 * h);
  }
  EXPECT_NEAR(std::log(std::fabs(determinant6(jac))), cell_log_jacobian(l), 1e-7);
}

TEST(CellMove, ProposalKeepsFractionalCoordinatesAndOrientation) {
  const Frame f = skewed_frame();
  Rng rng(3);
  const CellProposal p = propose_cell_strain(f, 0.05, 0.0, rng);
  ASSERT_TRUE(p.proper);
  for (std::size_t i = 0; i < f.size(); ++i)
    for (int d = 0; d < 3; ++d)
      EXPECT_NEAR(p.frame.cell.to_fractional(p.frame.positions[i])[d], f.cell.to_fractional(f.positions[i])[d],
                  1e-12);
  // Orientation Q = L⁻¹A is unchanged.
  const Mat3 l = lower_cell_factor(f.cell.matrix()), l_new = lower_cell_factor(p.frame.cell.matrix());
  EXPECT_LT(max_abs_difference(inverse(l) * f.cell.matrix(), inverse(l_new) * p.frame.cell.matrix()), 1e-12);
  EXPECT_NEAR(p.volume_old, f.cell.volume(), 1e-9);
  EXPECT_NEAR(p.volume_new, p.frame.cell.volume(), 1e-9);
  // ln of V'^(N−1)|∂L'/∂x| / V^(N−1)|∂L/∂x| = N ln(V'/V) + ln(L'₁₁/L₁₁) + 2 ln(L'₂₂/L₂₂).
  const double expected = 3 * std::log(p.volume_new / p.volume_old) + std::log(l_new[1][1] / l[1][1]) +
                          2 * std::log(l_new[2][2] / l[2][2]);
  EXPECT_NEAR(p.log_proposal_ratio, expected, 1e-10);
}

TEST(CellMove, ProposalBelowTheWidthBoundIsRejectedWithoutAReferenceCall) {
  CountingGas gas;
  ChainState state = make_chain_state(skewed_frame(), gas, 9);
  const double narrowest = std::min({state.frame.cell.heights()[0], state.frame.cell.heights()[1],
                                     state.frame.cell.heights()[2]});
  CellMoveOptions o;
  o.max_strain = 0.2;
  o.min_width_A = narrowest;  // a random strain narrows some width almost always
  CellMove move(o);
  int rejected_for_shape = 0;
  for (int t = 0; t < 50; ++t) {
    const int calls = gas.calls;
    Rng expected = state.rng;
    for (int k = 0; k < 7; ++k) expected.uniform();
    const Frame before = state.frame;
    const TrialRecord rec = move.attempt(state, {gas, gas}, state.rng);
    EXPECT_EQ(state.rng.to_string(), expected.to_string()) << "seven uniforms per trial";
    if (gas.calls == calls) {
      ++rejected_for_shape;
      EXPECT_FALSE(rec.accepted);
      EXPECT_TRUE(rec.evaluations.empty());
      EXPECT_EQ(state.frame.positions, before.positions);
    }
    const Vec3 h = state.frame.cell.heights();
    EXPECT_GE(std::min({h[0], h[1], h[2]}), narrowest);
  }
  EXPECT_GT(rejected_for_shape, 10);
}

TEST(CellMove, RefusesCellsItCannotMove) {
  CountingGas gas;
  Frame slab = skewed_frame();
  slab.cell = Cell(slab.cell.matrix(), {true, true, false});
  ChainState state = make_chain_state(slab, gas, 1);
  CellMove move(CellMoveOptions{});
  EXPECT_THROW(move.attempt(state, {gas, gas}, state.rng), Error);
  // A cell already narrower than the reference's cutoff.
  gas.cutoff_A = 10.0;
  ChainState narrow = make_chain_state(skewed_frame(), gas, 1);
  EXPECT_THROW(move.attempt(narrow, {gas, gas}, narrow.rng), Error);
}

TEST(CellMove, IsRegisteredAndReadsItsKeys) {
  const auto names = move_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "cell"), names.end());
  const Config s = Config::parse(
                       "[sampler]\ntemperature_K = 500\npressure_GPa = 2\nmax_cell_strain = 0.03\n"
                       "min_cell_width_A = 4\n",
                       "test")
                       .section("sampler");
  const CellMoveOptions o = read_cell_move_options(s);
  EXPECT_EQ(o.temperature_K, 500);
  EXPECT_EQ(o.pressure_GPa, 2);
  EXPECT_EQ(o.max_strain, 0.03);
  EXPECT_EQ(o.min_width_A, 4);
  EXPECT_EQ(move_maker("cell", s, "sampler.moves.cell")()->name(), "cell");
  const Config bad = Config::parse("[sampler]\ntemperature_K = 500\nmax_cell_strain = 2\n", "test").section("sampler");
  EXPECT_THROW(read_cell_move_options(bad), ConfigError);
}
