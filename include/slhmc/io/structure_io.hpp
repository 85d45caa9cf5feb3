// Reading and writing atomic structures: extended XYZ, XSF, VASP
// POSCAR/CONTCAR, n2p2 input.data and LAMMPS data (atomic style). Multi-frame
// files stream frame by frame. Malformed input throws ParseError naming the
// file, the line and what was expected. Units at the boundary: Å and eV.
#pragma once

#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc {

enum class StructureFormat { extxyz, xsf, poscar, n2p2, lammps_data };

// "extxyz", "xsf", "poscar", "n2p2", "lammps-data" (throws ConfigError-like Error on others).
StructureFormat structure_format_from_name(const std::string& name);
const char* structure_format_name(StructureFormat format);
// Guesses the format from the file name (.xyz/.extxyz, .xsf, POSCAR/CONTCAR/.vasp/.poscar,
// input.data/.data with n2p2 'begin', .lmp/.lammps/data.*); throws Error if it cannot tell.
StructureFormat guess_structure_format(const std::string& path);

// Names of the label keys in extended XYZ files (calculator keys or REF_* keys).
// For each label the first name present wins; a virial key is taken before a
// stress key (a stress needs the cell volume: W = −V σ). Label keys that lose
// stay in LabelledFrame::info as text, like every other info key; the writer
// leaves such entries out (read again, they would be taken for the label).
struct ExtxyzKeys {
  std::vector<std::string> energy{"REF_energy", "energy", "free_energy"};  // first present wins
  std::vector<std::string> forces{"REF_forces", "forces"};
  std::vector<std::string> stress{"REF_stress", "stress"};                // eV/Å³, ASE sign
  std::vector<std::string> virial{"REF_virials", "virials", "virial"};     // eV
  std::vector<std::string> atomic_energies{"REF_energies", "energies"};
};

struct ReadOptions {
  std::optional<StructureFormat> format;  // guessed from the name if empty
  ExtxyzKeys extxyz_keys;
  // LAMMPS data files number atom types 1..n; these give their atomic numbers
  // (a "Masses" section with standard masses is used if empty).
  std::vector<int> lammps_type_numbers;
  // VASP 4 POSCAR files have no species line: the atomic numbers of the
  // species in the order of the counts line (an error if needed and empty).
  std::vector<int> poscar_type_numbers;
  // n2p2 models may use other length/energy units. Applied on reading n2p2
  // input.data only: lengths × length_scale, energies × energy_scale,
  // forces × energy_scale / length_scale.
  double length_scale = 1.0;
  double energy_scale = 1.0;
};

// Streams frames from a file or stream.
class StructureReader {
 public:
  StructureReader(const std::string& path, ReadOptions options = {});
  StructureReader(std::istream& in, std::string source_name, ReadOptions options);
  ~StructureReader();
  StructureReader(StructureReader&&) noexcept;
  // The next frame, or nullopt at the end of the input.
  std::optional<LabelledFrame> next();
  // Where the frame last returned by next() starts (its first line, blank lines
  // before it included), for messages about a frame's content; 0 before next().
  std::size_t frame_line() const;
  const std::string& source() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<LabelledFrame> read_structures(const std::string& path, const ReadOptions& options = {});
// The first frame; throws if the file holds none.
LabelledFrame read_structure(const std::string& path, const ReadOptions& options = {});

// What the writers write (numbers in the shortest form that reads back to the
// same double, ≤ 17 significant digits, so every format round-trips exactly):
// - extxyz: flat 9-number Lattice (if the cell has one), Properties, pbc,
//   labels, then the info keys (an info key named like a written key is dropped).
//   Calculator keys: energy, forces, energies, stress (9 numbers, σ = −W/V; a
//   frame without volume gets `virial` instead). Reference keys: REF_energy,
//   REF_forces, REF_energies, REF_stress and the exact REF_virials.
// - xsf: "# total energy = E eV", CRYSTAL/SLAB/POLYMER + PRIMVEC + PRIMCOORD
//   with forces if labelled, or ATOMS for a non-periodic frame.
// - poscar: VASP 5, Cartesian, species runs in atom order; fully periodic only.
// - n2p2: one begin…end block per frame (forces 0 when unlabelled).
// - lammps-data: the frame in LAMMPS orientation (see to_lammps_orientation).
struct WriteOptions {
  // extxyz: write labels as REF_* keys (true) or ASE calculator keys (false).
  bool reference_keys = false;
  // LAMMPS data: atomic numbers in type order (derived from the frame if empty:
  // the distinct atomic numbers in ascending order).
  std::vector<int> lammps_type_numbers;
};

void write_structure(std::ostream& out, const LabelledFrame& frame, StructureFormat format,
                     const WriteOptions& options = {});
// Writes a whole file atomically (temporary file, fsync, rename).
void write_structures(const std::string& path, const std::vector<LabelledFrame>& frames, StructureFormat format,
                      const WriteOptions& options = {});

// ---- LAMMPS orientation ---------------------------------------------------
// LAMMPS stores a triclinic box as a = (lx, 0, 0), b = (xy, ly, 0),
// c = (xz, yz, lz) with lx, ly, lz > 0: a along x, b in the xy plane. A general
// cell (rows A) is brought into that form by the orthogonal matrix R whose rows
// are e1 = a/|a|, e2 = the unit part of b perpendicular to a, e3 = ±e1×e2 (the
// sign making lz > 0; R is a reflection, det −1, for a left-handed cell).
// Every Cartesian vector maps as r' = R r: positions and forces f' = R f, the
// lattice rows A' = A Rᵀ, a virial W' = R W Rᵀ. Back: f = Rᵀ f', W = Rᵀ W' R.
// Throws Error for a cell that is not invertible.
Mat3 lammps_rotation(const Cell& cell);

// The frame in LAMMPS orientation (exactly what the LAMMPS data writer
// writes): positions, forces and virial turned by R = lammps_rotation(cell),
// and the lattice rows A Rᵀ then reduced so that the tilts obey LAMMPS' limits
// |xy| ≤ lx/2, |xz| ≤ lx/2, |yz| ≤ ly/2 (b' = b − k a, c' = c − m b − n a with
// integers k, m, n: the same lattice, so energies, forces and the virial of a
// periodic system do not change). The rotation is stored in `rotation` if given.
LabelledFrame to_lammps_orientation(const LabelledFrame& frame, Mat3* rotation = nullptr);

}  // namespace slhmc
