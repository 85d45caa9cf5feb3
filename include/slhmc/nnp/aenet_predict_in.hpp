// aenet `predict.in` (nnp-formats §A14): the species list (TYPES), one network
// file per species (NETWORKS, quoted or unquoted paths), the structure list
// (FILES) and AccelNet's Chebyshev VERSION. Only what model loading and
// `slhmc predict` need is kept; relaxation and output flags are ignored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace slhmc::nnp {

struct AenetPredictInput {
  std::vector<std::string> types;     // TYPES, in file order
  std::vector<std::string> networks;  // network path of types[i], resolved against the file's directory
  std::vector<std::string> files;     // FILES, resolved likewise
  std::optional<int> chebyshev_version;  // VERSION / CHEBYSHEV_VERSION if given
};

// `base_dir` is prefixed to relative paths ("" keeps them as written).
AenetPredictInput parse_aenet_predict_in(std::string_view text, const std::string& source,
                                         const std::string& base_dir);
AenetPredictInput read_aenet_predict_in(const std::string& path);
// Cheap test used by format detection: a readable file with a NETWORKS keyword line.
bool looks_like_aenet_predict_in(const std::string& path);

}  // namespace slhmc::nnp
