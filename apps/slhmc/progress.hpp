// A one-line progress display with ETA for long runs. It draws on stderr with
// carriage-return updates, at most four times a second, and only when stderr
// is a terminal; redirected output stays clean (the caller prints a summary).
#pragma once

#include <chrono>
#include <string>

namespace slhmc::cli {

class ProgressLine {
 public:
  // `total` units of work (e.g. steps); enabled only if stderr is a terminal.
  explicit ProgressLine(long total);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  // Reports that `done` units are finished; `detail` is shown after the counts.
  void update(long done, const std::string& detail = "");
  // Clears the line (so that the summary starts on a clean line).
  void finish();
  // Seconds since construction.
  double elapsed_s() const;

 private:
  long total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// "1 h 02 min", "3 min 05 s", "12 s".
std::string format_duration(double seconds);

}  // namespace slhmc::cli
