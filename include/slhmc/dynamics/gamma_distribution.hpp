// Gamma and chi-square variates from slhmc's own Rng (reproducible across
// standard libraries), and the gamma distribution function used by the
// statistical tests of the thermostats. The canonical kinetic energy with f
// degrees of freedom is Gamma(shape f/2, scale k_B T).
#pragma once

#include "slhmc/core/rng.hpp"

namespace slhmc {

// Gamma(shape, 1) variate, shape > 0 (Marsaglia & Tsang 2000; shapes below 1
// via Gamma(shape+1)·U^(1/shape)). Throws Error for shape ≤ 0.
double sample_gamma(Rng& rng, double shape);
// Sum of n squared standard normals (chi-square with n dof), n ≥ 0; exactly 0 for n = 0.
double sample_chi_squared(Rng& rng, long n);
// Regularized lower incomplete gamma function P(shape, x) = CDF of Gamma(shape, 1) at x.
double gamma_cdf(double shape, double x);

}  // namespace slhmc
