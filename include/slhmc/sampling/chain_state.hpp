// The state of one Markov chain (walker): the current configuration with its
// cached reference energy, forces and virial, the momenta kept between trials
// for generalized HMC, and the random stream. A value: a rejected trial simply
// keeps (or restores) it, a checkpoint serializes it.
#pragma once

#include <cstdint>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::sampling {

struct ChainState {
  Frame frame;
  // Reference evaluation of `frame` (energy eV, forces eV/Å, virial eV); computed once per
  // accepted configuration and reused, so that each trial costs one reference call.
  ComputeResult reference;
  // Momenta (amu·Å/fs) carried between trials; only used by generalized HMC (partial refresh).
  std::vector<Vec3> momenta;
  std::uint64_t trials = 0;
  std::uint64_t accepted = 0;
  Rng rng;
};

// One reference evaluation (energy, forces, and the virial when the cell is fully periodic),
// checked: a non-finite energy or a wrong number of forces throws EngineError.
ComputeResult evaluate_reference(const Frame& frame, ForceProvider& reference);

// Evaluates the reference on `frame` (energy, forces, virial if the cell is periodic) and
// returns a chain state ready for sampling. Throws EngineError if the reference energy is not finite.
ChainState make_chain_state(const Frame& frame, ForceProvider& reference, std::uint64_t seed);

}  // namespace slhmc::sampling
