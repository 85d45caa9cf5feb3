// aenet Chebyshev descriptor (Artrith, Urban, Ceder, PRB 96, 014112 (2017)) as
// nnp-formats §A4/§A5 defines it: radial and angular Chebyshev expansions with
// the cosine cutoff, plus species-weighted ("typespin") copies when ENV has
// more than one species. Constants and the order of floating-point operations
// follow aenet so that descriptors agree to the last bits.
#include <cmath>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"

namespace slhmc::nnp {

namespace {

constexpr double kPiAenet = 3.14159265358979;  // aenet's truncated literal (§A3)
constexpr double kEps = 1e-12;                 // Chebyshev distance guard (Å)
constexpr int kMaxMomentOrder = 12;            // highest angular order evaluated by moments

// T_n(x) and dT_n/dx for n = 0 … order on the interval [r0, r1] (§A4.2).
struct ChebyshevInterval {
  double r0, r1;
  // x = (2r − r0 − r1)/(r1 − r0), literally in this order.
  double argument(double r) const { return (2.0 * r - r0 - r1) / (r1 - r0); }
  double dx_dr() const { return 2.0 / (r1 - r0); }
};

// Values T[0..n] and derivatives dT[0..n] (d/dx) at x.
inline void chebyshev(double x, int order, double* T, double* dT) {
  T[0] = 1.0;
  dT[0] = 0.0;
  if (order == 0) return;
  T[1] = x;
  double u_prev = 1.0;  // U_0
  double u = 2.0 * x;   // U_1
  dT[1] = 1.0;          // 1·U_0
  for (int n = 2; n <= order; ++n) {
    T[n] = 2.0 * x * T[n - 1] - T[n - 2];
    dT[n] = n * u;  // n·U_{n−1}
    const double u_next = 2.0 * x * u - u_prev;
    u_prev = u;
    u = u_next;
  }
}

inline void chebyshev_values(double x, int order, double* T) {
  T[0] = 1.0;
  if (order == 0) return;
  T[1] = x;
  for (int n = 2; n <= order; ++n) T[n] = 2.0 * x * T[n - 1] - T[n - 2];
}

// Cosine cutoff, Chebyshev code form: the factor π_a/Rc is formed first.
inline double cutoff_fc(double d, double rc) { return d >= rc ? 0.0 : 0.5 * (std::cos((kPiAenet / rc) * d) + 1.0); }
inline double cutoff_dfc(double d, double rc) {
  return d >= rc ? 0.0 : -0.5 * (kPiAenet / rc) * std::sin((kPiAenet / rc) * d);
}

class ChebyshevDescriptor final : public AenetDescriptor {
 public:
  ChebyshevDescriptor(const AenetNetFile& f, int version, int moment_mode)
      : version_(version), moment_mode_(moment_mode) {
    const std::string where = f.source + ": Chebyshev setup: ";
    if (f.nsfparam != 4) throw Error(where + "nsfparam = " + std::to_string(f.nsfparam) + ", expected 4 (AccelNet extensions are not supported)");
    if (version != 0 && version != 1)
      throw Error(where + "Chebyshev version " + std::to_string(version) + " is not supported (0 or 1)");
    rc_r_ = f.sfparam[0];
    const double nr = f.sfparam[1];
    rc_a_ = f.sfparam[2];
    const double na = f.sfparam[3];
    if (!(rc_r_ > 0) || !(rc_a_ > 0)) throw Error(where + "cutoffs must be positive");
    if (nr != std::floor(nr) || na != std::floor(na) || nr < 0 || na < 0 || nr > 1000 || na > 1000)
      throw Error(where + "polynomial orders must be non-negative integers");
    order_r_ = static_cast<int>(nr);
    order_a_ = static_cast<int>(na);
    nenv_ = static_cast<int>(f.envtypes.size());
    n_r_ = order_r_ + 1;
    n_a_ = order_a_ + 1;
    const int expected = (nenv_ > 1 ? 2 : 1) * (n_r_ + n_a_);
    if (f.nsf != expected)
      throw Error(where + "nsf = " + std::to_string(f.nsf) + " but radial order " + std::to_string(order_r_) +
                  ", angular order " + std::to_string(order_a_) + " and " + std::to_string(nenv_) +
                  " ENV species give " + std::to_string(expected));
    // Species weights (§A4.3): −⌊n/2⌋ …, skipping 0 for even n.
    int s = -(nenv_ / 2);
    for (int l = 0; l < nenv_; ++l) {
      if (s == 0 && nenv_ % 2 == 0) ++s;
      spin_.push_back(s);
      ++s;
    }
    radial_ = {0.0, rc_r_};
    angular_ = version == 0 ? ChebyshevInterval{-1.0, 1.0} : ChebyshevInterval{0.0, kPiAenet};
    build_moment_tables();
  }

