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
