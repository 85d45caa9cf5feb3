// Registers the "n2p2" model format: a directory holding input.nn,
// scaling.data and weights.NNN.data (or the path of its input.nn).
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/n2p2_model.hpp"

namespace slhmc::nnp::n2p2 {

namespace {

namespace fs = std::filesystem;

// The model directory of `path`: itself, or the folder of an input.nn file.
std::string model_dir(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return path;
  const fs::path p(path);
  if (p.filename() == "input.nn") return p.has_parent_path() ? p.parent_path().string() : std::string(".");
  return {};
}

// Only directories are detected: a bare input.nn path is accepted by load() when the
// format is named, since other formats' detectors may also claim loose text files.
bool detect(const std::string& path) {
  std::error_code ec;
  return fs::is_directory(path, ec) && fs::is_regular_file(fs::path(path) / "input.nn", ec) &&
         fs::is_regular_file(fs::path(path) / "scaling.data", ec);
}

std::unique_ptr<Model> load(const ModelSpec& spec) {
  const std::string dir = model_dir(spec.path);
  if (dir.empty())
    throw Error("n2p2 model '" + spec.path + "': expected a directory with input.nn, scaling.data and weights.NNN.data");
  LoadOptions options;
  options.length_unit_in_angstrom = spec.length_unit_angstrom;
  options.energy_unit_in_ev = spec.energy_unit_ev;
  return N2p2Model::load(dir, options);
}

const ModelFormatRegistration reg("n2p2", "n2p2 2G-HDNNP directory (input.nn, scaling.data, weights.NNN.data)",
                                  &detect, &load);

}  // namespace

}  // namespace slhmc::nnp::n2p2
