// The fast evaluation of one element's n2p2 symmetry functions ("SF groups",
// nnp-formats.md Part F3): functions that share (rc, η, rs) share their
// radial factors, computed once per entry (radial and angular r_ij, r_ik
// factors) or once per pair (the r_jk factor); a pass over the pairs stores
// those factors, so that the gradient pass needs no transcendental function.
// Tested against the plain SymmetryFunction evaluation (to 1e-10).
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

#include "slhmc/core/vec3.hpp"
#include "slhmc/nnp/n2p2_cutoff.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"
#include "slhmc/nnp/n2p2_symmetry_functions.hpp"

namespace slhmc::nnp::n2p2 {

// e^x for −708 ≤ x ≤ 0 without branches, so that loops over pairs vectorise
// (std::exp does not): Cody–Waite reduction x = k·ln2 + r, |r| ≤ ln2/2, a
// degree-13 Taylor polynomial (truncation < 1e-17) and 2^k from the exponent
// bits. Within 2 ulp of std::exp. Outside that range the result is garbage:
// callers guarantee the range (see FastDescriptor's pair loop).
inline double exp_in_range(double x) {
  constexpr double kLog2e = 1.4426950408889634074;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kShift = 6755399441055744.0;  // 2^52 + 2^51: adding it rounds to an integer
  const double kd = (x * kLog2e + kShift) - kShift;
  const double r = (x - kd * kLn2Hi) - kd * kLn2Lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // 2^k: k + 1023 in the low mantissa bits of (kd + 1023 + kShift), moved to the exponent field.
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(kd + (kShift + 1023.0)) << 52;
  return p * std::bit_cast<double>(bits);
}

// Scratch space reused across atoms and calls (grows, never shrinks).
struct FastWorkspace {
  std::vector<double> fc, dfc;        // per entry × distinct rc
  std::vector<double> t, dt;          // per entry × group: exp(−η(d − rs)²)·f_c and its r-derivative
  std::size_t num_pairs = 0;          // pairs of the current centre (the arrays below may be longer)
  std::vector<int> pj, pk, pclass;    // pairs within the angular cutoff: entries and element-pair class
  std::vector<double> pc;             // cos θ of the pair
  std::vector<Vec3> pjk;              // R_k − R_j
  std::vector<double> pdjk;           // |R_jk|
  std::vector<double> tjk, dtjk;      // per pair × angular group with an r_jk factor
  std::vector<double> pf, pdf;        // per pair × distinct rc: f_c(r_jk) and its derivative
  std::vector<double> rg, sg, dsg;    // per group, for the pair at hand
};

class FastDescriptor {
 public:
  // `specs` in the units of the environment vectors, in input order.
  FastDescriptor(const std::vector<SymmetryFunctionSpec>& specs, int num_elements, CutoffType type, double alpha);

  std::size_t size() const { return num_sf_; }
  // Raw values G (size() entries) of the centre with neighbours `env`; fills `ws` for gradient().
  void values(const Environment& env, FastWorkspace& ws, double* g) const;
  // Adds Σ_s w_s ∂G_s/∂R_e to grad[e] (env.size() entries), using what values() left in `ws`
  // (and its per-pair scratch).
  void gradient(const Environment& env, FastWorkspace& ws, const double* w, Vec3* grad) const;

 private:
  struct RadialMember {
    int sf;
    int e1;         // neighbour element, or −1 for type 12 (weight Z)
  };
  struct AngularMember {
    int sf;
    double lambda, zeta, prefactor;
    int int_zeta;   // ζ if integral, else −1
    bool weighted;  // type 13
  };
  // One angular function as seen from a pair of a given element class.
  struct Term {
    int group;
    AngularMember m;
  };
  struct Group {
    int rc_index;
    double rc, eta, rs;
    bool with_jk = false;  // angular types 3 and 13
    bool pair_exp_in_range = false;  // η·(r_jk − rs)² ≤ 700 for every possible pair
    int jk_slot = -1;      // index among the groups with an r_jk factor
    std::vector<RadialMember> radial;
    // angular members per element-pair class (e1 ≤ e2: e1·n + e2)
    std::vector<std::vector<AngularMember>> angular;
  };

  std::size_t num_sf_ = 0;
  int num_elements_ = 0;
  std::vector<CutoffFunction> cutoffs_;  // one per distinct rc
  std::vector<Group> groups_;            // radial groups first, then angular
  std::size_t num_radial_groups_ = 0;
  int num_jk_groups_ = 0;
  double max_angular_rc_ = 0.0;
  double max_pair_rjk_ = 0.0;  // pairs with r_jk beyond this contribute nothing (∞ with type 9)
  // Per element-pair class: the angular groups with members for it, and all its terms (by group).
  std::vector<std::vector<int>> class_groups_;
  std::vector<std::vector<Term>> class_terms_;
};

}  // namespace slhmc::nnp::n2p2
