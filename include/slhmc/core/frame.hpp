// Frame: one atomic configuration. LabelledFrame: a frame with the reference
// labels (energy, forces, virial) and free-form info read from or written to
// a structure file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/core/cell.hpp"
#include "slhmc/core/vec3.hpp"

namespace slhmc {

struct Frame {
  std::vector<Vec3> positions;  // N×3, Å
  std::vector<int> numbers;     // N atomic numbers
  std::vector<double> masses;   // N, amu
  Cell cell;                    // lattice rows in Å, pbc flags

  std::size_t size() const { return positions.size(); }
  // Appends an atom with the standard mass of its element.
  void add_atom(int z, const Vec3& position);
  // Throws Error unless positions, numbers and masses have the same length,
  // every number is a known element, masses are positive and coordinates finite.
  void validate() const;
};

// Reference labels of a frame (units: eV, eV/Å, eV). A virial W = −∂E/∂ε;
// the stress is σ = −W/V.
struct Labels {
  std::optional<double> energy;
  std::optional<std::vector<Vec3>> forces;
  std::optional<Mat3> virial;
  std::optional<std::vector<double>> atomic_energies;
};

struct LabelledFrame {
  Frame frame;
  Labels labels;
  // Other per-frame key/value pairs (e.g. extxyz info such as config_type).
  std::map<std::string, std::string> info;
};

}  // namespace slhmc
