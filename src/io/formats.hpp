// Private to src/io: the line reader with line numbers, strict number parsing
// and exact number formatting shared by the structure formats, and the
// per-format read/write entry points that structure_io.cpp dispatches to.
#pragma once

#include <cstddef>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::io_detail {

// Reads a stream line by line, counting 1-based line numbers for error messages.
class LineReader {
 public:
  LineReader(std::istream& in, std::string source) : in_(in), source_(std::move(source)) {}
  // The next line without its end-of-line (a trailing '\r' is dropped); false at the end.
  bool next(std::string& line);
  // Puts `line` back so that the following next() returns it again (one line at most).
  void unread(std::string line);
  // Line number of the line last returned by next() (0 before the first).
  std::size_t line() const { return line_; }
  const std::string& source() const { return source_; }
  // Throws ParseError at the current line (or at `line`).
  [[noreturn]] void fail(const std::string& message) const { throw ParseError(source_, line_, message); }
  [[noreturn]] void fail_at(std::size_t line, const std::string& message) const {
    throw ParseError(source_, line, message);
  }

 private:
  std::istream& in_;
  std::string source_;
  std::size_t line_ = 0;
  std::optional<std::string> pushed_;
};

// Whitespace-separated tokens of a line (views into `line`).
std::vector<std::string_view> split(std::string_view line);
bool is_blank(std::string_view line);
std::string_view trim(std::string_view s);
std::string lower(std::string_view s);

// Strict conversions: the whole token must be a finite number / integer, else
// ParseError at the reader's current line naming `what`.
double parse_double(std::string_view token, const LineReader& reader, const std::string& what);
long long parse_int(std::string_view token, const LineReader& reader, const std::string& what);
// Same without throwing.
std::optional<double> to_double(std::string_view token);
std::optional<long long> to_int(std::string_view token);
// Atomic number from an element symbol; ParseError naming `what` if unknown.
int parse_element(std::string_view token, const LineReader& reader, const std::string& what);

// Shortest decimal representation that reads back to the same double
// (at most 17 significant digits), e.g. "0.1", "-1.2345678901234567e-05".
std::string format_double(double x);

// Per-format readers: the next frame of `reader`, or nullopt at the end of the
// input. Single-structure formats (XSF, POSCAR, LAMMPS data) return one frame
// and then nullopt; `first` tells them whether this is the first call.
std::optional<LabelledFrame> read_extxyz_frame(LineReader& reader, const ReadOptions& options);
std::optional<LabelledFrame> read_xsf_frame(LineReader& reader, const ReadOptions& options, bool first);
std::optional<LabelledFrame> read_poscar_frame(LineReader& reader, const ReadOptions& options, bool first);
std::optional<LabelledFrame> read_n2p2_frame(LineReader& reader, const ReadOptions& options);
std::optional<LabelledFrame> read_lammps_data_frame(LineReader& reader, const ReadOptions& options, bool first);

// Per-format writers (one frame; errors are slhmc::Error naming what cannot be written).
void write_extxyz_frame(std::ostream& out, const LabelledFrame& frame, const WriteOptions& options);
void write_xsf_frame(std::ostream& out, const LabelledFrame& frame, const WriteOptions& options);
void write_poscar_frame(std::ostream& out, const LabelledFrame& frame, const WriteOptions& options);
void write_n2p2_frame(std::ostream& out, const LabelledFrame& frame, const WriteOptions& options);
void write_lammps_data_frame(std::ostream& out, const LabelledFrame& frame, const WriteOptions& options);

// Builds the Cell for a parsed frame, turning Cell's Error into a ParseError at `line`.
Cell make_cell(const Mat3& rows, Pbc pbc, const LineReader& reader, std::size_t line);

}  // namespace slhmc::io_detail
