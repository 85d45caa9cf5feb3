// `slhmc providers`: lists the potentials that configs can name with `type = "..."`.
#include <iostream>

#include "command.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc::cli {
namespace {
Runner setup(CommandLine& line) {
  return [] {
    for (const auto* info : registered_providers()) std::cout << info->name << "\t" << info->summary << "\n";
    return 0;
  };
}
const CommandRegistration reg("providers", "List the available potentials (force providers)", setup);
}  // namespace
}  // namespace slhmc::cli
