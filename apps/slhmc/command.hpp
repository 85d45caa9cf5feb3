// Subcommands of `slhmc` register themselves in their own source file:
//
//   static slhmc::cli::CommandRegistration reg("md", "Run molecular dynamics", &setup_md);
//
// where setup declares its options on the CommandLine and returns the function
// that runs the command (returning the process exit code).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "slhmc/io/config.hpp"

namespace slhmc::cli {

using Runner = std::function<int()>;
using CommandSetup = std::function<Runner(CommandLine&)>;

struct CommandRegistration {
  CommandRegistration(std::string name, std::string summary, CommandSetup setup);
};

struct CommandInfo {
  std::string name;
  std::string summary;
  CommandSetup setup;
};
const std::vector<CommandInfo>& registered_commands();

// Options shared by commands that read a config file: the file and repeated
// `--set key=value` overrides.
struct ConfigOptions {
  std::string path;
  std::vector<std::string> overrides;
  void add_to(CommandLine& line);
  // Loads the file (or the given embedded default text when path is empty) and applies the overrides.
  Config load(const std::string& embedded_default = "") const;
  // Directory that relative paths in the config refer to.
  std::string base_dir() const;
};

}  // namespace slhmc::cli
