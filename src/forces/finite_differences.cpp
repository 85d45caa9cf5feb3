// Central finite differences of a provider's energy.
#include "slhmc/forces/finite_differences.hpp"

#include <cmath>

namespace slhmc {

FiniteDifferenceReport check_finite_differences(ForceProvider& provider, const Frame& frame, double h,
                                                double strain_step) {
  FiniteDifferenceReport r;
  ComputeRequest request;
  request.virial = strain_step > 0;
  r.analytic = provider.compute(frame, request);
  r.numeric_forces.assign(frame.size(), Vec3{0, 0, 0});
  Frame f = frame;
  for (std::size_t i = 0; i < (h > 0 ? frame.size() : 0); ++i)
    for (int d = 0; d < 3; ++d) {
      f.positions[i][d] = frame.positions[i][d] + h;
      const double ep = provider.compute(f, ComputeRequest::energy_only()).energy;
      f.positions[i][d] = frame.positions[i][d] - h;
      const double em = provider.compute(f, ComputeRequest::energy_only()).energy;
      f.positions[i][d] = frame.positions[i][d];
      r.numeric_forces[i][d] = -(ep - em) / (2 * h);
      r.max_force_error = std::max(r.max_force_error, std::fabs(r.numeric_forces[i][d] - r.analytic.forces[i][d]));
    }
  if (strain_step > 0) {
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        auto energy_at = [&](double eps) {
          Mat3 strain{};
          strain[a][b] = eps;
          Frame g = frame;
          const Mat3 m = identity_mat3() + strain;
          for (auto& p : g.positions) p = m * p;
          if (frame.cell.is_invertible()) g.cell = frame.cell.deformed(strain);
          return provider.compute(g, ComputeRequest::energy_only()).energy;
        };
        r.numeric_virial[a][b] = -(energy_at(strain_step) - energy_at(-strain_step)) / (2 * strain_step);
        r.max_virial_error =
            std::max(r.max_virial_error, std::fabs(r.numeric_virial[a][b] - r.analytic.virial[a][b]));
      }
  }
  return r;
}

}  // namespace slhmc
