// `slhmc launch LAUNCH.toml`: one trainer and N asynchronous walkers on this
// machine, each a process of this same binary, in one command. Everything is
// checked first (the launch file, the trainer's config, and each walker's
// config through its own `slhmc run --dry-run`); then the trainer starts,
// then the walkers; when every walker has ended the trainer is asked to stop
// through its stop file, and each process's exit and summary are printed.
// SIGINT and SIGTERM are passed on to every child. Keys: docs/learning.md
// ("Several walkers, one trainer").
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "command.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/engines/client_process.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/launch_plan.hpp"

namespace slhmc::cli {
namespace {

namespace fs = std::filesystem;
using learning::LaunchPlan;
using learning::LaunchProcess;

volatile std::sig_atomic_t g_signal = 0;  // the first SIGINT/SIGTERM received
volatile std::sig_atomic_t g_signals = 0;  // how many
extern "C" void on_signal(int sig) {
  if (!g_signal) g_signal = sig;
  g_signals = g_signals + 1;
}

// Shorter paths in messages: relative to the working directory when below it.
std::string shown(const std::string& path) {
  std::error_code ec;
  const fs::path rel = fs::proximate(path, ec);
  return ec || rel.string().rfind("..", 0) == 0 ? path : rel.string();
}

ipi::ProcessSpec spec_of(const std::vector<std::string>& argv, const std::string& directory, const std::string& log) {
  ipi::ProcessSpec spec;
  spec.command = "exec " + learning::shell_command(argv);
  spec.directory = directory;
  spec.log_file = log;
  return spec;
}

void print_tail(const ipi::ClientProcess& p, std::size_t lines) {
  std::istringstream tail(p.log_tail(lines));
  for (std::string line; std::getline(tail, line);) std::cout << "    | " << line << "\n";
}

// The summary lines a walker prints at its end (or the trainer's last line).
std::vector<std::string> summary_lines(const std::string& log) {
  static const char* const prefixes[] = {"trials:", "HMC acceptance:", "potential energy:", "asynchronous learning:",
                                         "trainer: stopped"};
  std::ifstream in(log);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    for (const char* p : prefixes)
      if (line.rfind(p, 0) == 0) out.push_back(line);
  return out;
}

// Each walker's config as `slhmc run --dry-run` sees it, a few at a time; the first failure
// (printed with its output) ends the check. Logs in a temporary directory, removed after.
bool check_walkers(const LaunchPlan& plan) {
  const fs::path scratch = fs::temp_directory_path() / ("slhmc-launch-check-" + std::to_string(::getpid()));
  fs::create_directories(scratch);
  const std::shared_ptr<void> cleanup(nullptr, [&](void*) {
    std::error_code ec;
    fs::remove_all(scratch, ec);
  });
  const std::size_t batch = std::max(2u, std::thread::hardware_concurrency());
  for (std::size_t first = 0; first < plan.walkers.size(); first += batch) {
    std::vector<std::unique_ptr<ipi::ClientProcess>> running;
    const std::size_t end = std::min(plan.walkers.size(), first + batch);
    for (std::size_t i = first; i < end; ++i) {
      const LaunchProcess& w = plan.walkers[i];
      running.push_back(std::make_unique<ipi::ClientProcess>(
          spec_of(learning::dry_run_argv(w), scratch.string(), (scratch / (w.name + ".log")).string())));
    }
    for (std::size_t i = first; i < end; ++i) {
      ipi::ClientProcess& p = *running[i - first];
      while (!p.finished() && !g_signal) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (g_signal) return false;
      if (*p.finished() != "exited with status 0") {
        std::cout << "slhmc launch: " << plan.walkers[i].name << " has a bad config (its `slhmc run --dry-run` "
                  << *p.finished() << "); nothing was started:\n";
        print_tail(p, 8);
        std::cout << "    command: " << learning::shell_command(learning::dry_run_argv(plan.walkers[i])) << "\n";
        return false;
      }
    }
  }
  return true;
}

void print_plan(const LaunchPlan& plan) {
  std::cout << "slhmc launch plan\n"
            << "  directory: " << plan.directory << "\n"
            << "  transport: " << learning::describe_transport(plan.transport)
            << "\n  the trainer stops when " << plan.stop_file << " appears (written after the walkers end)\n"
            << "  " << plan.walkers.size() << " walkers" << (plan.restart ? ", restarted from their checkpoints" : "")
            << "\n";
  auto line = [](const LaunchProcess& p) {
    std::cout << "  " << p.name << (p.name == "trainer" ? "" : " (seed " + std::to_string(p.seed) + ")") << ":\n"
              << "    (mkdir -p " << learning::shell_command({p.directory}) << " && cd "
              << learning::shell_command({p.directory}) << " && " << learning::shell_command(p.argv)
              << " > " << learning::shell_command({p.log}) << " 2>&1)\n";
  };
  line(plan.trainer);
  for (const auto& w : plan.walkers) line(w);
}

struct Child {
  const LaunchProcess* plan;
  std::unique_ptr<ipi::ClientProcess> process;
  bool reported = false;
};

// Prints how a child ended, its summary, and for a failure where to look; true if it succeeded.
bool report(Child& c) {
  c.reported = true;
  const std::string how = *c.process->finished();
  const bool ok = how == "exited with status 0";
  std::cout << c.plan->name << ": " << how << " (log " << shown(c.plan->log) << ")\n";
  for (const auto& s : summary_lines(c.plan->log)) std::cout << "    " << s << "\n";
  if (!ok) print_tail(*c.process, 5);
  std::cout.flush();
  return ok;
}

int launch(const ConfigOptions& options, bool restart, bool dry_run) {
  Config root = options.load();
  std::error_code ec;
  const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
  if (ec) throw Error("cannot find the slhmc binary (/proc/self/exe): " + ec.message());
  const LaunchPlan plan = learning::read_launch_plan(root, options.base_dir(), exe, restart);
  root.check_all_used();

  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);

