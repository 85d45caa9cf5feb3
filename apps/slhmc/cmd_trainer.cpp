// `slhmc trainer CONFIG.toml`: the trainer as a process of its own. It gathers
// the walkers' samples through the transport its [transport] table names,
// trains in rounds and publishes new model versions there; it stops on
// max_rounds, the time limit or a STOP file, and resumes from its checkpoint
// when started again.
// Keys: docs/learning.md, docs/config.md#slhmc-trainer.
#include <cstdio>

#include "command.hpp"
#include "slhmc/learning/trainer/trainer_config.hpp"

namespace slhmc::cli {
namespace {

int run_trainer(const ConfigOptions& options) {
  Config root = options.load();
  const learning::TrainerConfig c = learning::read_trainer_config(root, options.base_dir());
  root.check_all_used();

  learning::TrainerDaemon daemon(c.daemon);
  daemon.on_message = [](const std::string& line) {
    std::printf("trainer: %s\n", line.c_str());
    std::fflush(stdout);
  };
  const auto transport = learning::transport_kind(c.transport.type)
                             .trainer(c.transport, daemon.ledger(), [](const std::string& problem) {
                               std::printf("trainer: %s\n", problem.c_str());
                             });
  std::printf("trainer: %s, state %s, %zu samples counted, model v%lld\n", transport->description().c_str(),
              c.daemon.state_dir.c_str(), daemon.samples(), daemon.version());
  std::fflush(stdout);
  const std::string why = daemon.run(transport->feed(), transport->publisher(), transport->source());
  std::printf("trainer: stopped (%s) after %d rounds; %zu samples, model v%lld\n", why.c_str(), daemon.rounds(),
              daemon.samples(), daemon.version());
  return 0;
}

Runner setup(CommandLine& line) {
  auto options = std::make_shared<ConfigOptions>();
  line.option("config", options->path, "TOML file with [transport], [trainer], [training]").required();
  options->add_to(line);
  line.footer(
      "Config keys (docs/learning.md):\n"
      "  [transport] type = \"directory\", path (the directory shared with the walkers) |\n"
      "              type = \"tcp\", host (default 127.0.0.1), port\n"
      "  [trainer]   state_dir, max_rounds, time_limit_s, stop_file, poll_interval_s, seed, device\n"
      "  [training]  min_samples, min_new_samples, epochs, first_epochs, validation_fraction,\n"
      "              publish = \"improved|every_round\", max_samples, threads,\n"
      "              mode = \"async|deterministic\" (with retrain_interval, walkers),\n"
      "              balance = \"fixed|auto\" (with refresh_fraction, min_round_s, max_round_s,\n"
      "              min_epochs, max_epochs),\n"
      "              [training.model], [training.loss], [training.optimizer] as in `slhmc run`\n");
  return [options] { return run_trainer(*options); };
}

const CommandRegistration reg("trainer", "Train models from walkers' samples and publish them (a service)", setup);

}  // namespace
}  // namespace slhmc::cli
