// The Metropolis test.
#include "slhmc/sampling/metropolis.hpp"

#include <cmath>

namespace slhmc::sampling {

bool metropolis_accept(double log_ratio, Rng& rng) {
  // One uniform per test whatever the outcome, so that restarts and reruns stay in step.
  const double u = rng.uniform();
  if (std::isnan(log_ratio)) return false;
  if (log_ratio >= 0.0) return true;
  return u < std::exp(log_ratio);
}

}  // namespace slhmc::sampling
