// The flexible-cell NPT move: strain proposal on the cell's Cholesky factor at
// fixed fractional coordinates, its Metropolis test on the reference, and its
// registration as "cell".
#include "slhmc/sampling/cell_move.hpp"

#include <algorithm>
#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/cell_trial.hpp"

namespace slhmc::sampling {

namespace {
const MoveRegistration reg("cell",
                           "flexible-cell NPT move: random strain of the cell's shape and size at fixed fractional "
                           "coordinates",
                           [](const Config& sampler) -> MoveMaker {
                             const CellMoveOptions o = read_cell_move_options(sampler);
                             return [o] { return std::make_unique<CellMove>(o); };
                           });

double smallest_width(const Cell& cell) {
  const Vec3 h = cell.heights();
  return std::min({h[0], h[1], h[2]});
}
}  // namespace

void CellMoveOptions::validate() const {
  if (!(temperature_K > 0)) throw Error("cell move: temperature must be positive");
  if (!std::isfinite(pressure_GPa)) throw Error("cell move: pressure must be finite");
  if (!(max_strain > 0 && max_strain < 1)) throw Error("cell move: the maximum strain must be in (0, 1)");
  if (!(min_width_A >= 0 && std::isfinite(min_width_A)))
    throw Error("cell move: the minimum cell width must be finite and non-negative");
}

CellMoveOptions read_cell_move_options(const Config& s) {
  CellMoveOptions o;
  o.temperature_K = s.get_double("temperature_K");
  o.pressure_GPa = s.get_double("pressure_GPa", 0.0);
  o.max_strain = s.get_double("max_cell_strain", 0.01);
  o.min_width_A = s.get_double("min_cell_width_A", 0.0);
  try {
    o.validate();
  } catch (const Error& e) {
    throw ConfigError(s.path(), e.what());
  }
  return o;
}

CellCoordinates cell_coordinates(const Mat3& lower) {
  return {std::log(lower[0][0]),      std::log(lower[1][1]),      std::log(lower[2][2]),
          lower[1][0] / lower[1][1], lower[2][0] / lower[2][2], lower[2][1] / lower[2][2]};
}

Mat3 lower_from_coordinates(const CellCoordinates& x) {
  const double l0 = std::exp(x[0]), l1 = std::exp(x[1]), l2 = std::exp(x[2]);
  return Mat3{Vec3{l0, 0, 0}, Vec3{x[3] * l1, l1, 0}, Vec3{x[4] * l2, x[5] * l2, l2}};
}

Mat3 lower_cell_factor(const Mat3& rows) {
  // Cholesky of the metric G = A·Aᵀ (G_ij = a_i·a_j), written out for 3×3.
  const Mat3 g = rows * transpose(rows);
  Mat3 l{};
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j <= i; ++j) {
      double s = g[i][j];
      for (int k = 0; k < j; ++k) s -= l[i][k] * l[j][k];
      if (i == j) {
        if (!(s > 0)) throw Error("cell move: the cell is singular");
        l[i][i] = std::sqrt(s);
      } else {
        l[i][j] = s / l[j][j];
      }
    }
  }
  return l;
}

double cell_log_jacobian(const Mat3& lower) {
  // ∂L_ii/∂ln L_ii = L_ii; ∂L_ij/∂(L_ij/L_ii) = L_ii for the tilts (1,0), (2,0), (2,1); the
  // Jacobian matrix is triangular in the order (diagonals, tilts).
  return std::log(lower[0][0] * lower[1][1] * lower[2][2]) + std::log(lower[1][1]) + 2.0 * std::log(lower[2][2]);
}

CellProposal propose_cell_strain(const Frame& frame, double max_strain, double min_width_A, Rng& rng) {
  if (!frame.cell.fully_periodic()) throw Error("cell moves need a cell periodic in all three directions");
  const Mat3& a = frame.cell.matrix();
  const Mat3 l = lower_cell_factor(a);
  CellCoordinates x = cell_coordinates(l);
  for (double& xi : x) xi += rng.uniform(-max_strain, max_strain);
  const Mat3 l_new = lower_from_coordinates(x);

  // A = L·Q with Q = L⁻¹A orthogonal; the proposal keeps Q: A' = L'·Q.
  const Mat3 q = inverse(l) * a;
  const Mat3 a_new = l_new * q;
  CellProposal p;
  p.frame = frame;
  p.frame.cell = Cell(a_new, frame.cell.pbc());
  // r = s·A → r' = s·A' = r·(A⁻¹A'): the same fractional coordinates, unwrapped images kept.
  const Mat3 deformation = inverse(a) * a_new;
  for (auto& r : p.frame.positions) r = row_times(r, deformation);

  p.volume_old = l[0][0] * l[1][1] * l[2][2];
  p.volume_new = l_new[0][0] * l_new[1][1] * l_new[2][2];
  p.proper = smallest_width(p.frame.cell) >= min_width_A;
  // Target V^(N−1) on dL, pulled back to the walk's coordinates x by |∂L/∂x|.
  const double n = static_cast<double>(frame.size());
  p.log_proposal_ratio =
      (n - 1.0) * std::log(p.volume_new / p.volume_old) + cell_log_jacobian(l_new) - cell_log_jacobian(l);
  return p;
}

CellMove::CellMove(CellMoveOptions options) : options_(options) { options_.validate(); }

TrialRecord CellMove::attempt(ChainState& state, const MoveProviders& providers, Rng& rng) {
  ForceProvider& reference = providers.reference;
  if (!state.frame.cell.fully_periodic()) throw Error("cell moves need a cell periodic in all three directions");
  const double min_width = std::max(options_.min_width_A, reference.cutoff());
  if (smallest_width(state.frame.cell) < min_width)
    throw Error("cell move: the current cell is narrower (" + std::to_string(smallest_width(state.frame.cell)) +
                " Å) than the bound " + std::to_string(min_width) + " Å (min_width or the reference cutoff)");
  const double kT = units::kBoltzmann * options_.temperature_K;
  TrialRecord rec;
  rec.trial = ++state.trials;
  rec.move = "cell";

  CellProposal p = propose_cell_strain(state.frame, options_.max_strain, min_width, rng);
  if (!p.proper) {
    // Outside the allowed cells the target is zero: a rejected trial, with the Metropolis
    // uniform still drawn so that the stream does not depend on where the bound lies.
    rng.uniform();
    rec.log_acceptance = -INFINITY;
    rec.delta_h = INFINITY;
    rec.accepted = false;
    rec.volume = state.frame.cell.volume();
    return rec;
  }
  finish_cell_trial(state, std::move(p.frame),
                    {p.volume_old, p.volume_new, options_.pressure_GPa, kT, p.log_proposal_ratio}, reference, rng, rec);
  return rec;
}

}  // namespace slhmc::sampling
