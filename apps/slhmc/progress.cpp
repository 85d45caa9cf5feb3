// Progress line: throttled redraws with an ETA from the mean rate so far.
#include "progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>

namespace slhmc::cli {

ProgressLine::ProgressLine(long total)
    : total_(total), enabled_(isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressLine::~ProgressLine() { finish(); }

double ProgressLine::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void ProgressLine::update(long done, const std::string& detail) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_draw_ < std::chrono::milliseconds(250) && done < total_) return;
  last_draw_ = now;
  const double elapsed = elapsed_s();
  std::string eta = "--";
  if (done > 0 && total_ > done) eta = format_duration(elapsed * static_cast<double>(total_ - done) / done);
  else if (done >= total_) eta = "0 s";
  const double percent = total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0;
  // \r returns to the start; \033[K clears what a longer previous line left.
  std::fprintf(stderr, "\r%ld/%ld (%.0f%%) %s  ETA %s\033[K", done, total_, percent, detail.c_str(), eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
  }
  drawn_ = false;
}

std::string format_duration(double seconds) {
  char buf[64];
  const long s = std::lround(seconds);
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld h %02ld min", s / 3600, (s % 3600) / 60);
  else if (s >= 60) std::snprintf(buf, sizeof buf, "%ld min %02ld s", s / 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld s", s);
  return buf;
}

}  // namespace slhmc::cli
