// The error types the library throws. Library code never prints or exits;
// only apps/ catches these, prints what() and exits non-zero.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace slhmc {

// Any error that slhmc reports to a user.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
};

// Malformed input in a file or stream: the message names the source, the
// 1-based line (0 when unknown) and what was expected.
class ParseError : public Error {
 public:
  ParseError(const std::string& source, std::size_t line, const std::string& message);
  const std::string& source() const { return source_; }
  std::size_t line() const { return line_; }

 private:
  std::string source_;
  std::size_t line_;
};

// A configuration key with a wrong, missing or unknown value; the message
// names the full key path (e.g. "potential.epsilon") and the allowed values.
class ConfigError : public Error {
 public:
  ConfigError(const std::string& key, const std::string& message);
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// A force engine failed (crash, timeout, NaN, wrong atom count, ...).
class EngineError : public Error {
 public:
  using Error::Error;
};

}  // namespace slhmc
