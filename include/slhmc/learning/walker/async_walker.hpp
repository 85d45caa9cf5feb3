// A walker that learns asynchronously (`slhmc run` with [training] mode =
// "async"): it does not train. After every trial it sends the trial's new
// reference evaluations to a SampleSink (flushed each trial), and between
// trials, at most every `poll_interval_trials`, it asks a ModelSource for a
// newer model, verifies that its species and cutoff equal the current model's,
// and swaps it in through SlhmcRun::set_surrogate (never inside a trajectory;
// every trial records the version it used).
//
// Samples come through the door: the walker adds a sink to its SlhmcRun that
// receives every labelled reference evaluation right after the durable log
// (samples.xyz) has it, and forwards them to the transport every
// `ship_interval_trials`. They are numbered from 0 in log order (0: the
// initial configuration). The log is read back only after a restart, as the
// exactly-once replay source: the restarted walker sends the same (walker,
// sequence) again for what the log holds and the trainer counts each once. A bootstrap from scratch (as in sync mode) is sent under the
// walker id "<walker>-bootstrap" and its model published as version 1 so the
// trainer warm-starts from it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/walker/learning_surrogate.hpp"
#include "slhmc/learning/trainer/trainer_config.hpp"
#include "slhmc/learning/transport.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/sampling/sample_sink.hpp"

namespace slhmc::learning {

struct AsyncWalkerOptions {
  std::string walker = "walker-0";         // id in the transport (letters, digits, '-', '_')
  std::uint64_t poll_interval_trials = 1;  // ask for a newer model at most this often
  std::uint64_t ship_interval_trials = 1;  // send the new samples every this many trials
  std::uint64_t production_after = 0;      // after this trial keep the model (0: never freeze)
  double skin = 1.0;                       // Å, neighbour-list skin of the surrogates it loads
  // Deterministic mode (> 0): after trial m*K (m >= 2) the walker swaps in the model of round
  // m - 1 of the trainer's schedule (trained on the trials up to (m-1)*K), waiting for it if it
  // is not there yet (at most wait_timeout_s, then the run stops with an error). It skips a swap,
  // equally deterministically, when it sent no sample of a trial after (m-1)*K (all those
  // trajectories diverged) since the trainer cannot know it has passed that trial.
  std::uint64_t retrain_interval = 0;
  double wait_timeout_s = 3600.0;
  TransportConfig transport;               // type "in-process": a trainer thread of `slhmc run`
};

// [training] mode = "sync" (nothing), "async" or "deterministic" (the options, from [training]
// walker, poll_interval_trials, ship_interval_trials, production_after, retrain_interval,
// wait_timeout_s and [training.transport], whose absence means the in-process transport).
std::optional<AsyncWalkerOptions> read_async_walker_options(const Config& training, const std::string& base_dir);

class AsyncWalker {
 public:
  // `initial`: the first model (LearningSurrogate::start or ::resume); kept alive by the walker.
  // On a fresh start give `bootstrap_sink` (for walker "<walker>-bootstrap") and `publisher`: if
  // the model was trained from scratch here (bootstrap.xyz), the bootstrap samples are sent and
  // the model is published unless some version is there already.
  AsyncWalker(AsyncWalkerOptions options, std::string run_dir, std::unique_ptr<LearningSurrogate> initial,
              SampleSink& sink, ModelSource& source, SampleSink* bootstrap_sink = nullptr,
              ModelPublisher* publisher = nullptr);

  void attach(sampling::SlhmcRun& run);
  long long version() const { return version_; }
  std::size_t samples_sent() const { return sent_; }
  int swaps() const { return swaps_; }
  // Problems met while polling (refused models), for the user.
  std::function<void(const std::string&)> on_message;
  // Deterministic mode: why the trainer cannot deliver any more ("" while it can), so that a walker
  // waiting for a model stops with that reason instead of waiting for its timeout.
  std::function<std::string()> trainer_failure;

 private:
  // Collects what the run hands its sinks, numbered for the transport, until the next shipment.
  class Collector final : public SampleSink {
   public:
    explicit Collector(AsyncWalker& walker) : walker_(walker) {}
    void push(const Sample& sample) override;
    // Shipping is the walker's between trials (every ship_interval_trials); until then the
    // durable log before this sink holds the samples, so there is nothing to make durable here.
    void flush() override {}

   private:
    AsyncWalker& walker_;
  };
  // After a restart: sends what the run's log holds (the trainer counts each sample once).
  void replay_log(const sampling::SlhmcRun& run);
  void send_new_samples(const sampling::SlhmcRun& run);
  void poll(sampling::SlhmcRun& run);
  // Deterministic mode, after trial m*K: swap in the schedule's model, waiting if needed.
  void await_scheduled(sampling::SlhmcRun& run, std::uint64_t m);
  // Verifies `model` (species, cutoff; in deterministic mode its round) and swaps it in; throws Error.
  void swap_in(sampling::SlhmcRun& run, const PublishedModel& model, std::optional<std::uint64_t> round);
  std::string phase(std::uint64_t trial) const;  // "learning", or "production" after production_after

  AsyncWalkerOptions options_;
  std::string dir_;
  ModelLineage lineage_;          // dir_/models: the models this walker used
  std::unique_ptr<LearningSurrogate> initial_;
  std::unique_ptr<ForceProvider> provider_;  // after the first swap
  SampleSink& sink_;
  ModelSource& source_;
  long long version_ = 0;
  std::vector<std::string> species_;
  double cutoff_ = 0.0;
  Collector collector_{*this};
  std::vector<Sample> pending_;   // collected, not yet shipped
  std::uint64_t sequence_ = 0;    // next sample's number
  std::uint64_t last_poll_ = 0;   // trial of the last poll
  std::uint64_t last_sent_trial_ = 0;  // the newest trial of a sample sent
  long long first_version_ = 0;   // deterministic mode: the version of round 0
  std::size_t sent_ = 0;
  int swaps_ = 0;
  std::string bootstrap_problem_;  // reported through on_message by attach()
};

}  // namespace slhmc::learning
