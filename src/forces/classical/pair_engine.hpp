// The loop shared by the pair potentials (LJ, Morse): a half neighbour list
// cached with a skin, a per-type-pair parameter table, and one kernel that
// returns φ(r) and φ'(r)/r for a squared distance. The kernel is a template
// parameter so that the inner loop has no indirect call.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>
#include <string>
#include <vector>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/compact_neighbors.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc::detail {

// Maps atomic numbers to the dense type indices of a parameter table.
class SpeciesTypes {
 public:
  // `symbols` in type order; an empty list means one type for every element
  // (the single-species shortcut of the configs).
  explicit SpeciesTypes(const std::vector<std::string>& symbols) {
    type_of_.fill(symbols.empty() ? 0 : -1);
    for (std::size_t t = 0; t < symbols.size(); ++t) type_of_[atomic_number(symbols[t])] = static_cast<int>(t);
    count_ = symbols.empty() ? 1 : static_cast<int>(symbols.size());
  }
  int count() const { return count_; }
  // Fills `types` (N) for `frame`; throws Error naming the element no parameters cover.
  void assign(const Frame& frame, std::vector<int>& types, const std::string& who) const {
    types.resize(frame.size());
    for (std::size_t i = 0; i < frame.size(); ++i) {
      const int z = frame.numbers[i];
      const int t = (z >= 0 && z <= kMaxAtomicNumber) ? type_of_[z] : -1;
      if (t < 0)
        throw Error(who + ": no parameters for element " + (z >= 1 && z <= kMaxAtomicNumber ? element_symbol(z) : std::to_string(z)) +
                    " (atom " + std::to_string(i) + ")");
      types[i] = t;
    }
  }

 private:
  std::array<int, kMaxAtomicNumber + 1> type_of_{};
  int count_ = 0;
};

// Kernel concept: struct with `Params` (which has `double cutoff`) and
//   static void eval(const Params&, double r2, double& energy, double& dphi_over_r)
// returning the shifted φ(r) and φ'(r)/r.
template <class Kernel>
class PairEngine {
 public:
  using Params = typename Kernel::Params;

  // `table` is ntypes×ntypes (row-major, symmetric); skin in Å.
  PairEngine(SpeciesTypes types, std::vector<Params> table, double skin, std::string name)
      : types_(std::move(types)), table_(std::move(table)), name_(std::move(name)),
        list_(NeighborListOptions{max_cutoff(table_), skin, true}) {
    cutsq_.reserve(table_.size());
    for (const auto& p : table_) cutsq_.push_back(p.cutoff * p.cutoff);
  }

  double cutoff() const { return list_.options().cutoff; }
  const SpeciesTypes& types() const { return types_; }

  ComputeResult compute(const Frame& frame, const ComputeRequest& request) {
    types_.assign(frame, atom_types_, name_);
    list_.update(frame);
    compact_.sync(list_);
    // One instantiation per request shape, so that the pair loop carries no
    // per-pair tests for what was not asked for.
    if (request.forces && !request.virial && !request.atomic_energies) return run<true, false, false>(frame);
    if (request.forces && request.virial && !request.atomic_energies) return run<true, true, false>(frame);
    if (!request.forces && !request.virial && !request.atomic_energies) return run<false, false, false>(frame);
    if (request.forces) return run<true, true, true>(frame, request.virial);
    return run<false, true, true>(frame, request.virial);
  }

