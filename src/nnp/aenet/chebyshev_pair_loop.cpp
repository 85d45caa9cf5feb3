// The angular pair blocks of the aenet Chebyshev fast path: for each entry j the pairs (j, k > j)
// form one block whose polynomial rows T_n[k] are computed by loops over k (independent,
// vectorisable); G accumulates pairs in (j, k) order as the reference does, and the gradient
// pass only contracts the stored rows with g.
#include "chebyshev_descriptor.hpp"

namespace slhmc::nnp::aenet_chebyshev {

void ChebyshevDescriptor::pair_values(FastScratch& c, bool weighted, double* ang, double* angw) const {
  const AngularEntries& ae = c.ang;
  const std::size_t ma = ae.entries.size(), na = static_cast<std::size_t>(n_a_);
  std::size_t off = 0;
  const std::size_t npairs = ma * (ma - (ma > 0 ? 1 : 0)) / 2;
  c.pairT.resize(npairs * na);
  c.pairdT.resize(npairs * na);
  c.pair_c.resize(npairs);
  c.pair_w.resize(npairs);
  c.U.resize(2 * ma);
  const double r0 = angular_.r0, r1 = angular_.r1;
  for (std::size_t a = 0; a < ma; ++a) {
    const std::size_t cnt = ma - a - 1;
    const double xj = ae.ax[a], yj = ae.ay[a], zj = ae.az[a], dj = ae.ad[a], fj = ae.fca[a], sj = ae.as[a];
    double* cb = c.pair_c.data() + off;
    double* wb = c.pair_w.data() + off;
    double* T = c.pairT.data() + off * na;
    double* dT = c.pairdT.data() + off * na;
    const double* bx = ae.ax.data() + a + 1;
    const double* by = ae.ay.data() + a + 1;
    const double* bz = ae.az.data() + a + 1;
    const double* bd = ae.ad.data() + a + 1;
    const double* bf = ae.fca.data() + a + 1;
    for (std::size_t b = 0; b < cnt; ++b) {
      cb[b] = (xj * bx[b] + yj * by[b] + zj * bz[b]) / (dj * bd[b]);
      wb[b] = fj * bf[b];
    }
    // Rows: T_0 = 1, T_1 = x, T_n = 2x·T_{n−1} − T_{n−2}; dT_n/dx = n·U_{n−1}.
    double* x = T + (na > 1 ? cnt : 0);  // row 1 holds x itself
    for (std::size_t b = 0; b < cnt; ++b) {
      const double xb = (2.0 * cb[b] - r0 - r1) / (r1 - r0);
      T[b] = 1.0;
      dT[b] = 0.0;
      if (na > 1) {
        x[b] = xb;
        dT[cnt + b] = 1.0;
      }
    }
    chebyshev_rows(T, dT, na, cnt, c.U.data(), c.U.data() + ma);
    for (std::size_t b = 0; b < cnt; ++b) {
      const double w = wb[b];
      const double skj = sj * ae.as[a + 1 + b];
      for (std::size_t n = 0; n < na; ++n) {
        const double v = w * T[n * cnt + b];
        ang[n] += v;
        if (weighted) angw[n] += skj * v;
      }
    }
    off += cnt;
  }
}

void ChebyshevDescriptor::pair_gradient(FastScratch& c, bool weighted, const double* g_ang, const double* g_angw,
                                        std::span<Vec3> h) const {
  const AngularEntries& ae = c.ang;
  const std::size_t ma = ae.entries.size(), na = static_cast<std::size_t>(n_a_);
  // Angular gradient, block by block: A_k = Σ_n a_n T_n, B_k = Σ_n a_n dT_n/dc by loops over k.
  const double dxdc = angular_.dx_dr();
  c.hx.assign(ma, 0.0);
  c.hy.assign(ma, 0.0);
  c.hz.assign(ma, 0.0);
  c.A0.resize(ma);
  c.B0.resize(ma);
  c.A1.resize(ma);
  c.B1.resize(ma);
  std::size_t off = 0;
  for (std::size_t a = 0; a < ma; ++a) {
    const std::size_t cnt = ma - a - 1;
    const double* T = c.pairT.data() + off * na;
    const double* dT = c.pairdT.data() + off * na;
    double* A0 = c.A0.data();
    double* B0 = c.B0.data();
    double* A1 = c.A1.data();
    double* B1 = c.B1.data();
    for (std::size_t b = 0; b < cnt; ++b) A0[b] = B0[b] = A1[b] = B1[b] = 0.0;
    for (std::size_t n = 0; n < na; ++n) {
      const double gn = g_ang[n];
      const double* Tn = T + n * cnt;
      const double* dTn = dT + n * cnt;
      for (std::size_t b = 0; b < cnt; ++b) {
        A0[b] += gn * Tn[b];
        B0[b] += gn * dTn[b];
      }
      if (weighted) {
        const double gw = g_angw[n];
        for (std::size_t b = 0; b < cnt; ++b) {
          A1[b] += gw * Tn[b];
          B1[b] += gw * dTn[b];
        }
      }
    }
    const double ujx = ae.ax[a] * ae.inv_d[a], ujy = ae.ay[a] * ae.inv_d[a], ujz = ae.az[a] * ae.inv_d[a];
    const double fj = ae.fca[a], dfj = ae.dfca[a], inv_dj = ae.inv_d[a], sj = ae.as[a];
    const double* cb = c.pair_c.data() + off;
    const double* wb = c.pair_w.data() + off;
    double hjx = 0.0, hjy = 0.0, hjz = 0.0;
    for (std::size_t b = 0; b < cnt; ++b) {
      const std::size_t kb = a + 1 + b;
      const double skj = sj * ae.as[kb];
      const double A = A0[b] + skj * A1[b];
      const double B = (B0[b] + skj * B1[b]) * dxdc;
      const double cjk = cb[b];
      const double wB = wb[b] * B;
      const double inv_dk = ae.inv_d[kb];
      const double ukx = ae.ax[kb] * inv_dk, uky = ae.ay[kb] * inv_dk, ukz = ae.az[kb] * inv_dk;
      // ∂(w f)/∂R_j = fc'_j fc_k f u_j + w f' (u_k − c u_j)/d_j, likewise for k.
      const double rj = dfj * ae.fca[kb] * A, tj = wB * inv_dj;
      const double rk = fj * ae.dfca[kb] * A, tk = wB * inv_dk;
      hjx += rj * ujx + tj * (ukx - cjk * ujx);
      hjy += rj * ujy + tj * (uky - cjk * ujy);
      hjz += rj * ujz + tj * (ukz - cjk * ujz);
      c.hx[kb] += rk * ukx + tk * (ujx - cjk * ukx);
      c.hy[kb] += rk * uky + tk * (ujy - cjk * uky);
      c.hz[kb] += rk * ukz + tk * (ujz - cjk * ukz);
    }
    c.hx[a] += hjx;
    c.hy[a] += hjy;
    c.hz[a] += hjz;
    off += cnt;
  }
  for (std::size_t a = 0; a < ma; ++a) {
    Vec3& ha = h[static_cast<std::size_t>(ae.entries[a])];
    ha[0] += c.hx[a];
    ha[1] += c.hy[a];
    ha[2] += c.hz[a];
  }
}

}  // namespace slhmc::nnp::aenet_chebyshev
