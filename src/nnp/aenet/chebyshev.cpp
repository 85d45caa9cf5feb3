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
      std::vector<double> fca, dfca, inv_d;
      std::vector<Vec3> u;
      std::vector<double> pairT, pairdT;   // pair × N_a (dT/dx)
      std::vector<double> pair_c;
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
    // Angular values: entries inside the angular cutoff, every pair once.
    c.ang_entries.clear();
    c.fca.clear();
    c.dfca.clear();
    c.inv_d.clear();
    c.u.clear();
    for (std::size_t j = 0; j < m; ++j) {
      const double d = env.d[j];
      if (d < kEps || d > rc_a_) continue;
      c.ang_entries.push_back(static_cast<int>(j));
      c.fca.push_back(cutoff_fc(d, rc_a_));
      c.dfca.push_back(cutoff_dfc(d, rc_a_));
      c.inv_d.push_back(1.0 / d);
      c.u.push_back((1.0 / d) * env.r[j]);
    }
    const std::size_t ma = c.ang_entries.size();
    const std::size_t npairs = ma * (ma - (ma > 0 ? 1 : 0)) / 2;
    c.pairT.resize(npairs * na);
    c.pairdT.resize(npairs * na);
    c.pair_c.resize(npairs);
    std::size_t p = 0;
    for (std::size_t a = 0; a < ma; ++a) {
      const std::size_t j = static_cast<std::size_t>(c.ang_entries[a]);
      const double dj = env.d[j];
      const double sj = spin_[env.type[j]];
      for (std::size_t b = a + 1; b < ma; ++b, ++p) {
        const std::size_t k = static_cast<std::size_t>(c.ang_entries[b]);
        const double cos_jk = dot(env.r[j], env.r[k]) / (dj * env.d[k]);
        c.pair_c[p] = cos_jk;
        double* T = c.pairT.data() + p * na;
        chebyshev(angular_.argument(cos_jk), order_a_, T, c.pairdT.data() + p * na);
        const double w = c.fca[a] * c.fca[b];
        const double skj = sj * spin_[env.type[k]];
        for (std::size_t n = 0; n < na; ++n) {
          const double v = w * T[n];
          ang[n] += v;
          if (weighted) angw[n] += skj * v;
        }
      }
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
    const double dxdc = angular_.dx_dr();
    p = 0;
    for (std::size_t a = 0; a < ma; ++a) {
      const std::size_t j = static_cast<std::size_t>(c.ang_entries[a]);
      const double sj = spin_[env.type[j]];
      const Vec3 uj = c.u[a];
      Vec3 hj{0, 0, 0};
      for (std::size_t b = a + 1; b < ma; ++b, ++p) {
        const std::size_t k = static_cast<std::size_t>(c.ang_entries[b]);
        const double skj = sj * spin_[env.type[k]];
        const double* T = c.pairT.data() + p * na;
        const double* dT = c.pairdT.data() + p * na;
        double A0 = 0.0, B0 = 0.0, A1 = 0.0, B1 = 0.0;
        for (std::size_t n = 0; n < na; ++n) {
          A0 += g_ang[n] * T[n];
          B0 += g_ang[n] * dT[n];
        }
        if (weighted)
          for (std::size_t n = 0; n < na; ++n) {
            A1 += g_angw[n] * T[n];
            B1 += g_angw[n] * dT[n];
          }
        const double A = A0 + skj * A1;
        const double B = (B0 + skj * B1) * dxdc;
        const double cjk = c.pair_c[p];
        const double w = c.fca[a] * c.fca[b];
        const Vec3& uk = c.u[b];
        const double wb = w * B;
        hj += (c.dfca[a] * c.fca[b] * A) * uj + (wb * c.inv_d[a]) * (uk - cjk * uj);
        h[k] += (c.fca[a] * c.dfca[b] * A) * uk + (wb * c.inv_d[b]) * (uj - cjk * uk);
      }
      h[j] += hj;
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
