// Standalone runs of the DFT/tight-binding programs that slhmc drives through
// its i-PI server (Debian's Quantum ESPRESSO `pw.x` and CP2K), to compare the
// numbers that come through the socket with the program's own output.
//
//   if (!slhmc::test::pw_available()) GTEST_SKIP() << "pw.x not installed";
//   write_text(dir + "/si.pwi", pw_input(frame, PwSettings{}));
//   DftResult ref = run_pw(frame, PwSettings{}, dir);
//
// Both inputs are generated from a Frame with cell and positions in Bohr,
// converted with slhmc's own constant (units.hpp), so a standalone run and a
// run driven through the socket (which also sends Bohr) see bit-identical
// geometries. Results are read at full precision where the program offers it
// (QE's XML data file; CP2K prints 16 digits for the energy, 8 decimals of
// Hartree/Bohr for forces) and converted to eV, eV/Å and a virial
// W = −∂E/∂ε in eV.
#pragma once

#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc::test {

struct DftResult {
  double energy = 0.0;       // eV
  std::vector<Vec3> forces;  // N×3, eV/Å
  Mat3 virial{};             // eV, W = −∂E/∂ε (= V·σ with the programs' compression-positive σ)
  double seconds = 0.0;      // wall time of the whole program run
};

// ---- Quantum ESPRESSO (pw.x, LDA with Debian's pseudopotentials) ----

inline constexpr const char* kQePseudoDir = "/usr/share/espresso/pseudo";

struct PwSettings {
  std::string pseudopotential = "Si.pz-vbc.UPF";  // in kQePseudoDir; every atom must be Si
  double ecutwfc_ry = 15.0;                       // plane-wave cutoff (Ry)
  int kpoints = 2;                                // Monkhorst–Pack k×k×k, unshifted
  // 1e-12 Ry: forces then agree between a standalone and a driven run to
  // ~1e-7 eV/Å (with 1e-10 they differ by ~5e-6 eV/Å; energies agree either way).
  double conv_thr_ry = 1e-12;
};

// True if pw.x is on PATH and the pseudopotential file exists.
bool pw_available(const PwSettings& settings = {});
// A complete pw.x SCF input for `frame` (all atoms silicon). `nosym = .true.`
// because in driver mode pw.x keeps the symmetry of its input geometry for
// every later geometry (observed with QE 6.7: a symmetric start gave zero
// forces on displaced atoms). A driven pw.x equals a standalone SCF only at
// the cell of its input: for other cells it keeps its plane-wave basis (G
// vectors are re-made only after a 10 % volume change) and, with this scf
// input, stops on a contracted cell ("Not enough space allocated for radial
// FFT"); see docs/engines.md.
std::string pw_input(const Frame& frame, const PwSettings& settings);
// Its CELL_PARAMETERS and ATOMIC_POSITIONS cards alone (Bohr), to put a frame
// into another pw.x input.
std::string pw_geometry_cards(const Frame& frame);
// Writes pw.in in `workdir` and runs `pw.x -in pw.in` there (1 thread, no
// MPI); reads energy, forces and stress from the XML data file. Throws
// std::runtime_error with the output's tail if pw.x fails.
DftResult run_pw(const Frame& frame, const PwSettings& settings, const std::string& workdir);

// ---- CP2K (GFN1-xTB: needs no data files) ----

// True if cp2k is on PATH.
bool cp2k_available();
// A complete CP2K input for `frame` (fully periodic: CP2K's DRIVER mode makes
// every cell periodic whatever &CELL PERIODIC says, so the standalone run must
// be periodic too to compare; Ewald sums for the xTB electrostatics; analytic
// stress). With `driver_socket` empty: RUN_TYPE ENERGY_FORCE; otherwise
// RUN_TYPE DRIVER connecting to the UNIX socket /tmp/ipi_<driver_socket>.
std::string cp2k_xtb_input(const Frame& frame, const std::string& driver_socket = "");
// Writes cp2k.inp in `workdir` and runs `cp2k -i cp2k.inp` there (1 thread);
// reads energy, forces and stress from its output. Throws std::runtime_error
// with the output's tail if CP2K fails.
DftResult run_cp2k(const Frame& frame, const std::string& workdir);

}  // namespace slhmc::test
