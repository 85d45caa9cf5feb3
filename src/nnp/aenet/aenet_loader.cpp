// Registers the "aenet" model format: an aenet predict.in (TYPES/NETWORKS), a
// directory holding one `.nn` file per species, or a single `.nn` file.
#include <filesystem>
#include <fstream>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/aenet_predict_in.hpp"
#include "slhmc/nnp/model_loader.hpp"

namespace slhmc::nnp {

namespace {

namespace fs = std::filesystem;

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// `.nn` files of a directory; ASCII `.nn.ascii` only when there are no binary ones.
std::vector<std::string> nn_files_in(const std::string& dir) {
  std::vector<std::string> binary, ascii;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file()) continue;
    const std::string name = e.path().filename().string();
    if (ends_with(name, ".nn")) binary.push_back(e.path().string());
    if (ends_with(name, ".nn.ascii")) ascii.push_back(e.path().string());
  }
  auto& chosen = binary.empty() ? ascii : binary;
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

bool detect(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return !fs::exists(fs::path(path) / "input.nn", ec) && !nn_files_in(path).empty();
  if (ends_with(path, ".nn") || ends_with(path, ".nn.ascii")) return fs::is_regular_file(path, ec);
  return looks_like_aenet_predict_in(path);
}

std::unique_ptr<Model> load(const ModelSpec& spec) {
  AenetModelOptions options;
  options.length_unit_angstrom = spec.length_unit_angstrom;
  options.energy_unit_ev = spec.energy_unit_ev;
  std::vector<std::string> files;
  std::optional<int> file_version;
  std::error_code ec;
  if (fs::is_directory(spec.path, ec)) {
    files = nn_files_in(spec.path);
    if (files.empty()) throw Error("directory '" + spec.path + "' holds no aenet .nn files");
  } else if (ends_with(spec.path, ".nn") || ends_with(spec.path, ".nn.ascii")) {
    files = {spec.path};
  } else {
    const AenetPredictInput in = read_aenet_predict_in(spec.path);
    files = in.networks;
    file_version = in.chebyshev_version;
  }
  if (spec.chebyshev_version && file_version && *spec.chebyshev_version != *file_version)
    throw Error("Chebyshev version " + std::to_string(*spec.chebyshev_version) + " requested but '" + spec.path +
                "' says VERSION " + std::to_string(*file_version));
  options.chebyshev_version = spec.chebyshev_version.value_or(file_version.value_or(0));
  return AenetModel::from_files(files, options);
}

const ModelFormatRegistration reg("aenet",
                                  "aenet networks: predict.in, a directory of .nn files, or one .nn file "
                                  "(binary or ASCII; Chebyshev or Behler2011)",
                                  &detect, &load);

}  // namespace

}  // namespace slhmc::nnp
