// aenet descriptors of one atomic environment: Chebyshev (nnp-formats §A4/§A5)
// and Behler2011 symmetry functions (§A6). A descriptor sees the neighbour
// entries of one centre as vectors R_e = r_j + T − r_i (model length units)
// with the neighbour's local ENV index; it returns the raw descriptor in
// canonical (= network input) order and contracts a descriptor gradient into
// per-entry gradients h_e = Σ_k g_k ∂G_k/∂R_e (Part C), without ever forming
// the Jacobian.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "slhmc/core/vec3.hpp"
#include "slhmc/nnp/aenet_file.hpp"

namespace slhmc::nnp {

// Neighbour entries of one centre, all within the largest cutoff, none coincident.
struct AenetEnvironment {
  std::vector<Vec3> r;     // R_e (model length units)
  std::vector<double> d;   // |R_e|
  std::vector<int> type;   // 0-based index into the centre's ENV list
  void clear() {
    r.clear();
    d.clear();
    type.clear();
  }
};

class AenetDescriptor {
 public:
  virtual ~AenetDescriptor() = default;
  virtual int size() const = 0;
  virtual double cutoff() const = 0;  // largest cutoff (model length units)
  // G (size()) ← raw descriptor of the environment.
  virtual void compute(const AenetEnvironment& env, std::span<double> G) const = 0;
  // h[e] += Σ_k g[k] ∂G_k/∂R_e for every entry e (h has env.r.size() entries).
  virtual void backprop(const AenetEnvironment& env, std::span<const double> g, std::span<Vec3> h) const = 0;
  virtual std::string summary() const = 0;

  // Maps a raw descriptor G to g = ∂E/∂G (both size()); used between the two halves below.
  using GradientFunction = std::function<void(std::span<const double> G, std::span<double> g)>;
  // The fast path of one atom: G ← descriptor, g ← dE_dG(G), h[e] += Σ_k g_k ∂G_k/∂R_e, reusing
  // what the value pass computed (cutoffs, polynomials) in the gradient pass. The default is
  // compute() + backprop() (the plain reference path); tests compare both.
  virtual void evaluate(const AenetEnvironment& env, std::span<double> G, std::span<double> g,
                        const GradientFunction& dE_dG, std::span<Vec3> h) const {
    compute(env, G);
    dE_dG(G, g);
    backprop(env, g, h);
  }
};

// Chebyshev setup from a `.nn` file; `version` 0 (aenet ≥ 2.0.4) or 1 (aenet ≤ 2.0.3), §A5.
// `moment_mode` selects the angular algorithm of the fast path (evaluate()): −1 by estimated
// cost, 0 the pair loop, 1 the Cartesian moment factorisation. compute()/backprop() always
// use the plain pair loop (the reference).
std::unique_ptr<AenetDescriptor> make_chebyshev_descriptor(const AenetNetFile& file, int version, int moment_mode = -1);
// Behler2011 setup from a `.nn` file (functions re-ordered canonically, §A6.3).
std::unique_ptr<AenetDescriptor> make_behler2011_descriptor(const AenetNetFile& file);
// Dispatches on file.sftype; throws for unknown types (naming file and type).
std::unique_ptr<AenetDescriptor> make_aenet_descriptor(const AenetNetFile& file, int chebyshev_version,
                                                       int moment_mode = -1);

}  // namespace slhmc::nnp