  if (dry_run) print_plan(plan);
  if (!check_walkers(plan)) return g_signal ? 128 + g_signal : 1;
  if (dry_run) {
    std::cout << "every walker's config checked (slhmc run --dry-run); nothing started\n";
    return 0;
  }

  fs::create_directories(plan.directory);
  // A restarted launch keeps the previous logs one generation back.
  auto keep_log = [](const LaunchProcess& p) {
    if (fs::exists(p.log)) fs::rename(p.log, p.log + ".prev");
  };
  keep_log(plan.trainer);
  for (const auto& w : plan.walkers) keep_log(w);
  // A stop file left from an earlier launch would stop the new trainer at once.
  if (fs::exists(plan.stop_file)) {
    fs::remove(plan.stop_file);
    std::cout << "slhmc launch: removed the stop file " << shown(plan.stop_file) << " of an earlier run\n";
  }

  Child trainer{&plan.trainer, nullptr};
  std::vector<Child> walkers;
  trainer.process = std::make_unique<ipi::ClientProcess>(spec_of(plan.trainer.argv, plan.trainer.directory, plan.trainer.log));
  std::cout << "slhmc launch: trainer started (pid " << trainer.process->pid() << ", log " << shown(plan.trainer.log)
            << ")\n";
  for (const auto& w : plan.walkers) {
    walkers.push_back({&w, std::make_unique<ipi::ClientProcess>(spec_of(w.argv, w.directory, w.log))});
    std::cout << "slhmc launch: " << w.name << " started (pid " << walkers.back().process->pid() << ", seed " << w.seed
              << ", log " << shown(w.log) << ")\n";
  }
  std::cout.flush();

  std::vector<std::string> failed;
  int forwarded = 0, handled = 0;
  bool stop_written = false;
  while (true) {
    if (g_signals > handled) {
      // The first signal is passed on as it is; a second one kills what is left.
      handled = g_signals;
      forwarded = g_signal;
      const int sig = handled == 1 ? forwarded : SIGKILL;
      std::cout << "slhmc launch: signal " << forwarded << " received; "
                << (handled == 1 ? "passing it on to every process\n" : "again: killing every process\n");
      std::cout.flush();
      trainer.process->signal(sig);
      for (auto& w : walkers) w.process->signal(sig);
    }
    bool walkers_running = false;
    for (auto& w : walkers) {
      if (!w.process->finished()) walkers_running = true;
      else if (!w.reported && !report(w)) failed.push_back(w.plan->name);
    }
    if (trainer.process->finished() && !trainer.reported) {
      if (walkers_running) std::cout << "slhmc launch: the trainer ended before the walkers (they go on)\n";
      if (!report(trainer)) failed.push_back("trainer");
    }
    if (!walkers_running && !trainer.process->finished() && !stop_written) {
      std::cout << "slhmc launch: every walker has ended; asking the trainer to stop (" << shown(plan.stop_file)
                << ")\n";
      std::cout.flush();
      fs::create_directories(fs::path(plan.stop_file).parent_path());
      write_file_atomically(plan.stop_file, "written by slhmc launch after its walkers ended\n");
      stop_written = true;
    }
    if (!walkers_running && trainer.reported) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (stop_written) fs::remove(plan.stop_file, ec);  // a trainer started by hand later must not stop at once

  if (forwarded) {
    std::cout << "slhmc launch: interrupted by signal " << forwarded
              << "; the walkers continue from their checkpoints with `slhmc launch --restart`\n";
    return 128 + forwarded;
  }
  if (!failed.empty()) {
    std::cout << "slhmc launch: failed:";
    for (const auto& f : failed) std::cout << " " << f;
    std::cout << " (see their logs above)\n";
    return 1;
  }
  std::cout << "slhmc launch: the trainer and " << walkers.size() << " walkers succeeded\n";
  return 0;
}

Runner setup(CommandLine& line) {
  auto options = std::make_shared<ConfigOptions>();
  auto restart = std::make_shared<bool>(false);
  auto dry_run = std::make_shared<bool>(false);
  line.option("config", options->path, "TOML file with [launch]").required().existing_file();
  options->add_to(line);
  line.flag("--restart", *restart, "Restart every walker from its checkpoint (the trainer resumes by itself)");
  line.flag("--dry-run", *dry_run, "Check everything and print the commands; start nothing");
  line.footer(
      "Config keys (docs/learning.md, \"Several walkers, one trainer\"):\n"
      "  [launch] walker (a `slhmc run` config, [training] mode = \"async\"), trainer (a `slhmc trainer` config),\n"
      "           walkers, directory, seed_stride, set = [\"key=value\", ...] (every walker),\n"
      "           trainer_set = [...] (the trainer)\n"
      "  [launch.walker-I] id, set = [...]   (walker I only, numbered from 0)\n");
  return [=] { return launch(*options, *restart, *dry_run); };
}

const CommandRegistration reg("launch", "Run one trainer and several asynchronous walkers on this machine", setup);

}  // namespace
}  // namespace slhmc::cli
