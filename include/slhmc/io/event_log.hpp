// Telemetry: what each process of a run was doing, over wall time. Every
// walker and trainer appends one line per event to its own `events.csv`:
//
//   start_s,end_s,actor,kind,detail
//   1795000000.123456,1795000000.234567,walker-0,reference,trial=12
//
// Times are seconds since the Unix epoch (system clock), so logs of processes
// on different machines line up as well as their clocks do. `detail` is
// space-separated key=value pairs (no commas). Kinds, by who writes them:
//
//   walker   trajectory, reference (trial=N); ship (samples=K: pushing and
//            flushing samples to the trainer); poll (asking for a newer model);
//            model_load (version=V: verifying and building it); wait
//            (version=V: deterministic mode waiting for a model); train
//            (version=V: synchronous training inside the walker); bootstrap
//   trainer  ingest (samples=K: taking, storing and checkpointing samples);
//            train (version=V samples=S through=w:T/w:T, the newest trial of
//            each walker in its data); publish (version=V)
//
// The log is telemetry, not data: lines are written whole with one write()
// and not synced, so a crash can lose the last events; a reader ignores a
// final line without its newline.
#pragma once

#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace slhmc {

struct Event {
  double start_s = 0.0;
  double end_s = 0.0;
  std::string actor, kind, detail;
};

class EventLog {
 public:
  // Appends to `path` (created with its header if absent). `actor`: letters, digits, '-', '_'.
  EventLog(const std::string& path, std::string actor);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  // Seconds since the Unix epoch.
  static double now();
  // Thread-safe.
  void record(std::string_view kind, double start_s, double end_s, std::string_view detail = {});
  const std::string& actor() const { return actor_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, actor_;
  int fd_ = -1;
  std::mutex mutex_;
};

// Times a scope and records it when it ends (also when it ends by an exception). A null log
// records nothing, so code can time itself whether or not telemetry is on.
class EventSpan {
 public:
  EventSpan(EventLog* log, std::string_view kind, std::string detail = {})
      : log_(log), kind_(kind), detail_(std::move(detail)), start_(log ? EventLog::now() : 0.0) {}
  ~EventSpan() {
    if (log_) log_->record(kind_, start_, EventLog::now(), detail_);
  }
  EventSpan(const EventSpan&) = delete;
  EventSpan& operator=(const EventSpan&) = delete;
  // Detail known only at the end (e.g. how many samples were taken).
  void set_detail(std::string detail) { detail_ = std::move(detail); }

 private:
  EventLog* log_;
  std::string_view kind_;
  std::string detail_;
  double start_;
};

// Reads an events.csv; a bad line is a ParseError naming the file and line, except a final
// line without its newline (an event cut by a crash), which is ignored.
std::vector<Event> read_event_log(const std::string& path);

}  // namespace slhmc
