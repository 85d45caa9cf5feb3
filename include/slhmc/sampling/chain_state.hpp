// The state of one Markov chain (walker): the dynamical State (configuration,
// momenta kept between trials for generalized HMC, random stream) plus the
// cached reference evaluation of the configuration and the trial counters.
// A value: a rejected trial simply keeps (or restores) it, a checkpoint
// serializes it.
#pragma once

#include <cstdint>

#include "slhmc/core/frame.hpp"
#include "slhmc/dynamics/state.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::sampling {

// Of the State, a chain uses frame, rng and (generalized HMC only) momenta; the surrogate
// forces of a trial live in the trial's own State.
struct ChainState : State {
  // Reference evaluation of `frame` (energy eV, forces eV/Å, virial eV); computed once per
  // accepted configuration and reused, so that each trial costs one reference call.
  ComputeResult reference;
  std::uint64_t trials = 0;
  std::uint64_t accepted = 0;
};

// One reference evaluation (energy, forces, and the virial when the cell is fully periodic),
// checked: a non-finite energy or a wrong number of forces throws EngineError.
ComputeResult evaluate_reference(const Frame& frame, ForceProvider& reference);

// Evaluates the reference on `frame` (energy, forces, virial if the cell is periodic) and
// returns a chain state ready for sampling. Throws EngineError if the reference energy is not finite.
ChainState make_chain_state(const Frame& frame, ForceProvider& reference, std::uint64_t seed);

}  // namespace slhmc::sampling
