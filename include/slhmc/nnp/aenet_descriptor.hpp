// aenet descriptors of one atomic environment: Chebyshev (nnp-formats §A4/§A5)
// and Behler2011 symmetry functions (§A6). A descriptor sees the neighbour
// entries of one centre as vectors R_e = r_j + T − r_i (model length units)
// with the neighbour's local ENV index; it returns the raw descriptor in
// canonical (= network input) order and contracts a descriptor gradient into
// per-entry gradients h_e = Σ_k g_k ∂G_k/∂R_e (Part C), without ever forming
// the Jacobian.
#pragma once

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
};

// Chebyshev setup from a `.nn` file; `version` 0 (aenet ≥ 2.0.4) or 1 (aenet ≤ 2.0.3), §A5.
std::unique_ptr<AenetDescriptor> make_chebyshev_descriptor(const AenetNetFile& file, int version);
// Behler2011 setup from a `.nn` file (functions re-ordered canonically, §A6.3).
std::unique_ptr<AenetDescriptor> make_behler2011_descriptor(const AenetNetFile& file);
// Dispatches on file.sftype; throws for unknown types (naming file and type).
std::unique_ptr<AenetDescriptor> make_aenet_descriptor(const AenetNetFile& file, int chebyshev_version);

}  // namespace slhmc::nnp
