// What a subcommand declares on its command line: positional arguments,
// options and flags with their checks, a footer, nested subcommands.
//
// CLI11 parses underneath, but only command_line.cpp includes it: the
// header-only library costs ~9 s of -O3 compile time in every file that
// includes it, and a dozen subcommand files declare options.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace slhmc::cli {

// One declared option; the checks chain: line.option(...).required().existing_file().
class OptionHandle {
 public:
  explicit OptionHandle(CLI::Option* option) : option_(option) {}
  OptionHandle& required(bool yes = true);
  OptionHandle& existing_file();
  OptionHandle& existing_directory();
  OptionHandle& existing_path();  // a file or a directory
  OptionHandle& in_range(long lo, long hi);  // integers
  OptionHandle& non_negative();
  OptionHandle& one_of(const std::vector<int>& values);
  OptionHandle& show_default();  // the help shows the target's value before parsing

 private:
  CLI::Option* option_;
};

class CommandLine {
 public:
  explicit CommandLine(CLI::App& app) : app_(&app) {}
  // A name starting with '-' is an option ("-o,--output"), any other a positional argument.
  // T: std::string, int, long, long long, unsigned long, unsigned long long, double or
  // std::vector<std::string> (repeatable).
  template <class T>
  OptionHandle option(const std::string& name, T& target, const std::string& help);
  void flag(const std::string& name, bool& target, const std::string& help);
  void footer(const std::string& text);
  // A nested subcommand (`slhmc bench nnp`); with require_subcommand() one must be given.
  CommandLine subcommand(const std::string& name, const std::string& summary);
  void require_subcommand();

 private:
  CLI::App* app_;
};

// Parses argv against the registered subcommands (command.hpp) and runs the one given: its exit
// code, 1 after a slhmc::Error (its message on stderr), CLI11's code after a usage error.
int run_command_line(int argc, char** argv);

}  // namespace slhmc::cli
