// Integrated autocorrelation time (Sokal's windowing) and blocking error bars.
#include "slhmc/analysis/chain_statistics.hpp"

#include <cmath>
#include <vector>

#include "slhmc/core/error.hpp"

namespace slhmc::analysis {

AutocorrelationEstimate integrated_autocorrelation_time(std::span<const double> x, double c) {
  const std::size_t n = x.size();
  if (n < 2) throw Error("autocorrelation time needs at least 2 samples");
  double mean = 0;
  for (double v : x) mean += v;
  mean /= n;
  double c0 = 0;
  for (double v : x) c0 += (v - mean) * (v - mean);
  c0 /= n;
  AutocorrelationEstimate est;
  if (c0 <= 0) {
    est.reliable = true;
    return est;
  }
  // Direct O(N·W) sum: the window stops at a few τ, so this stays cheap for chains of
  // realistic length and needs no FFT.
  double tau = 1.0;
  std::size_t w = 1;
  for (; w < n; ++w) {
    double ct = 0;
    for (std::size_t i = 0; i + w < n; ++i) ct += (x[i] - mean) * (x[i + w] - mean);
    ct /= n;
    tau += 2.0 * ct / c0;
    if (static_cast<double>(w) >= c * tau) break;
  }
  est.tau = std::max(tau, 1e-12);
  est.window = w;
  est.reliable = static_cast<double>(n) >= 50.0 * est.tau && w < n;
  return est;
}

double effective_sample_size(std::span<const double> series) {
  return static_cast<double>(series.size()) / integrated_autocorrelation_time(series).tau;
}

MeanWithError blocking_mean(std::span<const double> series) {
  if (series.empty()) throw Error("blocking analysis of an empty series");
  std::vector<double> x(series.begin(), series.end());
  double mean = 0;
  for (double v : x) mean += v;
  mean /= x.size();
  MeanWithError out{mean, 0.0, 1};
  if (x.size() < 2) return out;
  struct Level {
    double error, error_of_error;
    std::size_t block;
  };
  std::vector<Level> levels;
  std::size_t block = 1;
  while (x.size() >= 4) {
    const double n = static_cast<double>(x.size());
    double var = 0;
    for (double v : x) var += (v - mean) * (v - mean);
    var /= (n - 1);
    const double err = std::sqrt(var / n);
    levels.push_back({err, err / std::sqrt(2.0 * (n - 1)), block});
    std::vector<double> y(x.size() / 2);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] = 0.5 * (x[2 * i] + x[2 * i + 1]);
    x.swap(y);
    block *= 2;
  }
  if (levels.empty()) {
    const double n = static_cast<double>(series.size());
    double var = 0;
    for (double v : series) var += (v - mean) * (v - mean);
    out.error = std::sqrt(var / (n - 1) / n);
    return out;
  }
  // Plateau: first level whose error is within one error-of-error of the next level's.
  for (std::size_t k = 0; k + 1 < levels.size(); ++k)
    if (std::fabs(levels[k + 1].error - levels[k].error) <= levels[k].error_of_error &&
        levels[k + 1].error <= levels[k].error + levels[k].error_of_error) {
      // Require the errors to have stopped growing, not just a flat spot among growing ones.
      bool growing_after = false;
      for (std::size_t m = k + 1; m < levels.size(); ++m)
        if (levels[m].error > levels[k].error + 3 * levels[m].error_of_error) growing_after = true;
      if (growing_after) continue;
      out.error = levels[k].error;
      out.block_size = levels[k].block;
      return out;
    }
  for (const auto& l : levels)
    if (l.error > out.error) {
      out.error = l.error;
      out.block_size = l.block;
    }
  return out;
}

}  // namespace slhmc::analysis
