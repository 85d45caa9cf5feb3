// Initial chain state: one reference evaluation of the starting configuration.
#include "slhmc/sampling/chain_state.hpp"

#include <cmath>

#include "slhmc/core/error.hpp"

namespace slhmc::sampling {

ComputeResult evaluate_reference(const Frame& frame, ForceProvider& reference) {
  ComputeRequest request;
  request.virial = frame.cell.fully_periodic();
  ComputeResult r = reference.compute(frame, request);
  if (!std::isfinite(r.energy))
    throw EngineError("reference '" + reference.description() + "' returned a non-finite energy");
  if (r.forces.size() != frame.size())
    throw EngineError("reference '" + reference.description() + "' returned " + std::to_string(r.forces.size()) +
                      " forces for " + std::to_string(frame.size()) + " atoms");
  for (const auto& f : r.forces)
    for (double x : f)
      if (!std::isfinite(x)) throw EngineError("reference '" + reference.description() + "' returned a non-finite force");
  return r;
}

ChainState make_chain_state(const Frame& frame, ForceProvider& reference, std::uint64_t seed) {
  frame.validate();
  ChainState state;
  state.frame = frame;
  state.reference = evaluate_reference(frame, reference);
  state.rng = Rng(seed);
  return state;
}

}  // namespace slhmc::sampling
