// `slhmc trainer CONFIG.toml`: the trainer as a process of its own. It gathers
// the walkers' samples from the shared directory, trains in rounds and
// publishes new model versions there; it stops on max_rounds, the time limit
// or a STOP file, and resumes from its checkpoint when started again.
// Keys: docs/learning.md, docs/config.md#slhmc-trainer.
#include <cstdio>

#include "command.hpp"
#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "slhmc/learning/transport/tcp/tcp_trainer_endpoint.hpp"
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
  std::string why;
  if (c.transport.type == "tcp") {
    // Samples are acknowledged to the walkers only after the checkpoint that counts them: the
    // daemon checkpoints what one take() returned before it calls take() again.
    learning::TcpTrainerOptions to;
    to.host = c.transport.host;
    to.port = c.transport.port;
    to.acknowledge_on_take = false;
    learning::TcpTrainerEndpoint endpoint(to);
    struct AckingFeed : learning::SampleFeed {
      learning::TcpTrainerEndpoint* ep;
      std::vector<learning::Sample> take() override {
        ep->acknowledge();
        for (const auto& p : ep->take_problems()) std::printf("trainer: %s\n", p.c_str());
        return ep->take();
      }
    } feed;
    feed.ep = &endpoint;
    struct NoModels : learning::ModelSource {  // over TCP only the trainer publishes
      std::optional<learning::PublishedModel> newer_than(long long, std::string*) override { return std::nullopt; }
    } none;
    std::printf("trainer: listening on %s:%d, state %s, %zu samples counted, model v%lld\n", to.host.c_str(),
                endpoint.port(), c.daemon.state_dir.c_str(), daemon.samples(), daemon.version());
    std::fflush(stdout);
    why = daemon.run(feed, endpoint, none);
  } else {
    learning::DirectorySampleFeed feed(c.transport.path, daemon.ledger());
    learning::DirectoryModelPublisher publisher(c.transport.path);
    learning::DirectoryModelSource source(c.transport.path);
    std::printf("trainer: %s, state %s, %zu samples counted, model v%lld\n", c.transport.path.c_str(),
                c.daemon.state_dir.c_str(), daemon.samples(), daemon.version());
    std::fflush(stdout);
    // Refused shards are reported as they are met (a shard still arriving is taken once complete).
    struct ReportingFeed : learning::SampleFeed {
      learning::DirectorySampleFeed* inner;
      std::vector<learning::Sample> take() override {
        auto samples = inner->take();
        for (const auto& p : inner->take_problems()) std::printf("trainer: skipped shard: %s\n", p.c_str());
        return samples;
      }
    } reporting;
    reporting.inner = &feed;
    why = daemon.run(reporting, publisher, source);
  }
  std::printf("trainer: stopped (%s) after %d rounds; %zu samples, model v%lld\n", why.c_str(), daemon.rounds(),
              daemon.samples(), daemon.version());
  return 0;
}

Runner setup(CLI::App& app) {
  auto options = std::make_shared<ConfigOptions>();
  app.add_option("config", options->path, "TOML file with [transport], [trainer], [training]")->required();
  options->add_to(app);
  app.footer(
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
