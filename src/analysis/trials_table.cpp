// The trials.csv writer and its header-keyed reader.
#include "slhmc/analysis/trials_table.hpp"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc::analysis {

namespace {
std::string fmt(double x) { return format_number(x); }

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string tok;
  while (std::getline(ss, tok, ',')) f.push_back(tok);
  if (!line.empty() && line.back() == ',') f.emplace_back();
  return f;
}
}  // namespace

std::string format_number(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

const std::string& trials_header() {
  static const std::string header =
      "trial,move,accepted,delta_H_eV,delta_K_eV,delta_V_ref_eV,delta_V_sur_eV,delta_eV,potential_eV,volume_A3,"
      "n_md,dt_fs,model_version,seconds_trajectory,seconds_reference,phase\n";
  return header;
}

const std::vector<std::string>& trials_timing_columns() {
  static const std::vector<std::string> columns{"seconds_trajectory", "seconds_reference"};
  return columns;
}

std::string trials_line(const TrialRow& r) {
  std::ostringstream line;
  line << r.trial << ',' << r.move << ',' << (r.accepted ? 1 : 0) << ',' << fmt(r.delta_h) << ',' << fmt(r.delta_k)
       << ',' << fmt(r.delta_v_ref) << ',' << fmt(r.delta_v_sur) << ',' << fmt(r.delta) << ',' << fmt(r.potential)
       << ',' << fmt(r.volume) << ',' << r.n_md << ',' << fmt(r.dt_fs) << ',' << r.model_version << ','
       << fmt(r.seconds_trajectory) << ',' << fmt(r.seconds_reference) << ',' << r.phase << '\n';
  return line.str();
}

TrialsTable TrialsTable::parse(const std::string& text, const std::string& source) {
  TrialsTable t;
  t.source_ = source;
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.rfind("trial,move,accepted", 0) != 0)
    throw ParseError(source, 1, "expected the trials.csv header (trial,move,accepted,...)");
  t.columns_ = fields(line);
  for (std::size_t i = 0; i < t.columns_.size(); ++i) t.index_[t.columns_[i]] = i;
  std::size_t number = 1;
  while (std::getline(in, line)) {
    ++number;
    std::vector<std::string> f = fields(line);
    if (f.size() < t.columns_.size()) {
      // Only the last line may be short, and only while it is still being written (no newline
      // yet); a short line anywhere else is a damaged file.
      if (in.eof()) break;
      throw ParseError(source, number, "expected " + std::to_string(t.columns_.size()) +
                                           " comma-separated fields, found " + std::to_string(f.size()));
    }
    t.rows_.push_back(std::move(f));
    t.lines_.push_back(number);
  }
  return t;
}

TrialsTable TrialsTable::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "' (is this an slhmc run directory?)");
  std::stringstream buf;
  buf << in.rdbuf();
  return parse(buf.str(), path);
}

const std::string& TrialsTable::text(std::size_t row, const std::string& column) const {
  const auto it = index_.find(column);
  if (it == index_.end()) throw Error("'" + source_ + "' has no column '" + column + "'");
  return rows_.at(row)[it->second];
}

double TrialsTable::number(std::size_t row, const std::string& column) const {
  const std::string& s = text(row, column);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0')
    throw ParseError(source_, lines_[row], "expected a number in column '" + column + "', found '" + s + "'");
  return v;
}

std::vector<std::string> TrialsTable::texts(const std::string& column, const std::string& fallback) const {
  std::vector<std::string> out;
  out.reserve(rows_.size());
  for (std::size_t r = 0; r < rows_.size(); ++r) out.push_back(has(column) ? text(r, column) : fallback);
  return out;
}

std::vector<double> TrialsTable::numbers(const std::string& column, double fallback) const {
  std::vector<double> out;
  out.reserve(rows_.size());
  for (std::size_t r = 0; r < rows_.size(); ++r) out.push_back(has(column) ? number(r, column) : fallback);
  return out;
}

std::vector<double> TrialsTable::numbers(const std::string& column) const {
  if (!has(column)) throw Error("'" + source_ + "' has no column '" + column + "'");
  return numbers(column, 0.0);
}

std::string TrialsTable::csv_without(const std::vector<std::string>& dropped) const {
  auto keep = [&](std::size_t k) {
    for (const auto& d : dropped)
      if (columns_[k] == d) return false;
    return true;
  };
  auto join = [&](const std::vector<std::string>& f) {
    std::string out;
    bool first = true;
    for (std::size_t k = 0; k < f.size(); ++k) {
      if (k < columns_.size() && !keep(k)) continue;
      out += (first ? "" : ",") + f[k];
      first = false;
    }
    return out + "\n";
  };
  std::string out = join(columns_);
  for (const auto& row : rows_) out += join(row);
  return out;
}

}  // namespace slhmc::analysis
