// Starting and stopping client programs (see client_process.hpp).
#include "slhmc/engines/client_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "slhmc/core/error.hpp"

namespace slhmc::ipi {

namespace {

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "ended (status " + std::to_string(status) + ")";
}

}  // namespace

ClientProcess::ClientProcess(ProcessSpec spec) : spec_(std::move(spec)) {
  if (spec_.command.empty()) throw EngineError("client program: empty command");
  std::error_code ec;
  std::filesystem::create_directories(spec_.directory, ec);
  if (ec) throw EngineError("client program: cannot create the directory " + spec_.directory + ": " + ec.message());
  if (!spec_.log_file.empty())
    log_path_ = std::filesystem::path(spec_.log_file).is_absolute()
                    ? spec_.log_file
                    : (std::filesystem::path(spec_.directory) / spec_.log_file).string();
  // Everything the child needs is prepared before fork: after it, in a process
  // with other threads, only async-signal-safe calls are allowed (no malloc).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    const std::string entry(*e);
    if (!spec_.environment.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : spec_.environment) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int log_fd = log_path_.empty() ? ::open("/dev/null", O_WRONLY | O_CLOEXEC)
                                       : ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) throw EngineError("client program: cannot open its log " + log_path_ + ": " + std::strerror(errno));
  const char* argv[] = {"/bin/sh", "-c", spec_.command.c_str(), nullptr};
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(log_fd);
    throw EngineError("client program: fork failed: " + std::string(std::strerror(errno)));
  }
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own group, so that stop() reaches its children (mpirun, ...)
    if (::chdir(spec_.directory.c_str()) != 0) ::_exit(126);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    const int null_in = ::open("/dev/null", O_RDONLY);
    if (null_in >= 0) ::dup2(null_in, 0);
    ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);  // also from the parent, so the group exists before any stop()
  ::close(log_fd);
}

ClientProcess::~ClientProcess() { stop(0.0); }

std::optional<std::string> ClientProcess::finished() {
  if (ended_ || pid_ <= 0) return ended_;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    ended_ = describe_status(status);
    ::kill(-pid_, SIGKILL);  // leftovers of its group
  }
  return ended_;
}

std::string ClientProcess::stop(double grace_s) {
  using Clock = std::chrono::steady_clock;
  auto wait_until = [&](Clock::time_point t) {
    while (!finished() && Clock::now() < t) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return ended_.has_value();
  };
  if (finished()) return *ended_;
  if (wait_until(Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(grace_s))))
    return *ended_;
  ::kill(-pid_, SIGTERM);
  if (wait_until(Clock::now() + std::chrono::seconds(1))) return *ended_;
  ::kill(-pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  ended_ = describe_status(status);
  return *ended_;
}

void ClientProcess::signal(int sig) {
  if (!finished()) ::kill(-pid_, sig);
}

std::string ClientProcess::log_tail(std::size_t lines) const {
  if (log_path_.empty()) return "";
  std::ifstream in(log_path_);
  std::deque<std::string> last;
  std::string line;
  while (std::getline(in, line)) {
    last.push_back(line);
    if (last.size() > lines) last.pop_front();
  }
  std::string out;
  for (const auto& l : last) out += l + "\n";
  return out;
}

}  // namespace slhmc::ipi
