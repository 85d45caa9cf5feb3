// aenet network potential files (`.nn`): the binary gfortran record form that
// predict.x reads (nnp-formats §A11) and the ASCII interchange form of
// aenet-PyTorch (§A12). Both are read into the same plain struct, which keeps
// the file's own layout (1-based Fortran bookkeeping converted to 0-based where
// noted); AenetNetFile::network() converts the weights to an nnp::Network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slhmc/nnp/network.hpp"

namespace slhmc::nnp {

struct AenetNetFile {
  std::string source;  // file name, for error messages

  // Network section (records 1–9).
  std::vector<int> nnodes;            // nodes per layer, input and output included (no bias)
  std::vector<int> activation_codes;  // aenet codes of layers 2 … L
  std::vector<double> weights;        // W(1:Wsize), aenet flattening (§A8)

  // Descriptor setup (records 10–26).
  std::string description;
  std::string atomtype;               // central species symbol
  std::vector<std::string> envtypes;  // ENV species, in the order that defines local indices
  double rc_min = 0.0;                // Å
  double rc_max = 0.0;                // Å
  std::string sftype;                 // "Chebyshev" or "Behler2011"
  int nsf = 0;
  int nsfparam = 0;
  std::vector<int> sf;                // nsf
  std::vector<double> sfparam;        // nsfparam × nsf, parameter index fastest
  std::vector<int> sfenv;             // 2 × nsf, first index fastest (1-based local ENV indices)
  int neval = 0;
  std::vector<double> sfval_min, sfval_max, sfval_avg, sfval_cov;  // nsf each, canonical order

  // Training-set information (records 27–36).
  std::string trainset_file;
  bool normalized = false;
  double scale = 1.0;  // energy scale: E = y/scale + shift (+ E_atom)
  double shift = 0.0;
  std::vector<std::string> type_names;  // TrnSet species list (any order)
  std::vector<double> e_atom;           // free-atom energies (eV), same order as type_names
  int natoms_tot = 0;
  int nstrucs = 0;
  double e_min = 0.0, e_max = 0.0, e_av = 0.0;

  // The feed-forward network described by nnodes / activation_codes / weights.
  Network network() const;
};

// Reads a `.nn` file, binary or ASCII decided by content (binary starts with 04 00 00 00).
// Throws ParseError naming the file and record/line on any inconsistency.
AenetNetFile read_aenet_nn(const std::string& path);
// The two forms from memory; `source` names the data in errors.
AenetNetFile parse_aenet_nn_binary(std::string_view bytes, const std::string& source);
AenetNetFile parse_aenet_nn_ascii(std::string_view text, const std::string& source);

}  // namespace slhmc::nnp
