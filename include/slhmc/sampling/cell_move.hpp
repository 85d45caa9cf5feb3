// The anisotropic (flexible-cell) NPT move (registered as "cell"): a random
// walk on the shape and size of a fully periodic cell at fixed fractional
// coordinates, accepted on the reference energy. Derivation and the sampled
// measure: docs/sampling.md, "Flexible-cell NPT".
//
// The cell's rows A (lattice vectors, Å) are factored as A = L·Q with L lower
// triangular, positive diagonal (the Cholesky factor of the metric A·Aᵀ: lengths
// and angles) and Q orthogonal (the orientation, which the move keeps). The
// walk is on x = (ln L₀₀, ln L₁₁, ln L₂₂, L₁₀/L₁₁, L₂₀/L₂₂, L₂₁/L₂₂), each
// uniform in ±max_strain, and samples
//     p(L, s) ∝ V^(N−1) exp(−β[U + PV])   on dL (six components) × ds,
// whose fixed-shape conditional is that of the isotropic VolumeMove, so that
// both moves can be mixed in one chain.
#pragma once

#include <array>
#include <string>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/sampling/move.hpp"

namespace slhmc::sampling {

struct CellMoveOptions {
  double temperature_K = 300.0;
  double pressure_GPa = 0.0;
  // Δ: each of the six strain coordinates changes by a uniform amount in [−Δ, Δ] per trial
  // (ln of a diagonal, i.e. a relative stretch; or a tilt ratio, i.e. a shear strain).
  double max_strain = 0.01;
  // The smallest perpendicular width (Cell::heights) a proposed cell may have, Å; the
  // bound actually used is max(min_width_A, cutoff of the reference). Proposals below it
  // are rejected.
  double min_width_A = 0.0;
  void validate() const;  // throws Error naming the bad option
};

// Reads temperature_K, pressure_GPa, max_cell_strain and min_cell_width_A; throws ConfigError
// naming the key.
CellMoveOptions read_cell_move_options(const Config& sampler);

// The six strain coordinates of a lower-triangular cell factor L (see the file comment).
using CellCoordinates = std::array<double, 6>;
CellCoordinates cell_coordinates(const Mat3& lower);
Mat3 lower_from_coordinates(const CellCoordinates& x);

// The Cholesky factor L of A·Aᵀ for the rows A of an invertible cell: lower triangular with a
// positive diagonal, det L = V. Throws Error for a singular cell.
Mat3 lower_cell_factor(const Mat3& rows);

// ln of the Jacobian |∂L/∂x| = V·L₁₁·L₂₂² of the walk's coordinates, for the target on dL.
double cell_log_jacobian(const Mat3& lower);

// One proposal, before the reference sees it: `frame` is the deformed configuration
// (positions at the same fractional coordinates, orientation kept); `proper` is false if a
// perpendicular width would fall below `min_width_A` (then the trial is rejected without a
// reference call). `log_proposal_ratio` is ln of the ratio of the target's measure factors,
// V'^(N−1)|∂L'/∂x| / (V^(N−1)|∂L/∂x|): the acceptance is this minus β(ΔU + PΔV).
struct CellProposal {
  Frame frame;
  bool proper = true;
  double volume_old = 0.0;
  double volume_new = 0.0;
  double log_proposal_ratio = 0.0;
};

// Draws exactly six uniforms from `rng`. Requires a fully periodic cell.
CellProposal propose_cell_strain(const Frame& frame, double max_strain, double min_width_A, Rng& rng);

class CellMove final : public Move {
 public:
  explicit CellMove(CellMoveOptions options);
  const CellMoveOptions& options() const { return options_; }
  std::string name() const override { return "cell"; }
  // Uses only providers.reference. Requires a fully periodic cell whose widths satisfy the
  // bound (else Error). Every trial draws seven uniforms from `rng` (six for the strain, one
  // for the Metropolis test), also when the proposal is rejected for its shape, so that the
  // random stream stays in step.
  TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) override;

 private:
  CellMoveOptions options_;
};

}  // namespace slhmc::sampling