 private:
  template <bool kForces, bool kVirial, bool kAtomic>
  ComputeResult run(const Frame& frame, bool want_virial = kVirial) {
    ComputeRequest request;
    request.forces = kForces;
    request.virial = want_virial;
    request.atomic_energies = kAtomic;
    const std::size_t n = frame.size();
    const int nt = types_.count();
    ComputeResult result;
    if (request.forces) result.forces.assign(n, Vec3{0, 0, 0});
    if (request.atomic_energies) result.atomic_energies.assign(n, 0.0);
    double energy = 0.0;
    double w00 = 0, w11 = 0, w22 = 0, w01 = 0, w02 = 0, w12 = 0;
    const Vec3* pos = frame.positions.data();
    Vec3* f = kForces ? result.forces.data() : nullptr;
    double* ea = kAtomic ? result.atomic_energies.data() : nullptr;
    const Vec3* shifts = compact_.shifts().data();
    for (std::size_t i = 0; i < n; ++i) {
      const Vec3 ri = pos[i];
      const int row = atom_types_[i] * nt;
      Vec3 fi{0, 0, 0};
      for (const CompactNeighbors::Pair& e : compact_.pairs(i)) {
        const Vec3& rj = pos[e.j];
        const Vec3& sh = shifts[e.shift];
        const double dx = rj[0] + sh[0] - ri[0];
        const double dy = rj[1] + sh[1] - ri[1];
        const double dz = rj[2] + sh[2] - ri[2];
        const double r2 = dx * dx + dy * dy + dz * dz;
        const int t = row + atom_types_[e.j];
        if (r2 >= cutsq_[t]) continue;
        double phi, g;
        Kernel::eval(table_[t], r2, phi, g);
        energy += phi;
        if constexpr (kAtomic) {
          ea[i] += 0.5 * phi;
          ea[e.j] += 0.5 * phi;
        }
        // ∂E/∂R = g R with R = r_j − r_i: F_i = +g R, F_j = −g R, W = −g R⊗R.
        const double gx = g * dx, gy = g * dy, gz = g * dz;
        if constexpr (kForces) {
          fi[0] += gx;
          fi[1] += gy;
          fi[2] += gz;
          f[e.j][0] -= gx;
          f[e.j][1] -= gy;
          f[e.j][2] -= gz;
        }
        if constexpr (kVirial) {
          w00 -= gx * dx;
          w11 -= gy * dy;
          w22 -= gz * dz;
          w01 -= gx * dy;
          w02 -= gx * dz;
          w12 -= gy * dz;
        }
      }
      if constexpr (kForces) f[i] += fi;
    }
    result.energy = energy;
    if (request.virial) {
      result.virial = Mat3{Vec3{w00, w01, w02}, Vec3{w01, w11, w12}, Vec3{w02, w12, w22}};
      result.has_virial = true;
    }
    return result;
  }

  static double max_cutoff(const std::vector<Params>& table) {
    double c = 0.0;
    for (const auto& p : table) c = std::max(c, p.cutoff);
    return c;
  }

  SpeciesTypes types_;
  std::vector<Params> table_;
  std::vector<double> cutsq_;
  std::string name_;
  NeighborList list_;
  CompactNeighbors compact_;  // list_ in 8-byte entries for the pair loop
  std::vector<int> atom_types_;
};

}  // namespace slhmc::detail

namespace slhmc::detail {

// "Ar-Kr" → {"Ar", "Kr"}; throws ConfigError naming `key_path` otherwise.
inline std::pair<std::string, std::string> split_pair_key(const std::string& name, const std::string& key_path) {
  const auto dash = name.find('-');
  if (dash == std::string::npos || dash == 0 || dash + 1 == name.size() || name.find('-', dash + 1) != std::string::npos)
    throw ConfigError(key_path, "a pair table must be named 'A-B' with two element symbols, got '" + name + "'");
  std::pair<std::string, std::string> out{name.substr(0, dash), name.substr(dash + 1)};
  if (atomic_number_or_zero(out.first) == 0 || atomic_number_or_zero(out.second) == 0)
    throw ConfigError(key_path, "unknown element symbol in pair '" + name + "'");
  return out;
}

// A positive, finite value of `key` in `section`.
inline double positive_key(const Config& section, const std::string& key) {
  const double v = section.get_double(key);
  if (!(v > 0) || !std::isfinite(v)) throw ConfigError(section.key_path(key), "must be a positive number");
  return v;
}

}  // namespace slhmc::detail
