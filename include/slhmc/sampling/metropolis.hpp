// The Metropolis test every move ends with.
#pragma once

#include "slhmc/core/rng.hpp"

namespace slhmc::sampling {

// Accept with probability min(1, exp(log_ratio)); NaN rejects. Consumes exactly one uniform
// whatever the outcome, so that a chain's random stream does not depend on the sign of ΔH.
bool metropolis_accept(double log_ratio, Rng& rng);

}  // namespace slhmc::sampling
