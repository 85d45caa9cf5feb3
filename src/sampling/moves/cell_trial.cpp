// The reference evaluation and Metropolis test shared by the cell-changing moves.
#include "slhmc/sampling/cell_trial.hpp"

#include <chrono>

#include "slhmc/core/units.hpp"
#include "slhmc/sampling/metropolis.hpp"

namespace slhmc::sampling {

void finish_cell_trial(ChainState& state, Frame proposal, const CellProposalTerms& terms, ForceProvider& reference,
                       Rng& rng, TrialRecord& rec) {
  const auto t0 = std::chrono::steady_clock::now();
  rec.evaluations.push_back({proposal, evaluate_reference(proposal, reference)});
  rec.seconds_reference = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rec.delta_v_ref = rec.evaluations.back().reference.energy - state.reference.energy;
  rec.delta = rec.delta_v_ref;
  const double pv = terms.pressure_GPa / units::kEvPerA3ToGPa * (terms.volume_new - terms.volume_old);
  rec.delta_h = rec.delta_v_ref + pv;
  rec.log_acceptance = -rec.delta_h / terms.kT + terms.log_measure_ratio;
  rec.accepted = metropolis_accept(rec.log_acceptance, rng);
  if (rec.accepted) {
    state.frame = std::move(proposal);
    state.reference = rec.evaluations.back().reference;
    ++state.accepted;
  }
  rec.volume = state.frame.cell.volume();
}

}  // namespace slhmc::sampling
