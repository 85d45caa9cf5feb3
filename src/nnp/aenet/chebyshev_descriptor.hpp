// The aenet Chebyshev descriptor (nnp-formats §A4/§A5) inside the library: its setup and
// the three ways it is evaluated, each in its own file beside this header —
//   chebyshev_reference.cpp  compute()/backprop(): the plain pair loop, written for clarity;
//   chebyshev_pair_loop.cpp  the fast path's angular pair blocks (structure of arrays);
//   chebyshev_moments.cpp    the fast path's Cartesian moment factorisation of the angular sums;
//   chebyshev.cpp            setup, cost model and the fast path's driver (radial terms, choice
//                            between pair blocks and moments).
// Constants and the order of floating-point operations follow aenet so that descriptors agree
// to the last bits; tests/consistency compares the paths.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "slhmc/nnp/aenet_descriptor.hpp"

namespace slhmc::nnp::aenet_chebyshev {

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

// Rows n = 2 … rows − 1 of T_n and dT_n/dx = n·U_{n−1} for `count` independent points, rows of
// length `count`, whose rows 0 and 1 are set (row 1 of T holds x itself); loops over the points
// (vectorisable). u_prev and u are scratch of `count` entries each.
inline void chebyshev_rows(double* T, double* dT, std::size_t rows, std::size_t count, double* u_prev, double* u) {
  if (rows <= 2) return;
  const double* x = T + count;
  for (std::size_t e = 0; e < count; ++e) {
    u_prev[e] = 1.0;
    u[e] = 2.0 * x[e];
  }
  for (std::size_t n = 2; n < rows; ++n) {
    double* Tn = T + n * count;
    const double* T1 = T + (n - 1) * count;
    const double* T2 = T + (n - 2) * count;
    double* dTn = dT + n * count;
    const double dn = static_cast<double>(n);
    for (std::size_t e = 0; e < count; ++e) {
      Tn[e] = 2.0 * x[e] * T1[e] - T2[e];
      dTn[e] = dn * u[e];
      const double next = 2.0 * x[e] * u[e] - u_prev[e];
      u_prev[e] = u[e];
      u[e] = next;
    }
  }
}

// Cosine cutoff, Chebyshev code form: the factor π_a/Rc is formed first.
inline double cutoff_fc(double d, double rc) { return d >= rc ? 0.0 : 0.5 * (std::cos((kPiAenet / rc) * d) + 1.0); }
inline double cutoff_dfc(double d, double rc) {
  return d >= rc ? 0.0 : -0.5 * (kPiAenet / rc) * std::sin((kPiAenet / rc) * d);
}

// Entries inside the angular cutoff (structure of arrays) as the fast path collects them; the
// pair blocks and the moments both read these.
struct AngularEntries {
  std::vector<int> entries;              // index into the environment
  std::vector<double> fca, dfca, inv_d;  // fc, fc', 1/d
  std::vector<double> ax, ay, az, ad, as;  // R_e components, d, species weight
};

// Scratch of the fast path of one thread (kept between calls to avoid allocations).
struct FastScratch {
  std::vector<double> radT, raddT;     // N_r rows × radial entries
  std::vector<double> rd, rfc, rdfc, rs, rsum;  // radial entries: d, fc, fc', spin, gradient sum
  std::vector<int> rad_entries;        // entries inside the radial cutoff
  AngularEntries ang;
  std::vector<double> pairT, pairdT;   // per j-block: N_a rows × block length (dT/dx)
  std::vector<double> pair_c, pair_w;  // cos θ_jk and fc_j·fc_k per pair
  std::vector<double> U;               // Chebyshev U recursion, two rows
  std::vector<double> A0, B0, A1, B1;  // gradient contractions of one block
  std::vector<double> hx, hy, hz;      // angular edge gradients
};

// ---- Cartesian moment factorisation of the angular sums (issue 3 §5, nnp-formats §F) ----
// With u = R/d and per-entry weights ω (fc, or fc·spin for the weighted block),
//   Σ_{j<k} ω_j ω_k (u_j·u_k)^p = ½ [Σ_{|α|=p} p!/α! (Σ_j ω_j u_j^α)² − Σ_j ω_j²],
// and T_n(x(c)) = Σ_p b_np c^p, so the O(M²) pair loop becomes O(M·K) with K the number of
// monomials u^α of degree ≤ N_a − 1. Same values up to rounding (tested against the pair path).
class ChebyshevMoments {
 public:
  ChebyshevMoments() = default;
  // Tables for angular order `order` on `angular`; none (available() false) above kMaxMomentOrder.
  ChebyshevMoments(int order, ChebyshevInterval angular);

  bool available() const { return !monomials_.empty(); }
  std::size_t num_monomials() const { return monomials_.size(); }
  // Estimated cost of the pair loop vs the moments, in rough operation counts per centre.
  bool cheaper(std::size_t ma) const;
  // ang/angw (N_a each) += the angular sums of the entries `a`; keeps the moments for gradient().
  void values(const AngularEntries& a, bool weighted, double* ang, double* angw) const;
  // h[e] += the angular part of Σ_n g_n ∂G_n/∂R_e, after values() on the same entries.
  void gradient(const AngularEntries& a, bool weighted, const double* g_ang, const double* g_angw,
                std::span<Vec3> h) const;

 private:
  struct Monomial {
    int degree;
    int exponent[3];
    int parent;      // index of α − e_dir (−1 for α = 0)
    int dir;         // the direction removed to get the parent
    int lower[3];    // index of α − e_x, α − e_y, α − e_z (−1 where the exponent is 0)
    double multinomial;  // p!/(α_x! α_y! α_z!)
  };

  int n_a_ = 0;
  std::vector<Monomial> monomials_;
  std::vector<double> poly_;
};

class ChebyshevDescriptor final : public AenetDescriptor {
 public:
  ChebyshevDescriptor(const AenetNetFile& f, int version, int moment_mode);

  int size() const override { return (nenv_ > 1 ? 2 : 1) * (n_r_ + n_a_); }
  double cutoff() const override { return std::max(rc_r_, rc_a_); }
  std::string summary() const override;
  double operation_count(const AenetEnvironment& env) const override;
  // The reference (chebyshev_reference.cpp).
  void compute(const AenetEnvironment& env, std::span<double> G) const override;
  void backprop(const AenetEnvironment& env, std::span<const double> g, std::span<Vec3> h) const override;
  // The fast path (chebyshev.cpp, with chebyshev_pair_loop.cpp or chebyshev_moments.cpp).
  void evaluate(const AenetEnvironment& env, std::span<double> G, std::span<double> g, const GradientFunction& dE_dG,
                std::span<Vec3> h) const override;

 private:
  // Whether the fast path takes the moments for `ma` angular entries (moment_mode_, else by cost).
  bool use_moments(std::size_t ma) const;
  // The angular pair blocks of the fast path (chebyshev_pair_loop.cpp).
  void pair_values(FastScratch& c, bool weighted, double* ang, double* angw) const;
  void pair_gradient(FastScratch& c, bool weighted, const double* g_ang, const double* g_angw,
                     std::span<Vec3> h) const;

  int version_;
  int moment_mode_ = -1;  // −1: choose by cost, 0: pair loop, 1: moments
  double rc_r_ = 0, rc_a_ = 0;
  int order_r_ = 0, order_a_ = 0, n_r_ = 0, n_a_ = 0, nenv_ = 0;
  std::vector<double> spin_;
  ChebyshevInterval radial_{0, 1}, angular_{-1, 1};
  ChebyshevMoments moments_;
};

}  // namespace slhmc::nnp::aenet_chebyshev
