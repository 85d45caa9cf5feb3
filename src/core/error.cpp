// Message formatting of the error types.
#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {
std::string located(const std::string& source, std::size_t line, const std::string& message) {
  std::string where = source.empty() ? std::string("<input>") : source;
  if (line > 0) where += ":" + std::to_string(line);
  return where + ": " + message;
}
}  // namespace

ParseError::ParseError(const std::string& source, std::size_t line, const std::string& message)
    : Error(located(source, line, message)), source_(source), line_(line) {}

ConfigError::ConfigError(const std::string& key, const std::string& message)
    : Error("config key '" + key + "': " + message), key_(key) {}

}  // namespace slhmc
