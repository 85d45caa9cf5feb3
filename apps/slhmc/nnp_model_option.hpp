// The --model options shared by the NNP commands (predict, checkf): path,
// format, aenet Chebyshev convention and the model's units.
#pragma once

#include "command_line.hpp"
#include <memory>
#include <string>

#include "slhmc/nnp/model_loader.hpp"

namespace slhmc::cli {

struct NnpModelOptions {
  std::string path;
  std::string format = "auto";
  int chebyshev_version = -1;  // −1: from predict.in or 0
  std::string length_unit = "angstrom";
  std::string energy_unit = "eV";

  void add_to(CommandLine& line, bool required = true) {
    line.option("--model", path,
                   "n2p2 model directory, aenet predict.in, directory of aenet .nn files, or native model file")
        .required(required);
    line.option("--format", format, "model format: auto, aenet, n2p2, native").show_default();
    line.option("--chebyshev-version", chebyshev_version,
                   "aenet Chebyshev convention: 0 = aenet >= 2.0.4, 1 = aenet <= 2.0.3 (default: predict.in VERSION, else 0)")
        .one_of({0, 1});
    line.option("--length-unit", length_unit, "length unit of the model files: angstrom, bohr, nm")
        .show_default();
    line.option("--energy-unit", energy_unit, "energy unit of the model files: eV, hartree, Ry, ...")
        .show_default();
  }
  nnp::ModelSpec spec() const {
    nnp::ModelSpec s;
    s.path = path;
    s.format = format;
    if (chebyshev_version >= 0) s.chebyshev_version = chebyshev_version;
    s.length_unit_angstrom = nnp::length_unit_in_angstrom(length_unit);
    s.energy_unit_ev = nnp::energy_unit_in_ev(energy_unit);
    return s;
  }
};

}  // namespace slhmc::cli
