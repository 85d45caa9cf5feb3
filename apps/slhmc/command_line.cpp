// The command line over CLI11 (see command_line.hpp): the one file that includes it.
#include "command_line.hpp"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iostream>
#include <map>

#include "command.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::cli {

OptionHandle& OptionHandle::required(bool yes) {
  option_->required(yes);
  return *this;
}
OptionHandle& OptionHandle::existing_file() {
  option_->check(CLI::ExistingFile);
  return *this;
}
OptionHandle& OptionHandle::existing_directory() {
  option_->check(CLI::ExistingDirectory);
  return *this;
}
OptionHandle& OptionHandle::existing_path() {
  option_->check(CLI::ExistingPath);
  return *this;
}
OptionHandle& OptionHandle::in_range(long lo, long hi) {
  option_->check(CLI::Range(lo, hi));
  return *this;
}
OptionHandle& OptionHandle::non_negative() {
  option_->check(CLI::NonNegativeNumber);
  return *this;
}
OptionHandle& OptionHandle::one_of(const std::vector<int>& values) {
  option_->check(CLI::IsMember(values));
  return *this;
}
OptionHandle& OptionHandle::show_default() {
  option_->capture_default_str();
  return *this;
}

template <class T>
OptionHandle CommandLine::option(const std::string& name, T& target, const std::string& help) {
  return OptionHandle(app_->add_option(name, target, help));
}
template OptionHandle CommandLine::option(const std::string&, std::string&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, int&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, long&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, long long&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, unsigned long&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, unsigned long long&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, double&, const std::string&);
template OptionHandle CommandLine::option(const std::string&, std::vector<std::string>&, const std::string&);

void CommandLine::flag(const std::string& name, bool& target, const std::string& help) {
  app_->add_flag(name, target, help);
}

void CommandLine::footer(const std::string& text) { app_->footer(text); }

CommandLine CommandLine::subcommand(const std::string& name, const std::string& summary) {
  return CommandLine(*app_->add_subcommand(name, summary));
}

void CommandLine::require_subcommand() { app_->require_subcommand(1); }

int run_command_line(int argc, char** argv) {
  CLI::App app{"slhmc — exact sampling of expensive potentials with self-learning hybrid Monte Carlo"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "slhmc 0.1.0");
  std::map<std::string, Runner> runners;
  std::map<CLI::App*, std::string> names;
  for (const auto& cmd : registered_commands()) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.summary);
    CommandLine line(*sub);
    runners[cmd.name] = cmd.setup(line);
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

}  // namespace slhmc::cli
