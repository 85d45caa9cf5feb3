// The common end of the moves that change the cell at fixed fractional
// coordinates (isotropic "volume", flexible "cell"): one reference evaluation
// of the rescaled configuration, Metropolis on the reference enthalpy change
// ΔV_ref + PΔV plus the log ratio of the target's measure factors (the
// Jacobian terms, which each move derives for its own walk), and the state
// update on acceptance.
#pragma once

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/sampling/chain_state.hpp"
#include "slhmc/sampling/trial_record.hpp"

namespace slhmc::sampling {

struct CellProposalTerms {
  double volume_old = 0.0;         // Å³
  double volume_new = 0.0;         // Å³
  double pressure_GPa = 0.0;
  double kT = 0.0;                 // eV
  double log_measure_ratio = 0.0;  // ln of the target's measure factor at the proposal over the current one
};

// Evaluates `reference` on `proposal`, fills rec's reference fields, delta_v_ref, delta (= ΔV_ref:
// no surrogate takes part), delta_h, log_acceptance and accepted, draws one uniform from `rng`,
// and moves `state` to the proposal if it is accepted. rec.volume is the state's volume after.
void finish_cell_trial(ChainState& state, Frame proposal, const CellProposalTerms& terms, ForceProvider& reference,
                       Rng& rng, TrialRecord& rec);

}  // namespace slhmc::sampling
