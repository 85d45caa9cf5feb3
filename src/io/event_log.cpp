// events.csv: one whole line per write() on an O_APPEND descriptor, so events
// of threads (and processes) sharing a file never interleave within a line.
#include "slhmc/io/event_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cmath>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {
constexpr const char* kHeader = "start_s,end_s,actor,kind,detail\n";

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}
}  // namespace

double EventLog::now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

EventLog::EventLog(const std::string& path, std::string actor) : path_(path), actor_(std::move(actor)) {
  if (!is_name(actor_)) throw Error("event log actor '" + actor_ + "': use letters, digits, '-' and '_'");
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent);
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error("cannot open event log '" + path + "': " + std::strerror(errno));
  if (::lseek(fd_, 0, SEEK_END) == 0) {
    const ssize_t n = ::write(fd_, kHeader, std::strlen(kHeader));
    (void)n;  // telemetry: a failed header shows up when the log is read
  }
}

EventLog::~EventLog() {
  if (fd_ >= 0) ::close(fd_);
}

void EventLog::record(std::string_view kind, double start_s, double end_s, std::string_view detail) {
  char times[64];
  std::snprintf(times, sizeof times, "%.6f,%.6f,", start_s, end_s);
  std::string line = times;
  line += actor_;
  line += ',';
  line += kind;
  line += ',';
  for (const char c : detail) line += (c == ',' || c == '\n') ? ' ' : c;
  line += '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  const ssize_t n = ::write(fd_, line.data(), line.size());
  (void)n;  // a full disk must not stop the run for the sake of telemetry
}

std::vector<Event> read_event_log(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read event log '" + path + "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Event> events;
  std::size_t pos = 0, number = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;  // cut by a crash: ignored
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (number == 1) {
      if (line + "\n" != kHeader) throw ParseError(path, 1, "expected the header '" + std::string(kHeader, 31) + "'");
      continue;
    }
    Event e;
    std::size_t field_start = 0;
    std::string fields[5];
    int count = 0;
    for (std::size_t i = 0; i <= line.size() && count < 5; ++i) {
      if (i == line.size() || (line[i] == ',' && count < 4)) {
        fields[count++] = line.substr(field_start, i - field_start);
        field_start = i + 1;
      }
    }
    if (count != 5) throw ParseError(path, number, "expected 5 comma-separated fields: start_s,end_s,actor,kind,detail");
    try {
      std::size_t used = 0;
      e.start_s = std::stod(fields[0], &used);
      if (used != fields[0].size()) throw std::invalid_argument("start");
      e.end_s = std::stod(fields[1], &used);
      if (used != fields[1].size()) throw std::invalid_argument("end");
    } catch (const std::exception&) {
      throw ParseError(path, number, "start_s and end_s must be numbers (seconds since the epoch)");
    }
    if (!std::isfinite(e.start_s) || !std::isfinite(e.end_s))
      throw ParseError(path, number, "start_s and end_s must be finite");
    if (!(e.end_s >= e.start_s)) throw ParseError(path, number, "the event ends before it starts");
    if (!is_name(fields[2]) || !is_name(fields[3]))
      throw ParseError(path, number, "actor and kind must be names (letters, digits, '-', '_')");
    e.actor = fields[2];
    e.kind = fields[3];
    e.detail = fields[4];
    events.push_back(std::move(e));
  }
  if (number == 0) throw ParseError(path, 1, "empty event log (no header)");
  return events;
}

}  // namespace slhmc
