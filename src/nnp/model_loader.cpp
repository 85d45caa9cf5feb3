// The model-format registry and load_model(): formats register a detector and
// a loader; "auto" asks every detector and requires exactly one to match.
#include "slhmc/nnp/model_loader.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc::nnp {

namespace {

std::map<std::string, ModelFormatInfo>& registry() {
  static std::map<std::string, ModelFormatInfo> formats;
  return formats;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string known_formats() {
  std::string s;
  for (const auto& [name, info] : registry()) s += (s.empty() ? "" : ", ") + name;
  return s;
}

}  // namespace

double length_unit_in_angstrom(const std::string& name) {
  const std::string n = lower(name);
  if (n == "angstrom" || n == "a" || name == "Å" || n == "ang") return 1.0;
  if (n == "bohr" || n == "au" || n == "a0") return units::kBohrToAngstrom;
  if (n == "nm") return 10.0;
  throw Error("unknown length unit '" + name + "' (expected angstrom, bohr or nm)");
}

double energy_unit_in_ev(const std::string& name) {
  const std::string n = lower(name);
  if (n == "ev") return 1.0;
  if (n == "mev") return 1e-3;
  if (n == "hartree" || n == "ha" || n == "au") return units::kHartreeToEv;
  if (n == "ry" || n == "rydberg") return 0.5 * units::kHartreeToEv;
  // 1 kcal/mol = 4184 J / N_A, 1 kJ/mol = 1000 J / N_A, in eV (CODATA 2018 exact N_A, e).
  if (n == "kcal/mol") return 4184.0 / 6.02214076e23 / 1.602176634e-19;
  if (n == "kj/mol") return 1000.0 / 6.02214076e23 / 1.602176634e-19;
  throw Error("unknown energy unit '" + name + "' (expected eV, meV, hartree, Ry, kcal/mol or kJ/mol)");
}

ModelFormatRegistration::ModelFormatRegistration(const std::string& name, const std::string& summary,
                                                 ModelDetector detect, ModelLoadFunction load,
                                                 std::optional<ModelBytesSupport> bytes) {
  registry()[name] = ModelFormatInfo{name, summary, std::move(detect), std::move(load), std::move(bytes)};
}

std::vector<const ModelFormatInfo*> registered_model_formats() {
  std::vector<const ModelFormatInfo*> out;
  for (const auto& [name, info] : registry()) out.push_back(&info);
  return out;
}

std::string detect_model_format(const std::string& path) {
  std::vector<std::string> matches;
  for (const auto& [name, info] : registry())
    if (info.detect && info.detect(path)) matches.push_back(name);
  if (matches.empty())
    throw Error("cannot tell the model format of '" + path + "' (known formats: " + known_formats() +
                "); name it explicitly");
  if (matches.size() > 1) {
    std::string m;
    for (const auto& s : matches) m += (m.empty() ? "" : ", ") + s;
    throw Error("model '" + path + "' looks like several formats (" + m + "); name one explicitly");
  }
  return matches.front();
}

std::unique_ptr<Model> load_model(const ModelSpec& spec) {
  if (spec.path.empty()) throw Error("no model path given");
  std::error_code ec;
  if (!std::filesystem::exists(spec.path, ec)) throw Error("model '" + spec.path + "' does not exist");
  const std::string format = spec.format == "auto" || spec.format.empty() ? detect_model_format(spec.path) : spec.format;
  const auto it = registry().find(format);
  if (it == registry().end())
    throw Error("unknown model format '" + format + "' for '" + spec.path + "' (known: auto, " + known_formats() + ")");
  if (!(spec.length_unit_angstrom > 0) || !(spec.energy_unit_ev > 0))
    throw Error("model units must be positive (model '" + spec.path + "')");
  return it->second.load(spec);
}

const ModelBytesSupport& model_bytes_support(const std::string& format) {
  const auto it = registry().find(format);
  if (it == registry().end()) throw Error("unknown model format '" + format + "' (known: " + known_formats() + ")");
  if (!it->second.bytes) throw Error("model format '" + format + "' cannot be handed over as bytes");
  return *it->second.bytes;
}

std::optional<std::string> model_format_of_extension(const std::string& extension) {
  for (const auto& [name, info] : registry())
    if (info.bytes && info.bytes->extension == extension) return name;
  return std::nullopt;
}

ModelDescription describe_model_bytes(const std::string& format, const std::string& bytes, const std::string& source) {
  return model_bytes_support(format).describe(bytes, source);
}

std::unique_ptr<Model> load_model_bytes(const std::string& format, const std::string& bytes, const std::string& source) {
  return model_bytes_support(format).load(bytes, source);
}

}  // namespace slhmc::nnp
