// The reference evaluation of the aenet Chebyshev descriptor: compute() and backprop() as plain
// loops over entries and pairs of entries (j < k), one polynomial evaluation at a time. The fast
// path (chebyshev.cpp) is tested against these (tests/consistency).
#include "chebyshev_descriptor.hpp"

namespace slhmc::nnp::aenet_chebyshev {

void ChebyshevDescriptor::compute(const AenetEnvironment& env, std::span<double> G) const {
  for (double& g : G) g = 0.0;
  const bool weighted = nenv_ > 1;
  double* rad = G.data();
  double* ang = G.data() + n_r_;
  double* radw = G.data() + n_r_ + n_a_;
  double* angw = radw + n_r_;
  double T[1024];
  const std::size_t m = env.r.size();
  for (std::size_t j = 0; j < m; ++j) {
    const double d = env.d[j];
    if (d <= kEps || d > rc_r_) continue;
    const double fc = cutoff_fc(d, rc_r_);
    chebyshev_values(radial_.argument(d), order_r_, T);
    const double sj = spin_[env.type[j]];
    for (int n = 0; n < n_r_; ++n) {
      const double v = fc * T[n];
      rad[n] += v;
      if (weighted) radw[n] += sj * v;
    }
  }
  for (std::size_t j = 0; j < m; ++j) {
    const double dj = env.d[j];
    if (dj > rc_a_) continue;
    const double fcj = cutoff_fc(dj, rc_a_);
    const double sj = spin_[env.type[j]];
    for (std::size_t k = j + 1; k < m; ++k) {
      const double dk = env.d[k];
      if (dk < kEps || dk > rc_a_) continue;
      const double fck = cutoff_fc(dk, rc_a_);
      const double c = dot(env.r[j], env.r[k]) / (dj * dk);
      chebyshev_values(angular_.argument(c), order_a_, T);
      const double w = fcj * fck;
      const double skj = sj * spin_[env.type[k]];
      for (int n = 0; n < n_a_; ++n) {
        const double v = w * T[n];
        ang[n] += v;
        if (weighted) angw[n] += skj * v;
      }
    }
  }
}

void ChebyshevDescriptor::backprop(const AenetEnvironment& env, std::span<const double> g,
                                   std::span<Vec3> h) const {
  const bool weighted = nenv_ > 1;
  const double* g_rad = g.data();
  const double* g_ang = g.data() + n_r_;
  const double* g_radw = g.data() + n_r_ + n_a_;
  const double* g_angw = g_radw + n_r_;
  double T[1024], dT[1024];
  const std::size_t m = env.r.size();
  for (std::size_t j = 0; j < m; ++j) {
    const double d = env.d[j];
    if (d <= kEps || d > rc_r_) continue;
    const double fc = cutoff_fc(d, rc_r_);
    const double dfc = cutoff_dfc(d, rc_r_);
    chebyshev(radial_.argument(d), order_r_, T, dT);
    const double sj = spin_[env.type[j]];
    const double dxdr = radial_.dx_dr();
    // Σ_n a_n (fc' T_n + fc dT_n/dd), a_n = g_n + s_j g^w_n
    double sum = 0.0;
    for (int n = 0; n < n_r_; ++n) {
      const double a = weighted ? g_rad[n] + sj * g_radw[n] : g_rad[n];
      sum += a * (dfc * T[n] + fc * dT[n] * dxdr);
    }
    h[j] += (sum / d) * env.r[j];
  }
  const double dxdc = angular_.dx_dr();
  for (std::size_t j = 0; j < m; ++j) {
    const double dj = env.d[j];
    if (dj > rc_a_) continue;
    const double fcj = cutoff_fc(dj, rc_a_);
    const double dfcj = cutoff_dfc(dj, rc_a_);
    const double sj = spin_[env.type[j]];
    const Vec3 uj = (1.0 / dj) * env.r[j];
    for (std::size_t k = j + 1; k < m; ++k) {
      const double dk = env.d[k];
      if (dk < kEps || dk > rc_a_) continue;
      const double fck = cutoff_fc(dk, rc_a_);
      const double dfck = cutoff_dfc(dk, rc_a_);
      const Vec3 uk = (1.0 / dk) * env.r[k];
      const double c = dot(env.r[j], env.r[k]) / (dj * dk);
      chebyshev(angular_.argument(c), order_a_, T, dT);
      const double skj = sj * spin_[env.type[k]];
      double A = 0.0, B = 0.0;  // Σ a_n T_n, Σ a_n dT_n/dc
      for (int n = 0; n < n_a_; ++n) {
        const double a = weighted ? g_ang[n] + skj * g_angw[n] : g_ang[n];
        A += a * T[n];
        B += a * dT[n];
      }
      B *= dxdc;
      const double w = fcj * fck;
      // ∂(w f)/∂R_j = fc'_j fc_k f u_j + w f' (u_k − c u_j)/d_j, likewise for k.
      h[j] += (dfcj * fck * A) * uj + (w * B / dj) * (uk - c * uj);
      h[k] += (fcj * dfck * A) * uk + (w * B / dk) * (uj - c * uk);
    }
  }
}

}  // namespace slhmc::nnp::aenet_chebyshev
