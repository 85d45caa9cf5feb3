// Runs a program to completion with a time limit: its own process group
// (so a timeout kills its children too), a working directory, stdin from
// /dev/null, stdout and stderr into files. Used by the command engine.
#pragma once

#include <string>
#include <vector>

namespace slhmc::detail {

struct ChildOutcome {
  bool timed_out = false;
  bool exited = false;   // exited normally (exit_status valid)
  int exit_status = 0;
  int signal = 0;        // the signal that ended it (when !exited and !timed_out)
  double seconds = 0;    // wall time
  bool success() const { return exited && exit_status == 0 && !timed_out; }
  // "exited with status 3", "was killed by signal 11 (Segmentation fault)", "timed out after 2 s".
  std::string describe(double timeout_s) const;
};

// Throws EngineError if the program cannot be started (not found, not executable).
ChildOutcome run_child_process(const std::vector<std::string>& argv, const std::string& directory,
                               const std::string& stdout_path, const std::string& stderr_path, double timeout_s);

// The last `max_bytes` of a file, starting at a line boundary ("" if unreadable).
std::string file_tail(const std::string& path, std::size_t max_bytes);

}  // namespace slhmc::detail
