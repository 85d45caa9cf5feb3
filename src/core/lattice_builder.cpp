// Cubic crystals from their conventional cells (fractional basis positions).
#include "slhmc/core/lattice_builder.hpp"

#include <cmath>
#include <vector>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {
// Basis of the conventional cubic cell, in units of a.
std::vector<Vec3> cubic_basis(const std::string& lattice) {
  if (lattice == "sc") return {{0, 0, 0}};
  if (lattice == "bcc") return {{0, 0, 0}, {0.5, 0.5, 0.5}};
  const std::vector<Vec3> fcc{{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  if (lattice == "fcc") return fcc;
  if (lattice == "diamond") {
    std::vector<Vec3> basis = fcc;
    for (const auto& p : fcc) basis.push_back(p + Vec3{0.25, 0.25, 0.25});
    return basis;
  }
  std::string names;
  for (const char* n : crystal_lattice_names()) names += std::string(names.empty() ? "" : ", ") + "'" + n + "'";
  throw Error("unknown crystal lattice '" + lattice + "'; allowed values: " + names);
}
}  // namespace

const std::array<const char*, 4>& crystal_lattice_names() {
  static const std::array<const char*, 4> names{"sc", "bcc", "fcc", "diamond"};
  return names;
}

Frame build_crystal(const std::string& lattice, const std::string& element, double a, std::array<int, 3> repeat) {
  const std::vector<Vec3> basis = cubic_basis(lattice);
  const int z = atomic_number(element);
  if (!(a > 0) || !std::isfinite(a)) throw Error("lattice constant must be positive, got " + std::to_string(a));
  for (int d = 0; d < 3; ++d)
    if (repeat[d] < 1) throw Error("crystal repeat counts must be at least 1, got " + std::to_string(repeat[d]));
  Frame frame;
  frame.cell = Cell::orthorhombic(a * repeat[0], a * repeat[1], a * repeat[2]);
  for (int i = 0; i < repeat[0]; ++i)
    for (int j = 0; j < repeat[1]; ++j)
      for (int k = 0; k < repeat[2]; ++k)
        for (const Vec3& b : basis) frame.add_atom(z, a * (b + Vec3{double(i), double(j), double(k)}));
  return frame;
}

void rattle(Frame& frame, double amplitude, Rng& rng) {
  for (Vec3& r : frame.positions)
    for (double& x : r) x += rng.uniform(-amplitude, amplitude);
}

}  // namespace slhmc
