// Stillinger–Weber potential in the form and file format of LAMMPS
// `pair_style sw`:
//   E = Σ_i Σ_{j>i} φ2(r_ij) + Σ_i Σ_{j≠i} Σ_{k>j} φ3(r_ij, r_ik, θ_jik)
//   φ2 = A ε [B (σ/r)^p − (σ/r)^q] exp(σ/(r − aσ))
//   φ3 = λ ε (cos θ_jik − cos θ0)² exp(γ_ij σ_ij/(r_ij − a_ij σ_ij)) exp(γ_ik σ_ik/(r_ik − a_ik σ_ik))
// Two-body parameters of pair ij come from the entry (i, j, j); in φ3 the legs
// use the σ, γ, a of the entries (i, j, j) and (i, k, k) and λ, ε, cos θ0 come
// from (i, j, k), as in LAMMPS. Cutoff of pair ij: a_ij σ_ij. `tol` is read
// and ignored (LAMMPS ignores it too).
// Registered as type "sw". Config keys of its section:
//   file = "Si.sw"   # relative to the config; a bare name that does not exist
//                    # there is taken from /usr/share/lammps/potentials
//   skin = 1.0       # Å, Verlet skin of the cached neighbour list
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

// One entry of a .sw file (14 words, may span lines).
struct SwEntry {
  std::string elements[3];  // i (centre), j, k
  double epsilon, sigma, a, lambda, gamma, costheta0, A, B, p, q, tol;
  std::size_t line;  // where the entry starts (for messages)
};

// The parsed file: its elements in order of first appearance and one entry
// per element triplet (every triplet of those elements present exactly once).
struct SwParameters {
  std::vector<std::string> elements;
  std::vector<SwEntry> entries;  // index (i·n + j)·n + k over `elements`
  const SwEntry& entry(std::size_t i, std::size_t j, std::size_t k) const {
    return entries[(i * elements.size() + j) * elements.size() + k];
  }
};

// Parses .sw text; `source` names it in ParseError messages (with line).
// Validates: known element symbols, numbers, ε, σ, a ≥ 0... (LAMMPS's checks), no
// duplicate triplets, all triplets present.
SwParameters parse_sw_file(const std::string& text, const std::string& source);

// The provider for `params`; skin in Å; `source` is named in description().
std::unique_ptr<ForceProvider> make_stillinger_weber(SwParameters params, double skin, const std::string& source);

}  // namespace slhmc
