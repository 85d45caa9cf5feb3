// Statistics of correlated time series (Markov chains, MD trajectories):
// integrated autocorrelation time, effective sample size, and blocking
// (Flyvbjerg–Petersen) error bars of the mean.
#pragma once

#include <cstddef>
#include <span>

namespace slhmc::analysis {

struct AutocorrelationEstimate {
  double tau = 1.0;         // integrated autocorrelation time τ_int (in samples; 1 = uncorrelated)
  std::size_t window = 0;   // summation window chosen by Sokal's rule (window ≥ c·τ)
  bool reliable = false;    // false if the series is shorter than ~50 τ
};

// τ_int = 1 + 2 Σ_{t=1}^{W} ρ(t) with Sokal's automatic window (smallest W ≥ c·τ(W), c = 5).
// A constant series gives τ = 1. Needs at least 2 samples.
AutocorrelationEstimate integrated_autocorrelation_time(std::span<const double> series, double c = 5.0);

// N / τ_int.
double effective_sample_size(std::span<const double> series);

struct MeanWithError {
  double mean = 0.0;
  double error = 0.0;        // standard error of the mean accounting for correlations
  std::size_t block_size = 1;
};

// Blocking analysis: halves the series repeatedly and takes the plateau of the standard error
// (the first level whose error agrees with the next within its own uncertainty); falls back to
// the largest error seen when no plateau is reached.
MeanWithError blocking_mean(std::span<const double> series);

}  // namespace slhmc::analysis
