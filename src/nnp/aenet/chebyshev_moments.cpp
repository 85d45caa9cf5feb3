// The Cartesian moment factorisation of the aenet Chebyshev angular sums (the fast path's
// O(M·K) alternative to the O(M²) pair blocks; see ChebyshevMoments in the header for the
// identity). Same values as the pair loop up to rounding; tests/consistency compares them.
#include "chebyshev_descriptor.hpp"

namespace slhmc::nnp::aenet_chebyshev {

namespace {

// Monomials and moments of the last values() call, for gradient() on the same thread.
struct MomentScratch {
  std::vector<double> mono;     // entry × K
  std::vector<double> M0, M1;   // K moments of the two channels
  std::vector<double> mu0, mu1; // ∂E/∂M
};
MomentScratch& moment_scratch() {
  thread_local MomentScratch s;
  return s;
}

}  // namespace

ChebyshevMoments::ChebyshevMoments(int order, ChebyshevInterval angular) : n_a_(order + 1) {
  if (order > kMaxMomentOrder) return;
  const int P = order;
  auto index_of = [&](int x, int y, int z) {
    for (std::size_t i = 0; i < monomials_.size(); ++i)
      if (monomials_[i].exponent[0] == x && monomials_[i].exponent[1] == y && monomials_[i].exponent[2] == z)
        return static_cast<int>(i);
    return -1;
  };
  auto fact = [](int n) {
    double f = 1.0;
    for (int i = 2; i <= n; ++i) f *= i;
    return f;
  };
  for (int p = 0; p <= P; ++p)
    for (int x = p; x >= 0; --x)
      for (int y = p - x; y >= 0; --y) {
        const int z = p - x - y;
        Monomial m{p, {x, y, z}, -1, 0, {-1, -1, -1}, fact(p) / (fact(x) * fact(y) * fact(z))};
        const int e[3] = {x, y, z};
        for (int d = 0; d < 3; ++d)
          if (e[d] > 0) {
            int f[3] = {x, y, z};
            --f[d];
            m.lower[d] = index_of(f[0], f[1], f[2]);
            if (m.parent < 0) {
              m.parent = m.lower[d];
              m.dir = d;
            }
          }
        monomials_.push_back(m);
      }
  // Coefficients of T_n(α c + β) in powers of c: P_0 = 1, P_1 = α c + β, P_n = 2(α c + β) P_{n−1} − P_{n−2}.
  const double alpha = 2.0 / (angular.r1 - angular.r0);
  const double beta = -(angular.r0 + angular.r1) / (angular.r1 - angular.r0);
  const std::size_t na = static_cast<std::size_t>(n_a_);
  poly_.assign(na * na, 0.0);  // poly_[n·na + p]
  poly_[0] = 1.0;
  if (na > 1) {
    poly_[na + 0] = beta;
    poly_[na + 1] = alpha;
  }
  for (std::size_t n = 2; n < na; ++n)
    for (std::size_t q = 0; q <= n; ++q) {
      double v = 2.0 * beta * poly_[(n - 1) * na + q] - poly_[(n - 2) * na + q];
      if (q > 0) v += 2.0 * alpha * poly_[(n - 1) * na + q - 1];
      poly_[n * na + q] = v;
    }
}

bool ChebyshevMoments::cheaper(std::size_t ma) const {
  const double pairs = 0.5 * static_cast<double>(ma) * static_cast<double>(ma > 0 ? ma - 1 : 0) * (30.0 + 10.0 * n_a_);
  const double moments = static_cast<double>(ma) * 16.0 * static_cast<double>(monomials_.size());
  return moments < pairs;
}

void ChebyshevMoments::values(const AngularEntries& in, bool weighted, double* ang, double* angw) const {
  const std::vector<double>&ax = in.ax, &ay = in.ay, &az = in.az, &ad = in.ad, &fca = in.fca, &as = in.as;
  MomentScratch& s = moment_scratch();
  const std::size_t ma = ax.size(), K = monomials_.size(), na = static_cast<std::size_t>(n_a_);
  s.mono.resize(ma * K);
  s.M0.assign(K, 0.0);
  s.M1.assign(K, 0.0);
  double D0 = 0.0, D1 = 0.0;
  for (std::size_t e = 0; e < ma; ++e) {
    double* mono = s.mono.data() + e * K;
    const double inv = 1.0 / ad[e];
    const double u[3] = {ax[e] * inv, ay[e] * inv, az[e] * inv};
    mono[0] = 1.0;
    for (std::size_t a = 1; a < K; ++a) mono[a] = mono[monomials_[a].parent] * u[monomials_[a].dir];
    const double w0 = fca[e], w1 = fca[e] * as[e];
    for (std::size_t a = 0; a < K; ++a) s.M0[a] += w0 * mono[a];
    D0 += w0 * w0;
    if (weighted) {
      for (std::size_t a = 0; a < K; ++a) s.M1[a] += w1 * mono[a];
      D1 += w1 * w1;
    }
  }
  // S_p = ½(Σ_{|α|=p} m_α M_α² − D), then G_n = Σ_p b_np S_p.
  double S0[64] = {0}, S1[64] = {0};
  for (std::size_t a = 0; a < K; ++a) {
    const Monomial& m = monomials_[a];
    S0[m.degree] += m.multinomial * s.M0[a] * s.M0[a];
    if (weighted) S1[m.degree] += m.multinomial * s.M1[a] * s.M1[a];
  }
  for (std::size_t q = 0; q < na; ++q) {
    S0[q] = 0.5 * (S0[q] - D0);
    S1[q] = 0.5 * (S1[q] - D1);
  }
  for (std::size_t n = 0; n < na; ++n) {
    double v0 = 0.0, v1 = 0.0;
    for (std::size_t q = 0; q <= n; ++q) {
      v0 += poly_[n * na + q] * S0[q];
      v1 += poly_[n * na + q] * S1[q];
    }
    ang[n] += v0;
    if (weighted) angw[n] += v1;
  }
}

void ChebyshevMoments::gradient(const AngularEntries& in, bool weighted, const double* g_ang, const double* g_angw,
                                std::span<Vec3> h) const {
  const std::vector<double>&ax = in.ax, &ay = in.ay, &az = in.az, &ad = in.ad, &fca = in.fca, &dfca = in.dfca,
                            &as = in.as;
  const std::vector<int>& entries = in.entries;
  MomentScratch& s = moment_scratch();
  const std::size_t ma = ax.size(), K = monomials_.size(), na = static_cast<std::size_t>(n_a_);
  // γ_p = Σ_n g_n b_np = ∂E/∂S_p; ∂E/∂M_α = γ_|α| m_α M_α; ∂E/∂D = −½ Σ_p γ_p.
  double gamma0[64] = {0}, gamma1[64] = {0};
  for (std::size_t n = 0; n < na; ++n)
    for (std::size_t q = 0; q <= n; ++q) {
      gamma0[q] += g_ang[n] * poly_[n * na + q];
      if (weighted) gamma1[q] += g_angw[n] * poly_[n * na + q];
    }
  double dD0 = 0.0, dD1 = 0.0;
  for (std::size_t q = 0; q < na; ++q) {
    dD0 -= 0.5 * gamma0[q];
    dD1 -= 0.5 * gamma1[q];
  }
  s.mu0.resize(K);
  s.mu1.resize(K);
  for (std::size_t a = 0; a < K; ++a) {
    const Monomial& m = monomials_[a];
    s.mu0[a] = gamma0[m.degree] * m.multinomial * s.M0[a];
    s.mu1[a] = weighted ? gamma1[m.degree] * m.multinomial * s.M1[a] : 0.0;
  }
  for (std::size_t e = 0; e < ma; ++e) {
    const double* mono = s.mono.data() + e * K;
    const double inv = 1.0 / ad[e];
    const double u[3] = {ax[e] * inv, ay[e] * inv, az[e] * inv};
    const double w0 = fca[e], w1 = fca[e] * as[e];
    // ∂E/∂ω (the ½ of S and the factor 2 of ∂M_α²/∂M_α cancel) and v = Σ_α ν_α ∇_u u^α.
    double dw0 = 2.0 * dD0 * w0, dw1 = 2.0 * dD1 * w1;
    double v[3] = {0.0, 0.0, 0.0};
    for (std::size_t a = 0; a < K; ++a) {
      dw0 += s.mu0[a] * mono[a];
      dw1 += s.mu1[a] * mono[a];
      const double nu = w0 * s.mu0[a] + w1 * s.mu1[a];
      const Monomial& m = monomials_[a];
      for (int d = 0; d < 3; ++d)
        if (m.lower[d] >= 0) v[d] += nu * m.exponent[d] * mono[m.lower[d]];
    }
    if (!weighted) dw1 = 0.0;
    // ω depends on d (dω/dd = fc', fc'·spin), u on the direction: ∂u/∂R = (I − u uᵀ)/d.
    const double radial = dw0 * dfca[e] + dw1 * dfca[e] * as[e];
    const double uv = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
    Vec3& he = h[static_cast<std::size_t>(entries[e])];
    for (int d = 0; d < 3; ++d) he[d] += radial * u[d] + inv * (v[d] - uv * u[d]);
  }
}

}  // namespace slhmc::nnp::aenet_chebyshev
