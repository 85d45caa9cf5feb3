// Locating and tokenizing LAMMPS parameter files (see parameter_file.hpp).
#include "slhmc/forces/classical/parameter_file.hpp"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc {

std::string find_potential_file(const ProviderContext& context, const std::string& name, const std::string& key) {
  if (name.empty()) throw ConfigError(key, "must name a potential file, got an empty string");
  const std::string local = resolve_path(context, name);
  if (std::filesystem::exists(local)) return local;
  if (name.find('/') == std::string::npos) {
    const std::string shipped = std::string(kLammpsPotentialDir) + "/" + name;
    if (std::filesystem::exists(shipped)) return shipped;
    throw ConfigError(key, "potential file '" + name + "' not found as '" + local + "' nor in " +
                               kLammpsPotentialDir);
  }
  throw ConfigError(key, "potential file '" + local + "' not found");
}

std::string read_parameter_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open potential file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw Error("cannot read potential file '" + path + "'");
  return buffer.str();
}

std::vector<ParameterToken> tokenize_parameter_text(const std::string& text) {
  std::vector<ParameterToken> tokens;
  std::size_t line = 1;
  std::size_t pos = 0;
  const std::size_t n = text.size();
  while (pos < n) {
    const char c = text[pos];
    if (c == '\n') {
      ++line;
      ++pos;
    } else if (c == '#') {
      while (pos < n && text[pos] != '\n') ++pos;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
      ++pos;
    } else {
      const std::size_t start = pos;
      while (pos < n && text[pos] != '\n' && text[pos] != '#' && text[pos] != ' ' && text[pos] != '\t' &&
             text[pos] != '\r' && text[pos] != '\f' && text[pos] != '\v')
        ++pos;
      tokens.push_back({text.substr(start, pos - start), line});
    }
  }
  return tokens;
}

double parse_parameter_number(const ParameterToken& token, const std::string& source, const std::string& what) {
  double value = 0.0;
  const char* first = token.text.data();
  const char* last = first + token.text.size();
  // from_chars rejects a leading '+', which some hand-written files use.
  if (first != last && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || ptr != last || !std::isfinite(value))
    throw ParseError(source, token.line, "expected a number for " + what + ", got '" + token.text + "'");
  return value;
}

}  // namespace slhmc
