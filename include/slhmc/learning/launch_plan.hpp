// The plan of `slhmc launch LAUNCH.toml`: one trainer and N asynchronous
// walkers on one machine, each a `slhmc` process of its own. Reading the
// launch file describes everything (command lines, working directories, logs,
// the trainer's stop file) and checks it before anything starts; running the
// processes is the command's job (apps/slhmc/cmd_launch.cpp).
//
//   [launch]
//   walker = "walker.toml"       a `slhmc run` config with [training] mode = "async"
//   trainer = "trainer.toml"     a `slhmc trainer` config on the same transport
//   walkers = 2                  how many walkers (1..1024)
//   directory = "launch-run"     DIRECTORY/<id>/ runs walker <id>, logs DIRECTORY/<id>.log, DIRECTORY/trainer.log
//   seed_stride = 1              walker i gets sampler.seed = (the walker file's seed) + i * seed_stride
//   set = ["k=v", ...]           overrides for every walker
//   trainer_set = ["k=v", ...]   overrides for the trainer
//   [launch.walker-I]            walker I (0-based) only: set = [...] (after the common ones), id = "name"
//
// Paths are relative to the launch file. Walker i is "walker-i" unless its table gives an id.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/trainer/trainer_config.hpp"

namespace slhmc::learning {

// One child process: `argv` run in `directory` with stdout and stderr in `log`.
struct LaunchProcess {
  std::string name;               // "trainer" or the walker id
  std::vector<std::string> argv;  // argv[0] is the slhmc binary
  std::string directory;          // working directory (absolute)
  std::string log;                // absolute
  std::uint64_t seed = 0;         // walkers: sampler.seed after every override
};

struct LaunchPlan {
  std::string directory;  // absolute
  LaunchProcess trainer;
  std::vector<LaunchProcess> walkers;
  TransportConfig transport;  // as the trainer sees it
  std::string stop_file;      // the trainer stops when this file appears (absolute)
  bool restart = false;
};

constexpr long kMaxLaunchWalkers = 1024;

// Reads [launch] (and the walker and trainer files it names, with their overrides) and checks
// that the walkers are asynchronous on the trainer's transport, that ids are unique and valid,
// that the trainer's config is complete, and that each walker directory holds a checkpoint if
// and only if `restart`. `exe` is the slhmc binary the children run. Throws ConfigError.
LaunchPlan read_launch_plan(const Config& root, const std::string& base_dir, const std::string& exe, bool restart);

// The argv of a walker's validation run (its command with --dry-run).
std::vector<std::string> dry_run_argv(const LaunchProcess& walker);

// argv as one POSIX shell command line (each word single-quoted where needed), for /bin/sh -c
// and for printing.
std::string shell_command(const std::vector<std::string>& argv);

}  // namespace slhmc::learning
