// trials.csv, the per-trial log of a walker run: its one writer (the columns
// and the number format) and its one reader, which finds columns by their
// header names, so that readers keep working when columns are added (older
// files lack `phase`, say). Used by `slhmc run`, its summary, `slhmc report`
// and the tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace slhmc::analysis {

// One trial as the sampler records it. Energies eV, volume Å³, time step fs, times s.
struct TrialRow {
  std::uint64_t trial = 0;
  std::string move;               // "md" (HMC), "volume", ...
  bool accepted = false;
  double delta_h = 0, delta_k = 0, delta_v_ref = 0, delta_v_sur = 0, delta = 0;
  double potential = 0;           // the chain's reference energy after the trial
  double volume = 0;              // after the trial (0 without a cell)
  int n_md = 0;                   // the HMC trajectory in effect
  double dt_fs = 0;
  long long model_version = 0;
  double seconds_trajectory = 0, seconds_reference = 0;
  std::string phase;              // "fixed", "learning", "production"
};

// %.10g: the number format of trials.csv and summary.txt.
std::string format_number(double x);

// The header line (with '\n'): trial,move,accepted,delta_H_eV,...,phase.
const std::string& trials_header();
// One line (with '\n'); numbers with 10 significant digits.
std::string trials_line(const TrialRow& row);

// The names of the columns that hold wall-clock times (they differ between identical runs).
const std::vector<std::string>& trials_timing_columns();

// The parsed table. A last line without its newline and with fewer fields than the header (a
// line still being written) is left out.
class TrialsTable {
 public:
  // Throws ParseError naming `source` and the line if the first line is not a trials.csv header
  // or another line has fewer fields than the header.
  static TrialsTable parse(const std::string& text, const std::string& source);
  // Throws Error if the file cannot be read.
  static TrialsTable read(const std::string& path);

  std::size_t size() const { return rows_.size(); }
  bool has(const std::string& column) const { return index_.count(column) > 0; }
  // The line of the file that holds row `row` (1: the header), for error messages.
  std::size_t line(std::size_t row) const { return lines_.at(row); }
  const std::vector<std::string>& columns() const { return columns_; }
  // The field of row `row` in `column`; throws Error for a column the file does not have.
  const std::string& text(std::size_t row, const std::string& column) const;
  // The field as a number; throws ParseError naming the line for a field that is not one.
  double number(std::size_t row, const std::string& column) const;
  // A whole column: as text, or as numbers; a column the file lacks gives `fallback` per row.
  std::vector<std::string> texts(const std::string& column, const std::string& fallback = "") const;
  std::vector<double> numbers(const std::string& column, double fallback) const;
  std::vector<double> numbers(const std::string& column) const;
  // The table as CSV without the named columns (e.g. trials_timing_columns()).
  std::string csv_without(const std::vector<std::string>& dropped) const;

 private:
  std::string source_;
  std::vector<std::string> columns_;
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<std::size_t> lines_;  // line number of each row, for errors
};

}  // namespace slhmc::analysis
