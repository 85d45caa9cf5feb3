// Loading NNP models from files: a ModelSpec names the path, the format
// ("auto" detects it), the model's units and the aenet Chebyshev convention.
// Each format registers itself in its own source file, so that new formats
// plug in without editing the loader:
//
//   namespace {
//   const slhmc::nnp::ModelFormatRegistration reg(
//       "n2p2", "n2p2 2G-HDNNP directory (input.nn, scaling.data, weights.NNN.data)",
//       [](const std::string& path) { return is_n2p2_dir(path); },   // detector for format "auto"
//       [](const slhmc::nnp::ModelSpec& spec) { return load_n2p2(spec); });
//   }
//
// A format whose model is one file may also register ModelBytesSupport: then
// models of that format can be handed over as bytes (the learning transports
// do) and described without being built, whatever the format.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/nnp/model.hpp"

namespace slhmc::nnp {

struct ModelSpec {
  std::string path;                       // file or directory
  std::string format = "auto";            // "auto" or a registered format name (aenet, n2p2, native, ...)
  std::optional<int> chebyshev_version;   // aenet Chebyshev convention (§A5); unset: predict.in's VERSION, else 0
  double length_unit_angstrom = 1.0;      // Å per model length unit (n2p2/aenet files do not state units)
  double energy_unit_ev = 1.0;            // eV per model energy unit
};

// Unit names accepted in configs and on the command line: length "angstrom"/"A"/"Å", "bohr", "nm";
// energy "eV", "hartree"/"Ha", "Ry", "meV", "kcal/mol", "kJ/mol". Throws Error listing them otherwise.
double length_unit_in_angstrom(const std::string& name);
double energy_unit_in_ev(const std::string& name);

// A model file format. `detect(path)` answers whether `path` looks like this format (used by
// "auto"; it must not throw for foreign paths); `load(spec)` builds the model.
using ModelDetector = std::function<bool(const std::string& path)>;
using ModelLoadFunction = std::function<std::unique_ptr<Model>(const ModelSpec& spec)>;

// What any format tells about a model without building it: the learning loop checks these
// before it hands a model over or swaps it in.
struct ModelDescription {
  long long version = 0;                     // the model's own version (0: the format has none)
  std::vector<std::string> species;          // element symbols, in the model's order
  double cutoff_angstrom = 0.0;              // largest descriptor cutoff
  std::map<std::string, std::string> marks;  // further metadata keys, verbatim (e.g. trainer.round)
};

// A format whose model is one file, handed over as that file's bytes. `describe` verifies the
// bytes wholly (structure, checksums) without building the model; `load` builds it. Both name
// `source` in their errors (Error or ParseError).
struct ModelBytesSupport {
  std::string extension;  // of its files, with the dot: ".nnp"
  std::function<ModelDescription(const std::string& bytes, const std::string& source)> describe;
  std::function<std::unique_ptr<Model>(const std::string& bytes, const std::string& source)> load;
};

struct ModelFormatInfo {
  std::string name;
  std::string summary;
  ModelDetector detect;
  ModelLoadFunction load;
  std::optional<ModelBytesSupport> bytes;  // formats that travel as bytes
};

class ModelFormatRegistration {
 public:
  ModelFormatRegistration(const std::string& name, const std::string& summary, ModelDetector detect,
                          ModelLoadFunction load, std::optional<ModelBytesSupport> bytes = std::nullopt);
};

// Registered formats, sorted by name.
std::vector<const ModelFormatInfo*> registered_model_formats();
// The format of `path` by the registered detectors; throws Error if none or several match.
std::string detect_model_format(const std::string& path);
// Loads the model (format "auto": detect_model_format). Throws Error naming the path and format.
std::unique_ptr<Model> load_model(const ModelSpec& spec);

// The bytes support of `format`; throws Error for an unknown format or one without it.
const ModelBytesSupport& model_bytes_support(const std::string& format);
// The format whose files end in `extension` (".nnp"), if one registered it.
std::optional<std::string> model_format_of_extension(const std::string& extension);
ModelDescription describe_model_bytes(const std::string& format, const std::string& bytes, const std::string& source);
std::unique_ptr<Model> load_model_bytes(const std::string& format, const std::string& bytes, const std::string& source);

}  // namespace slhmc::nnp
