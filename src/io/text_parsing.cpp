// Line reading, tokenising, strict number parsing and exact number formatting
// shared by the structure file formats.
#include <cctype>
#include <charconv>
#include <cmath>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc::io_detail {

bool LineReader::next(std::string& line) {
  if (pushed_) {
    line = std::move(*pushed_);
    pushed_.reset();
    ++line_;
    return true;
  }
  if (!std::getline(in_, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_;
  return true;
}

void LineReader::unread(std::string line) {
  pushed_ = std::move(line);
  --line_;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    const std::size_t start = i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i > start) tokens.push_back(line.substr(start, i - start));
  }
  return tokens;
}

bool is_blank(std::string_view line) {
  for (char c : line)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<double> to_double(std::string_view token) {
  // from_chars rejects a leading '+', which Fortran and C printf output may carry.
  if (token.size() > 1 && token[0] == '+' && token[1] != '-' && token[1] != '+') token.remove_prefix(1);
  double value = 0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<long long> to_int(std::string_view token) {
  if (token.size() > 1 && token[0] == '+' && token[1] != '-' && token[1] != '+') token.remove_prefix(1);
  long long value = 0;
  const char* end = token.data() + token.size();
  const auto [ptr, ec] = std::from_chars(token.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

double parse_double(std::string_view token, const LineReader& reader, const std::string& what) {
  if (auto v = to_double(token)) return *v;
  reader.fail("expected a finite number for " + what + ", got '" + std::string(token) + "'");
}

long long parse_int(std::string_view token, const LineReader& reader, const std::string& what) {
  if (auto v = to_int(token)) return *v;
  reader.fail("expected an integer for " + what + ", got '" + std::string(token) + "'");
}

int parse_element(std::string_view token, const LineReader& reader, const std::string& what) {
  const int z = atomic_number_or_zero(token);
  if (z < 1 || z > kMaxAtomicNumber)
    reader.fail("expected an element symbol for " + what + ", got '" + std::string(token) + "'");
  return z;
}

std::string format_double(double x) {
  char buffer[64];
  const auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, x);
  if (ec != std::errc()) throw Error("cannot format a number");
  return std::string(buffer, ptr);
}

Cell make_cell(const Mat3& rows, Pbc pbc, const LineReader& reader, std::size_t line) {
  try {
    return Cell(rows, pbc);
  } catch (const ParseError&) {
    throw;
  } catch (const Error& e) {
    reader.fail_at(line, std::string("expected a valid cell: ") + e.what());
  }
}

}  // namespace slhmc::io_detail
