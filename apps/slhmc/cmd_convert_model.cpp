// `slhmc convert-model --model PATH [model options] -o OUT.slhmc-nnp`: writes an
// aenet model (predict.in, directory of .nn files, one .nn file) as a native
// slhmc model file, converting its energy unit to eV. The model is loaded
// first, so only models that evaluate are converted; a native input is
// re-published (its model version becomes the default parent version).
#include <filesystem>
#include <iostream>
#include <sstream>

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/nnp/native_model.hpp"

namespace slhmc::cli {
namespace {

struct ConvertOptions {
  NnpModelOptions model;
  std::string output;
  long long model_version = 0;
  long long parent_version = -1;
  std::string description;
  std::string digest;
};

int run(const ConvertOptions& o) {
  const nnp::ModelSpec spec = o.model.spec();
  const auto loaded = nnp::load_model(spec);  // validates and resolves the Chebyshev convention
  const auto meta = loaded->metadata();
  std::vector<nnp::AenetNetFile> files;
  nnp::NativeModelMetadata m;
  if (meta.at("format") == "native") {
    nnp::NativeModel native = nnp::read_native_model(spec.path);
    files = std::move(native.species);
    m = native.metadata;
    m.parent_version = native.metadata.model_version;
    m.created.clear();
  } else if (meta.at("format") == "aenet") {
    if (spec.length_unit_angstrom != 1.0)
      throw Error("convert-model: converting the length unit of an aenet model is not supported (native files are in Å)");
    std::istringstream names(meta.at("files"));
    std::string path;
    while (names >> path) {
      if (!std::filesystem::is_regular_file(path))
        throw Error("convert-model: cannot locate network file '" + path + "' (paths with blanks are not supported)");
      files.push_back(nnp::read_aenet_nn(path));
      if (spec.energy_unit_ev != 1.0) nnp::convert_aenet_energy_unit(files.back(), spec.energy_unit_ev);
    }
    m.chebyshev_version = std::stoi(meta.at("chebyshev_version"));
    m.description = "converted from " + spec.path;
  } else {
    throw Error("convert-model: '" + spec.path + "' is a " + meta.at("format") +
                " model; only aenet and native models can be converted");
  }
  m.model_version = o.model_version;
  if (o.parent_version >= 0) m.parent_version = o.parent_version;
  if (!o.description.empty()) m.description = o.description;
  if (!o.digest.empty()) m.training_data_digest = o.digest;
  nnp::write_native_model(o.output, files, m);
  // Read back what was written: the conversion must be loadable.
  nnp::ModelSpec check;
  check.path = o.output;
  check.format = "native";
  const auto written = nnp::load_model(check);
  std::cout << "wrote " << o.output << ": " << written->description() << "\n";
  return 0;
}

Runner setup(CommandLine& line) {
  auto o = std::make_shared<ConvertOptions>();
  o->model.add_to(line);
  line.option("-o,--output", o->output, "native model file to write (replaced atomically)").required();
  line.option("--model-version", o->model_version, "model version to record (integer >= 0)")
      .non_negative()
      .show_default();
  line.option("--parent-version", o->parent_version,
                 "parent model version (default: none; for a native input, its model version)")
      .non_negative();
  line.option("--description", o->description, "free-text description to record");
  line.option("--training-data-digest", o->digest, "digest of the training data (one word)");
  return [o] { return run(*o); };
}

const CommandRegistration reg("convert-model", "Write an aenet (or native) NNP model as a native slhmc-nnp file",
                              setup);

}  // namespace
}  // namespace slhmc::cli
