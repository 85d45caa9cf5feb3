// Force providers register themselves by name in their own source file:
//
//   namespace { const slhmc::ProviderRegistration reg("lj", "Lennard-Jones (shifted)", &make_lj); }
//
// and configs select them with `type = "lj"`. No central switch over types.
// The registry is filled during static initialisation and only read afterwards.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/forces/force_provider.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc {

// What a factory may need besides its own config section.
struct ProviderContext {
  std::string base_dir;       // directory that relative paths in the config refer to
  const Frame* system = nullptr;  // the system it will be used on, if known (species, size)
};

using ProviderFactory = std::function<std::unique_ptr<ForceProvider>(const Config&, const ProviderContext&)>;

struct ProviderInfo {
  std::string name;
  std::string summary;
  ProviderFactory factory;
};

class ProviderRegistration {
 public:
  ProviderRegistration(const std::string& name, const std::string& summary, ProviderFactory factory);
};

// All registered providers, sorted by name.
std::vector<const ProviderInfo*> registered_providers();
// Builds the provider named by `section`'s "type" key; errors list the known types.
std::unique_ptr<ForceProvider> make_provider(const Config& section, const ProviderContext& context);
// Resolves a path from a config relative to context.base_dir.
std::string resolve_path(const ProviderContext& context, const std::string& path);

}  // namespace slhmc
