// Entry point of `slhmc`: dispatches to the registered subcommands and turns
// library errors into a clear message and a non-zero exit code.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

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

void ConfigOptions::add_to(CLI::App& app) {
  app.add_option("--set", overrides, "Override a config key: --set section.key=value (repeatable)");
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

int main(int argc, char** argv) {
  using namespace slhmc::cli;
  CLI::App app{"slhmc — exact sampling of expensive potentials with self-learning hybrid Monte Carlo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "slhmc 0.1.0");
  std::map<std::string, Runner> runners;
  std::map<CLI::App*, std::string> names;
  for (const auto& cmd : registered_commands()) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.summary);
    runners[cmd.name] = cmd.setup(*sub);
    names[sub] = cmd.name;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    for (const auto& [sub, name] : names)
      if (sub->parsed()) return runners[name]();
  } catch (const slhmc::Error& e) {
    std::cerr << "slhmc: error: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "slhmc: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