  int size() const override { return (nenv_ > 1 ? 2 : 1) * (n_r_ + n_a_); }
  double cutoff() const override { return std::max(rc_r_, rc_a_); }
  std::string summary() const override {
    std::ostringstream s;
    s << "Chebyshev(radial Rc " << rc_r_ << " order " << order_r_ << ", angular Rc " << rc_a_ << " order "
      << order_a_ << ", version " << version_ << ")";
    return s.str();
  }

  void compute(const AenetEnvironment& env, std::span<double> G) const override {
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

  // Fast path: one pass stores per-entry and per-pair polynomial values, the
  // gradient pass only contracts them (the Jacobian is never formed; §F1).
  void evaluate(const AenetEnvironment& env, std::span<double> G, std::span<double> g, const GradientFunction& dE_dG,
                std::span<Vec3> h) const override {
    struct Cache {
      std::vector<double> radT, raddT;     // N_r rows × radial entries
      std::vector<double> rd, rfc, rdfc, rs, rsum;  // radial entries: d, fc, fc', spin, gradient sum
      std::vector<int> rad_entries;        // entries inside the radial cutoff
      std::vector<int> ang_entries;        // entries inside the angular cutoff
      std::vector<double> fca, dfca, inv_d;  // angular entries (structure of arrays)
      std::vector<double> ax, ay, az, ad, as;
      std::vector<double> pairT, pairdT;   // per j-block: N_a rows × block length (dT/dx)
      std::vector<double> pair_c, pair_w;  // cos θ_jk and fc_j·fc_k per pair
      std::vector<double> U;               // Chebyshev U recursion, two rows
      std::vector<double> A0, B0, A1, B1;  // gradient contractions of one block
      std::vector<double> hx, hy, hz;      // angular edge gradients
    };
    thread_local Cache c;
    for (double& x : G) x = 0.0;
    const bool weighted = nenv_ > 1;
    double* rad = G.data();
    double* ang = G.data() + n_r_;
    double* radw = G.data() + n_r_ + n_a_;
    double* angw = radw + n_r_;
    const std::size_t m = env.r.size();
    const std::size_t nr = static_cast<std::size_t>(n_r_), na = static_cast<std::size_t>(n_a_);

    // Radial values, structure of arrays: rows T_n[e] over the entries inside the radial
    // cutoff, computed by loops over entries (independent, vectorisable); every G_n sums the
    // entries in list order as the plain path does.
    c.rad_entries.clear();
    c.rd.clear();
    c.rfc.clear();
    c.rdfc.clear();
    c.rs.clear();
    for (std::size_t j = 0; j < m; ++j) {
      const double d = env.d[j];
      if (d <= kEps || d > rc_r_) continue;
      c.rad_entries.push_back(static_cast<int>(j));
      c.rd.push_back(d);
      c.rfc.push_back(cutoff_fc(d, rc_r_));
      c.rdfc.push_back(cutoff_dfc(d, rc_r_));
      c.rs.push_back(spin_[env.type[j]]);
    }
    const std::size_t mr = c.rad_entries.size();
    c.radT.resize(mr * nr);
    c.raddT.resize(mr * nr);
    c.U.resize(2 * std::max(mr, m));
    {
      double* T = c.radT.data();
      double* dT = c.raddT.data();
      double* x = T + (nr > 1 ? mr : 0);
      for (std::size_t e = 0; e < mr; ++e) {
        T[e] = 1.0;
        dT[e] = 0.0;
        if (nr > 1) {
          x[e] = radial_.argument(c.rd[e]);
          dT[mr + e] = 1.0;
        }
      }
      if (nr > 2) {
        double* u_prev = c.U.data();
        double* u = c.U.data() + mr;
        for (std::size_t e = 0; e < mr; ++e) {
          u_prev[e] = 1.0;
          u[e] = 2.0 * x[e];
        }
        for (std::size_t n = 2; n < nr; ++n) {
          double* Tn = T + n * mr;
          const double* T1 = T + (n - 1) * mr;
          const double* T2 = T + (n - 2) * mr;
          double* dTn = dT + n * mr;
          const double dn = static_cast<double>(n);
          for (std::size_t e = 0; e < mr; ++e) {
            Tn[e] = 2.0 * x[e] * T1[e] - T2[e];
            dTn[e] = dn * u[e];
            const double next = 2.0 * x[e] * u[e] - u_prev[e];
            u_prev[e] = u[e];
            u[e] = next;
          }
        }
      }
      for (std::size_t n = 0; n < nr; ++n) {
        const double* Tn = T + n * mr;
        double sum = rad[n], sumw = weighted ? radw[n] : 0.0;
        for (std::size_t e = 0; e < mr; ++e) {
          const double v = c.rfc[e] * Tn[e];
          sum += v;
          if (weighted) sumw += c.rs[e] * v;
        }
        rad[n] = sum;
        if (weighted) radw[n] = sumw;
      }
    }
    // Angular values: entries inside the angular cutoff in structure-of-arrays form; for
    // each j the pairs (j, k > j) form one block whose polynomial rows T_n[k] are computed
    // by loops over k (independent, vectorisable); G accumulates pairs in (j, k) order.
    c.ang_entries.clear();
    c.fca.clear();
    c.dfca.clear();
    c.inv_d.clear();
    c.ax.clear();
    c.ay.clear();
    c.az.clear();
    c.ad.clear();
    c.as.clear();
    for (std::size_t j = 0; j < m; ++j) {
      const double d = env.d[j];
      if (d < kEps || d > rc_a_) continue;
      c.ang_entries.push_back(static_cast<int>(j));
      c.fca.push_back(cutoff_fc(d, rc_a_));
      c.dfca.push_back(cutoff_dfc(d, rc_a_));
      c.inv_d.push_back(1.0 / d);
      c.ax.push_back(env.r[j][0]);
      c.ay.push_back(env.r[j][1]);
      c.az.push_back(env.r[j][2]);
      c.ad.push_back(d);
      c.as.push_back(spin_[env.type[j]]);
    }
    const std::size_t ma = c.ang_entries.size();
    // Moments only for modest angular orders (the power-basis coefficients grow like 2^n).
    const bool moments = order_a_ <= kMaxMomentOrder && (moment_mode_ == 1 || (moment_mode_ < 0 && moments_cheaper(ma)));
    std::size_t off = 0;
    if (moments) {
      moment_values(c.ax, c.ay, c.az, c.ad, c.fca, c.as, weighted, ang, angw);
    } else {
    const std::size_t npairs = ma * (ma - (ma > 0 ? 1 : 0)) / 2;
    c.pairT.resize(npairs * na);
    c.pairdT.resize(npairs * na);
    c.pair_c.resize(npairs);
    c.pair_w.resize(npairs);
    c.U.resize(2 * ma);
    const double r0 = angular_.r0, r1 = angular_.r1;
    for (std::size_t a = 0; a < ma; ++a) {
      const std::size_t cnt = ma - a - 1;
      const double xj = c.ax[a], yj = c.ay[a], zj = c.az[a], dj = c.ad[a], fj = c.fca[a], sj = c.as[a];
      double* cb = c.pair_c.data() + off;
      double* wb = c.pair_w.data() + off;
      double* T = c.pairT.data() + off * na;
      double* dT = c.pairdT.data() + off * na;
      const double* bx = c.ax.data() + a + 1;
      const double* by = c.ay.data() + a + 1;
      const double* bz = c.az.data() + a + 1;
      const double* bd = c.ad.data() + a + 1;
      const double* bf = c.fca.data() + a + 1;
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
      if (na > 2) {
        double* u_prev = c.U.data();
        double* u = c.U.data() + ma;
        for (std::size_t b = 0; b < cnt; ++b) {
          u_prev[b] = 1.0;
          u[b] = 2.0 * x[b];
        }
        for (std::size_t n = 2; n < na; ++n) {
          double* Tn = T + n * cnt;
          const double* T1 = T + (n - 1) * cnt;
          const double* T2 = T + (n - 2) * cnt;
          double* dTn = dT + n * cnt;
          const double dn = static_cast<double>(n);
          for (std::size_t b = 0; b < cnt; ++b) {
            Tn[b] = 2.0 * x[b] * T1[b] - T2[b];
            dTn[b] = dn * u[b];
            const double next = 2.0 * x[b] * u[b] - u_prev[b];
            u_prev[b] = u[b];
            u[b] = next;
          }
        }
      }
      for (std::size_t b = 0; b < cnt; ++b) {
        const double w = wb[b];
        const double skj = sj * c.as[a + 1 + b];
        for (std::size_t n = 0; n < na; ++n) {
          const double v = w * T[n * cnt + b];
          ang[n] += v;
          if (weighted) angw[n] += skj * v;
        }
      }
      off += cnt;
    }

    }

    dE_dG(G, g);

    const double* g_rad = g.data();
    const double* g_ang = g.data() + n_r_;
    const double* g_radw = g.data() + n_r_ + n_a_;
    const double* g_angw = g_radw + n_r_;
    const double dxdr = radial_.dx_dr();
    {
      // Σ_n a_n (fc' T_n + fc dT_n/dd) per entry, a_n = g_n + s_e g^w_n; loops over entries inside.
      c.rsum.assign(mr, 0.0);
      double* sum = c.rsum.data();
      for (std::size_t n = 0; n < nr; ++n) {
        const double* Tn = c.radT.data() + n * mr;
        const double* dTn = c.raddT.data() + n * mr;
        const double gn = g_rad[n], gw = weighted ? g_radw[n] : 0.0;
        for (std::size_t e = 0; e < mr; ++e) {
          const double an = weighted ? gn + c.rs[e] * gw : gn;
          sum[e] += an * (c.rdfc[e] * Tn[e] + c.rfc[e] * dTn[e] * dxdr);
        }
      }
      for (std::size_t e = 0; e < mr; ++e) {
        const std::size_t j = static_cast<std::size_t>(c.rad_entries[e]);
        h[j] += (sum[e] / c.rd[e]) * env.r[j];
      }
    }
    if (moments) {
      moment_gradient(c.ax, c.ay, c.az, c.ad, c.fca, c.dfca, c.as, weighted, g_ang, g_angw, c.ang_entries, h);
      return;
    }
    // Angular gradient, block by block: A_k = Σ_n a_n T_n, B_k = Σ_n a_n dT_n/dc by loops over k.
    const double dxdc = angular_.dx_dr();
    c.hx.assign(ma, 0.0);
    c.hy.assign(ma, 0.0);
    c.hz.assign(ma, 0.0);
    c.A0.resize(ma);
    c.B0.resize(ma);
    c.A1.resize(ma);
    c.B1.resize(ma);
    off = 0;
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
      const double ujx = c.ax[a] * c.inv_d[a], ujy = c.ay[a] * c.inv_d[a], ujz = c.az[a] * c.inv_d[a];
      const double fj = c.fca[a], dfj = c.dfca[a], inv_dj = c.inv_d[a], sj = c.as[a];
      const double* cb = c.pair_c.data() + off;
      const double* wb = c.pair_w.data() + off;
      double hjx = 0.0, hjy = 0.0, hjz = 0.0;
      for (std::size_t b = 0; b < cnt; ++b) {
        const std::size_t kb = a + 1 + b;
        const double skj = sj * c.as[kb];
        const double A = A0[b] + skj * A1[b];
        const double B = (B0[b] + skj * B1[b]) * dxdc;
        const double cjk = cb[b];
        const double wB = wb[b] * B;
        const double inv_dk = c.inv_d[kb];
        const double ukx = c.ax[kb] * inv_dk, uky = c.ay[kb] * inv_dk, ukz = c.az[kb] * inv_dk;
        // ∂(w f)/∂R_j = fc'_j fc_k f u_j + w f' (u_k − c u_j)/d_j, likewise for k.
        const double rj = dfj * c.fca[kb] * A, tj = wB * inv_dj;
        const double rk = fj * c.dfca[kb] * A, tk = wB * inv_dk;
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
      Vec3& ha = h[static_cast<std::size_t>(c.ang_entries[a])];
      ha[0] += c.hx[a];
      ha[1] += c.hy[a];
      ha[2] += c.hz[a];
    }
  }

  void backprop(const AenetEnvironment& env, std::span<const double> g, std::span<Vec3> h) const override {
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

  // ---- Cartesian moment factorisation of the angular sums (issue 3 §5, nnp-formats §F) ----
  // With u = R/d and per-entry weights ω (fc, or fc·spin for the weighted block),
  //   Σ_{j<k} ω_j ω_k (u_j·u_k)^p = ½ [Σ_{|α|=p} p!/α! (Σ_j ω_j u_j^α)² − Σ_j ω_j²],
  // and T_n(x(c)) = Σ_p b_np c^p, so the O(M²) pair loop becomes O(M·K) with K the number of
  // monomials u^α of degree ≤ N_a − 1. Same values up to rounding (tested against the pair path).
  struct Monomial {
    int degree;
    int exponent[3];
    int parent;      // index of α − e_dir (−1 for α = 0)
    int dir;         // the direction removed to get the parent
    int lower[3];    // index of α − e_x, α − e_y, α − e_z (−1 where the exponent is 0)
    double multinomial;  // p!/(α_x! α_y! α_z!)
  };

  void build_moment_tables() {
    if (order_a_ > kMaxMomentOrder) return;
    const int P = order_a_;
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
    const double alpha = 2.0 / (angular_.r1 - angular_.r0);
    const double beta = -(angular_.r0 + angular_.r1) / (angular_.r1 - angular_.r0);
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

  // Estimated cost of the pair loop vs the moments, in rough operation counts per centre.
  bool moments_cheaper(std::size_t ma) const {
    const double pairs = 0.5 * static_cast<double>(ma) * static_cast<double>(ma > 0 ? ma - 1 : 0) * (30.0 + 10.0 * n_a_);
    const double moments = static_cast<double>(ma) * 16.0 * static_cast<double>(monomials_.size());
    return moments < pairs;
  }

  struct MomentScratch {
    std::vector<double> mono;     // entry × K
    std::vector<double> M0, M1;   // K moments of the two channels
    std::vector<double> mu0, mu1; // ∂E/∂M
  };
  static MomentScratch& moment_scratch() {
    thread_local MomentScratch s;
    return s;
  }

  void moment_values(const std::vector<double>& ax, const std::vector<double>& ay, const std::vector<double>& az,
                     const std::vector<double>& ad, const std::vector<double>& fca, const std::vector<double>& as,
                     bool weighted, double* ang, double* angw) const {
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

  void moment_gradient(const std::vector<double>& ax, const std::vector<double>& ay, const std::vector<double>& az,
                       const std::vector<double>& ad, const std::vector<double>& fca, const std::vector<double>& dfca,
                       const std::vector<double>& as, bool weighted, const double* g_ang, const double* g_angw,
                       const std::vector<int>& entries, std::span<Vec3> h) const {
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

 private:
  int version_;
  int moment_mode_ = -1;  // −1: choose by cost, 0: pair loop, 1: moments
  std::vector<Monomial> monomials_;
  std::vector<double> poly_;
  double rc_r_ = 0, rc_a_ = 0;
  int order_r_ = 0, order_a_ = 0, n_r_ = 0, n_a_ = 0, nenv_ = 0;
  std::vector<double> spin_;
  ChebyshevInterval radial_{0, 1}, angular_{-1, 1};
};

}  // namespace

std::unique_ptr<AenetDescriptor> make_chebyshev_descriptor(const AenetNetFile& file, int version, int moment_mode) {
  return std::make_unique<ChebyshevDescriptor>(file, version, moment_mode);
}

}  // namespace slhmc::nnp
