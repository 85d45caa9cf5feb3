// Small text helpers shared by the n2p2 file readers (input.nn, scaling.data,
// weights): whole-file reading, line splitting with `#` comments, and strict
// number parsing that reports file, line and what was expected.
#pragma once

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "slhmc/core/error.hpp"

namespace slhmc::nnp::n2p2::detail {

inline std::string read_file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open n2p2 model file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The whitespace-separated tokens of `line` before the first '#'.
inline std::vector<std::string_view> tokens_of(std::string_view line) {
  if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
  std::vector<std::string_view> out;
  std::size_t p = 0;
  while (p < line.size()) {
    while (p < line.size() && (line[p] == ' ' || line[p] == '\t' || line[p] == '\r' || line[p] == '\v' ||
                               line[p] == '\f'))
      ++p;
    if (p >= line.size()) break;
    std::size_t q = p;
    while (q < line.size() && !(line[q] == ' ' || line[q] == '\t' || line[q] == '\r' || line[q] == '\v' ||
                                line[q] == '\f'))
      ++q;
    out.push_back(line.substr(p, q - p));
    p = q;
  }
  return out;
}

// Calls f(line_number, line) for every line of `text` (1-based numbers).
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t line_no = 0, p = 0;
  while (p <= text.size()) {
    const std::size_t nl = text.find('\n', p);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    ++line_no;
    if (!(nl == std::string_view::npos && p == text.size())) f(line_no, text.substr(p, end - p));
    if (nl == std::string_view::npos) break;
    p = nl + 1;
  }
}

// A finite double; Fortran-style exponents ('D') are accepted as n2p2 writes none but users might.
inline double parse_double(std::string_view token, const std::string& source, std::size_t line,
                           const std::string& what) {
  std::string t(token);
  for (char& c : t)
    if (c == 'D' || c == 'd') c = 'e';
  const char* first = t.data();
  if (!t.empty() && t[0] == '+') ++first;
  double value = 0.0;
  const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), value);
  if (ec != std::errc() || ptr != t.data() + t.size() || !std::isfinite(value))
    throw ParseError(source, line, "expected " + what + " (a finite number), got '" + std::string(token) + "'");
  return value;
}

inline long parse_int(std::string_view token, const std::string& source, std::size_t line,
                      const std::string& what) {
  const char* first = token.data();
  if (!token.empty() && token[0] == '+') ++first;
  long value = 0;
  const auto [ptr, ec] = std::from_chars(first, token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size())
    throw ParseError(source, line, "expected " + what + " (an integer), got '" + std::string(token) + "'");
  return value;
}

}  // namespace slhmc::nnp::n2p2::detail
