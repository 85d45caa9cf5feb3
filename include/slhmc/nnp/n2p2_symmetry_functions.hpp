// n2p2 symmetry functions of types 2, 3, 9, 12, 13 (nnp-formats.md §B5):
// values and their gradients with respect to the neighbour entry vectors of
// one centre. This is the plain reference evaluator, written for clarity:
// every function loops over the entries (and pairs of entries) on its own.
#pragma once

#include <cstddef>
#include <vector>

#include "slhmc/core/vec3.hpp"
#include "slhmc/nnp/n2p2_cutoff.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"

namespace slhmc::nnp::n2p2 {

// The neighbour entries of one centre atom (struct of arrays). R_e = r_j + T − r_i
// in the units of the symmetry function parameters; every periodic image is
// its own entry, self-images included.
struct Environment {
  std::vector<Vec3> r;      // R_e
  std::vector<double> d;    // |R_e|
  std::vector<int> elem;    // element index of the neighbour atom
  std::vector<double> z;    // its atomic number (the weight of types 12 and 13)

  std::size_t size() const { return r.size(); }
  void clear() {
    r.clear();
    d.clear();
    elem.clear();
    z.clear();
  }
  void add(const Vec3& rv, double dist, int element, int atomic_number) {
    r.push_back(rv);
    d.push_back(dist);
    elem.push_back(element);
    z.push_back(static_cast<double>(atomic_number));
  }
};

class SymmetryFunction {
 public:
  // `spec` with its parameters already in the units of the Environment vectors.
  SymmetryFunction(const SymmetryFunctionSpec& spec, CutoffType cutoff_type, double cutoff_alpha);

  const SymmetryFunctionSpec& spec() const { return spec_; }
  double rc() const { return spec_.rc; }

  // Raw value G of the centre whose neighbours are `env`. If `grad` is not
  // null (env.size() entries), adds weight·∂G/∂R_e to grad[e] for every entry.
  double evaluate(const Environment& env, double weight, Vec3* grad) const;

 private:
  double radial(const Environment& env, double weight, Vec3* grad) const;
  double angular(const Environment& env, double weight, Vec3* grad) const;
  // (1 + λc)^ζ for base = 1 + λc > 0: an integer power where ζ is integral, as n2p2.
  double power(double base) const;

  SymmetryFunctionSpec spec_;
  CutoffFunction fc_;
  double prefactor_ = 1.0;  // 2^(1−ζ) for the angular types
  int int_zeta_ = -1;       // ζ if integral (≤ 64), else −1
};

}  // namespace slhmc::nnp::n2p2
