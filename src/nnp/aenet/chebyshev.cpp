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
  ChebyshevDescriptor(const AenetNetFile& f, int version) : version_(version) {
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
      std::vector<double> radT, raddT;     // entry × N_r
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

    // Radial values.
    c.rad_entries.clear();
    c.radT.resize(m * nr);
    c.raddT.resize(m * nr);
    for (std::size_t j = 0; j < m; ++j) {
      const double d = env.d[j];
      if (d <= kEps || d > rc_r_) continue;
      c.rad_entries.push_back(static_cast<int>(j));
      double* T = c.radT.data() + c.rad_entries.size() * nr - nr;
      double* dT = c.raddT.data() + c.rad_entries.size() * nr - nr;
      const double fc = cutoff_fc(d, rc_r_);
      chebyshev(radial_.argument(d), order_r_, T, dT);
      const double sj = spin_[env.type[j]];
      for (std::size_t n = 0; n < nr; ++n) {
        const double v = fc * T[n];
        rad[n] += v;
        if (weighted) radw[n] += sj * v;
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
    const std::size_t npairs = ma * (ma - (ma > 0 ? 1 : 0)) / 2;
    c.pairT.resize(npairs * na);
    c.pairdT.resize(npairs * na);
    c.pair_c.resize(npairs);
    c.pair_w.resize(npairs);
    c.U.resize(2 * ma);
    const double r0 = angular_.r0, r1 = angular_.r1;
    std::size_t off = 0;
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

    dE_dG(G, g);

    const double* g_rad = g.data();
    const double* g_ang = g.data() + n_r_;
    const double* g_radw = g.data() + n_r_ + n_a_;
    const double* g_angw = g_radw + n_r_;
    const double dxdr = radial_.dx_dr();
    for (std::size_t q = 0; q < c.rad_entries.size(); ++q) {
      const std::size_t j = static_cast<std::size_t>(c.rad_entries[q]);
      const double d = env.d[j];
      const double fc = cutoff_fc(d, rc_r_);
      const double dfc = cutoff_dfc(d, rc_r_);
      const double* T = c.radT.data() + q * nr;
      const double* dT = c.raddT.data() + q * nr;
      const double sj = spin_[env.type[j]];
      double sum = 0.0;
      for (std::size_t n = 0; n < nr; ++n) {
        const double an = weighted ? g_rad[n] + sj * g_radw[n] : g_rad[n];
        sum += an * (dfc * T[n] + fc * dT[n] * dxdr);
      }
      h[j] += (sum / d) * env.r[j];
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

 private:
  int version_;
  double rc_r_ = 0, rc_a_ = 0;
  int order_r_ = 0, order_a_ = 0, n_r_ = 0, n_a_ = 0, nenv_ = 0;
  std::vector<double> spin_;
  ChebyshevInterval radial_{0, 1}, angular_{-1, 1};
};

}  // namespace

std::unique_ptr<AenetDescriptor> make_chebyshev_descriptor(const AenetNetFile& file, int version) {
  return std::make_unique<ChebyshevDescriptor>(file, version);
}

}  // namespace slhmc::nnp
