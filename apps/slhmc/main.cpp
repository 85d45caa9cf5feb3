// Entry point of `slhmc`: the registry of subcommands and the options shared by
// those that read a config; parsing and dispatch are in command_line.cpp.
#include <filesystem>

#include "command.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::cli {

namespace {
std::vector<CommandInfo>& commands() {
  static std::vector<CommandInfo> list;
  return list;
}
}  // namespace

CommandRegistration::CommandRegistration(std::string name, std::string summary, CommandSetup setup) {
  commands().push_back({std::move(name), std::move(summary), std::move(setup)});
}

const std::vector<CommandInfo>& registered_commands() { return commands(); }

void ConfigOptions::add_to(CommandLine& line) {
  line.option("--set", overrides, "Override a config key: --set section.key=value (repeatable)");
}

Config ConfigOptions::load(const std::string& embedded_default) const {
  Config config = path.empty() ? Config::parse(embedded_default, "<embedded default>") : Config::from_file(path);
  for (const auto& o : overrides) config.apply_override(o);
  return config;
}

std::string ConfigOptions::base_dir() const {
  if (path.empty()) return ".";
  auto parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

}  // namespace slhmc::cli

int main(int argc, char** argv) { return slhmc::cli::run_command_line(argc, argv); }
