// The registry of trial moves by name.
#include <map>

#include "slhmc/core/error.hpp"
#include "slhmc/sampling/move.hpp"

namespace slhmc::sampling {

namespace {
struct Entry {
  std::string summary;
  MoveFactory factory;
};
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> entries;
  return entries;
}
}  // namespace

MoveRegistration::MoveRegistration(const std::string& name, const std::string& summary, MoveFactory factory) {
  registry()[name] = Entry{summary, std::move(factory)};
}

std::vector<std::string> move_names() {
  std::vector<std::string> names;
  for (const auto& [name, entry] : registry()) names.push_back(name);
  return names;
}

MoveMaker move_maker(const std::string& name, const Config& sampler_section, const std::string& key_path) {
  const auto it = registry().find(name);
  if (it == registry().end()) {
    std::string known;
    for (const auto& n : move_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigError(key_path, "unknown move '" + name + "'; registered moves: " + known);
  }
  return it->second.factory(sampler_section);
}

}  // namespace slhmc::sampling
