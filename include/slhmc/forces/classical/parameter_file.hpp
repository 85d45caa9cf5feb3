// Shared by the classical potentials that read LAMMPS parameter files
// (.sw, .tersoff): locating the file and splitting it into numbered tokens.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "slhmc/forces/registry.hpp"

namespace slhmc {

// Where Debian's `lammps-data` package installs the potential files.
inline constexpr const char* kLammpsPotentialDir = "/usr/share/lammps/potentials";

// The path of a potential file named in a config: resolved relative to the
// config (resolve_path); a bare file name (no '/') that does not exist there
// is looked up in kLammpsPotentialDir. Throws ConfigError (naming `key`) if
// neither exists.
std::string find_potential_file(const ProviderContext& context, const std::string& name, const std::string& key);

// Reads a whole file; throws Error naming the path if it cannot be read.
std::string read_parameter_file(const std::string& path);

// One whitespace-separated word of a parameter file and its 1-based line.
struct ParameterToken {
  std::string text;
  std::size_t line;
};

// All words of `text`, with '#' comments removed. LAMMPS parameter files
// let an entry continue over several lines, so entries are read as fixed-size
// groups of words rather than lines.
std::vector<ParameterToken> tokenize_parameter_text(const std::string& text);

// The number in `token`; throws ParseError(source, token.line) naming `what`
// unless the whole word is a finite number.
double parse_parameter_number(const ParameterToken& token, const std::string& source, const std::string& what);

}  // namespace slhmc
