// The provider registry, and the small helpers shared by all providers.
#include "slhmc/forces/registry.hpp"

#include <algorithm>
#include <map>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc {

namespace {
std::map<std::string, ProviderInfo>& registry() {
  static std::map<std::string, ProviderInfo> providers;
  return providers;
}
}  // namespace

ProviderRegistration::ProviderRegistration(const std::string& name, const std::string& summary,
                                           ProviderFactory factory) {
  registry()[name] = ProviderInfo{name, summary, std::move(factory)};
}

std::vector<const ProviderInfo*> registered_providers() {
  std::vector<const ProviderInfo*> out;
  for (const auto& [name, info] : registry()) out.push_back(&info);
  return out;
}

std::unique_ptr<ForceProvider> make_provider(const Config& section, const ProviderContext& context) {
  std::vector<std::string> names;
  for (const auto& [name, info] : registry()) names.push_back(name);
  const std::string type = section.get_choice("type", names);
  return registry().at(type).factory(section, context);
}

std::string resolve_path(const ProviderContext& context, const std::string& path) {
  if (path.empty() || path[0] == '/' || context.base_dir.empty()) return path;
  return context.base_dir + "/" + path;
}

Mat3 stress_gpa(const Mat3& virial, double volume) {
  if (!(volume > 0)) throw Error("stress needs a cell with positive volume");
  return (-units::kEvPerA3ToGPa / volume) * virial;
}

}  // namespace slhmc
