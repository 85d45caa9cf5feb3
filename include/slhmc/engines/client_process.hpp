// A client program that an engine starts itself (e.g. `pw.x --ipi NAME`):
// run through /bin/sh in its own process group, in a working directory, with
// extra environment variables, its output in a log file; stopped (TERM, then
// KILL after a grace period) on destruction. The log's tail goes into error
// messages so that a failing client says why.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>

namespace slhmc::ipi {

struct ProcessSpec {
  std::string command;                      // shell command line
  std::string directory = ".";              // working directory (created if missing)
  std::map<std::string, std::string> environment;  // added to the inherited environment
  std::string log_file;                     // stdout+stderr; relative to `directory`; "" → /dev/null
};

class ClientProcess {
 public:
  // Starts the program; throws EngineError if it cannot be started.
  explicit ClientProcess(ProcessSpec spec);
  ~ClientProcess();  // stop(grace 0 s after a SIGTERM's chance)
  ClientProcess(const ClientProcess&) = delete;
  ClientProcess& operator=(const ClientProcess&) = delete;

  pid_t pid() const { return pid_; }
  // The exit description ("exited with status 1", "was killed by signal 9") once it has ended.
  std::optional<std::string> finished();
  // Waits up to `grace_s` for it to end by itself, then SIGTERM to its group,
  // another second, then SIGKILL. Returns how it ended.
  std::string stop(double grace_s);
  // Sends `sig` to its process group (a signal its parent received, passed on); nothing once ended.
  void signal(int sig);
  // The last `lines` lines of its log ("" without a log).
  std::string log_tail(std::size_t lines = 15) const;
  const ProcessSpec& spec() const { return spec_; }

 private:
  ProcessSpec spec_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::optional<std::string> ended_;
};

}  // namespace slhmc::ipi
