// Gamma variates (Marsaglia–Tsang squeeze method) and the regularized
// incomplete gamma function (power series below x = a + 1, Legendre's
// continued fraction, evaluated with the modified Lentz method, above).
#include "slhmc/dynamics/gamma_distribution.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "slhmc/core/error.hpp"

namespace slhmc {

double sample_gamma(Rng& rng, double shape) {
  if (!(shape > 0) || !std::isfinite(shape))
    throw Error("gamma distribution shape must be positive, got " + std::to_string(shape));
  if (shape < 1.0) {
    // If G ~ Gamma(a+1) and U ~ U(0,1) then G·U^(1/a) ~ Gamma(a).
    double u = rng.uniform();
    while (u <= 0.0) u = rng.uniform();
    return sample_gamma(rng, shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    const double x = rng.normal();
    const double t = 1.0 + c * x;
    if (t <= 0.0) continue;
    const double v = t * t * t;
    const double u = rng.uniform();
    const double x2 = x * x;
    if (u < 1.0 - 0.0331 * x2 * x2) return d * v;  // cheap squeeze accepts most draws
    if (u > 0.0 && std::log(u) < 0.5 * x2 + d * (1.0 - v + std::log(v))) return d * v;
  }
}

double sample_chi_squared(Rng& rng, long n) {
  if (n < 0) throw Error("chi-square degrees of freedom must be non-negative, got " + std::to_string(n));
  if (n == 0) return 0.0;
  // χ²(n) = 2·Gamma(n/2, 1), also for odd n.
  return 2.0 * sample_gamma(rng, 0.5 * static_cast<double>(n));
}

double gamma_cdf(double a, double x) {
  if (!(a > 0)) throw Error("gamma_cdf needs a positive shape");
  if (x <= 0) return 0.0;
  if (std::isinf(x)) return 1.0;
  const double log_prefactor = -x + a * std::log(x) - std::lgamma(a);
  constexpr double eps = 1e-15;
  if (x < a + 1.0) {
    // P(a,x) = e^{-x} x^a / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n)).
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 100000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < std::fabs(sum) * eps) break;
    }
    return std::exp(log_prefactor) * sum;
  }
  // Q(a,x) = e^{-x} x^a / Γ(a) · 1/(x+1−a − 1(1−a)/(x+3−a − 2(2−a)/(x+5−a − …))).
  constexpr double tiny = std::numeric_limits<double>::min() / eps;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 100000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < eps) break;
  }
  return 1.0 - std::exp(log_prefactor) * h;
}

}  // namespace slhmc
