// Tersoff potential in the form and file format of LAMMPS `pair_style tersoff`:
//   E = ½ Σ_i Σ_{j≠i} f_C(r_ij) [f_R(r_ij) + b_ij f_A(r_ij)]
//   f_R = A e^{−λ1 r},  f_A = −B e^{−λ2 r}
//   f_C = 1 (r < R−D), ½ − ½ sin(π(r−R)/(2D)) (|r−R| ≤ D), 0 (r > R+D)
//   b_ij = (1 + β^n ζ_ij^n)^{−1/(2n)}
//   ζ_ij = Σ_{k≠i,j} f_C(r_ik) g(θ_ijk) exp[λ3^m (r_ij − r_ik)^m]
//   g(θ) = γ (1 + c²/d² − c²/[d² + (cos θ − cos θ0)²])
// Entry (i, j, k) of the file (17 words: 3 elements, m γ λ3 c d cosθ0 n β λ2 B R D λ1 A)
// gives the two-body n, β, λ2, B, λ1, A and the R, D of f_C(r_ij) when j = k
// (entry (i, j, j)), and m, γ, λ3, c, d, cos θ0 and the R, D of f_C(r_ik) for
// the three-body term (entry (i, j, k)). Per-atom energies: ½ V_ij goes to i.
// Registered as type "tersoff". Config keys of its section:
//   file = "SiC.tersoff"  # relative to the config; a bare name that does not
//                         # exist there is taken from /usr/share/lammps/potentials
//   skin = 1.0            # Å, Verlet skin of the cached neighbour list
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

struct TersoffEntry {
  std::string elements[3];
  double m, gamma, lambda3, c, d, costheta0, n, beta, lambda2, B, R, D, lambda1, A;
  std::size_t line;
};

// Elements in order of first appearance, one entry per triplet.
struct TersoffParameters {
  std::vector<std::string> elements;
  std::vector<TersoffEntry> entries;  // index (i·n + j)·n + k
  const TersoffEntry& entry(std::size_t i, std::size_t j, std::size_t k) const {
    return entries[(i * elements.size() + j) * elements.size() + k];
  }
};

// Parses .tersoff text; `source` names it in ParseError messages. Validates as
// LAMMPS does (m is 1 or 3; c, d, n, β, λ2, B, R, D, λ1, A, γ ≥ 0; d > 0; D ≤ R),
// plus n > 0 where a two-body entry has β > 0, no duplicate and no missing triplets.
TersoffParameters parse_tersoff_file(const std::string& text, const std::string& source);

std::unique_ptr<ForceProvider> make_tersoff(TersoffParameters params, double skin, const std::string& source);

}  // namespace slhmc
