// The transport registry (see transport_registry.hpp).
#include "slhmc/learning/transport_registry.hpp"

#include <filesystem>
#include <map>

#include "slhmc/core/error.hpp"

namespace slhmc::learning {

namespace {

std::map<std::string, TransportKind>& registry() {
  static std::map<std::string, TransportKind> kinds;
  return kinds;
}

}  // namespace

TransportRegistration::TransportRegistration(TransportKind kind) {
  const std::string name = kind.name;
  registry()[name] = std::move(kind);
}

std::vector<std::string> transport_names(bool walker) {
  std::vector<std::string> out;
  for (const auto& [name, kind] : registry())
    if (walker || !kind.walker_only) out.push_back(name);
  return out;
}

const TransportKind& transport_kind(const std::string& name) {
  const auto it = registry().find(name);
  if (it != registry().end()) return it->second;
  std::string known;
  for (const auto& n : transport_names(true)) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown transport '" + name + "' (known: " + known + ")");
}

TransportConfig read_transport_config(const Config& table, const std::string& base_dir, bool walker) {
  TransportConfig c;
  c.type = table.get_choice("type", transport_names(walker));
  transport_kind(c.type).read(table, base_dir, c);
  return c;
}

std::string describe_transport(const TransportConfig& c) { return transport_kind(c.type).describe(c); }

bool same_transport(const TransportConfig& walker, const TransportConfig& trainer) {
  return walker.type == trainer.type && transport_kind(walker.type).same(walker, trainer);
}

std::string resolve_shared_path(const std::string& base_dir, const std::string& path) {
  return std::filesystem::path(path_relative_to(base_dir, path)).lexically_normal().string();
}

}  // namespace slhmc::learning
