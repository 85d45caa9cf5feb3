// A check of a sampled marginal against its exact CDF that stays valid for the
// correlated samples of a Markov chain. The samples (in chain order) are
// mapped through the CDF into K equiprobable bins, and the chain is cut into B
// contiguous batches. For each bin the B batch fractions are, for batches much
// longer than the autocorrelation time, independent and nearly normal around
// 1/K under the null hypothesis, so t = (mean − 1/K)/(sd/√B) follows Student's
// t with B − 1 degrees of freedom (the batch-means method). The check fails if
// the largest |t| over the bins exceeds the two-sided critical value at
// false_alarm/(K·family) (Bonferroni), so a correct sampler fails a test that
// makes `family` such checks at most at the rate false_alarm.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

namespace slhmc::test {

// P(T > t) for Student's t with nu degrees of freedom, by Simpson's rule on the density.
inline double student_t_upper_tail(double t, int nu) {
  const double v = nu;
  const double log_norm = std::lgamma(0.5 * (v + 1)) - std::lgamma(0.5 * v) - 0.5 * std::log(v * M_PI);
  auto pdf = [&](double x) { return std::exp(log_norm - 0.5 * (v + 1) * std::log1p(x * x / v)); };
  const double hi = std::max(t + 1.0, 400.0);
  const int n = 40000;  // even
  const double h = (hi - t) / n;
  double sum = pdf(t) + pdf(hi);
  for (int i = 1; i < n; ++i) sum += (i % 2 ? 4.0 : 2.0) * pdf(t + i * h);
  return sum * h / 3.0;
}

// The t for which P(|T| > t) = alpha (two-sided), by bisection.
inline double student_t_critical(double alpha, int nu) {
  double lo = 0, hi = 100;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (2 * student_t_upper_tail(mid, nu) > alpha ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

struct MarginalCheck {
  double max_t = 0;     // largest |t| over the bins
  double critical = 0;  // the threshold it is compared with
  std::size_t samples = 0;
  bool passes() const { return max_t <= critical; }
  std::string describe() const {
    std::ostringstream s;
    s << "max |t| over bins " << max_t << " (critical " << critical << "), " << samples << " samples";
    return s.str();
  }
};

inline MarginalCheck check_marginal(const std::vector<double>& chain_ordered, const std::function<double(double)>& cdf,
                                    int family, double false_alarm = 1e-4, int bins = 10, int batches = 30) {
  MarginalCheck c;
  c.samples = chain_ordered.size();
  const std::size_t per_batch = chain_ordered.size() / static_cast<std::size_t>(batches);
  std::vector<std::vector<double>> fraction(static_cast<std::size_t>(bins), std::vector<double>(batches, 0.0));
  for (int b = 0; b < batches; ++b) {
    for (std::size_t i = b * per_batch; i < (b + 1) * per_batch; ++i) {
      const int k = std::clamp(static_cast<int>(cdf(chain_ordered[i]) * bins), 0, bins - 1);
      fraction[static_cast<std::size_t>(k)][static_cast<std::size_t>(b)] += 1.0 / static_cast<double>(per_batch);
    }
  }
  for (const auto& f : fraction) {
    double mean = 0, var = 0;
    for (double x : f) mean += x;
    mean /= batches;
    for (double x : f) var += (x - mean) * (x - mean);
    var /= batches - 1;
    const double se = std::sqrt(var / batches);
    const double t = se > 0 ? std::fabs(mean - 1.0 / bins) / se : (mean == 1.0 / bins ? 0.0 : INFINITY);
    c.max_t = std::max(c.max_t, t);
  }
  c.critical = student_t_critical(false_alarm / (bins * family), batches - 1);
  return c;
}

}  // namespace slhmc::test
