// The trainer as a service of its own (a process of `slhmc trainer`, or a
// thread beside in-process walkers): it gathers the walkers' samples from a
// SampleFeed, trains in rounds and publishes each new model version through a
// ModelPublisher.
//
//   state_dir/checkpoint    atomic: version, rounds, sample-store size, ledger of counted samples
//   state_dir/samples.xyz   the sample store: every sample counted, append-only (synced)
//   state_dir/models/model-vN.nnp   every model it trained (also published) or adopted (model_lineage.hpp)
//   state_dir/trainer.csv   one row per round: version, samples, epochs, held-out RMSEs, published, seconds
//
// Each poll appends the new samples to the store, syncs it, then rewrites the
// checkpoint; a crash in between is undone on restart (the store is cut back
// to the checkpoint's size and the same samples are counted again, once).
// The first model is the newest one already published (a walker's initial or
// bootstrap model: warm start), else `initial_model`, else one trained from
// scratch as soon as `min_samples` samples are in. A round trains when at
// least `min_samples` samples are in and `min_new_samples` arrived since the last one.
// Between rounds a worker thread computes the descriptor features of arriving
// samples, so a round (on a GPU) does not wait for them (FeaturePipeline).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/event_log.hpp"
#include "slhmc/learning/trainer/feature_pipeline.hpp"
#include "slhmc/learning/sample_ledger.hpp"
#include "slhmc/learning/transport.hpp"
#include "slhmc/train/trainer.hpp"

namespace slhmc::nnp {
struct ModelDescription;
}

namespace slhmc::learning {

// The deterministic schedule's marks in the metadata of the models it trains: the round, and the
// last trial of the walkers' data. The trainer writes them, walkers check them.
inline constexpr const char* kScheduleRound = "trainer.round";
inline constexpr const char* kScheduleThrough = "trainer.data_through_trial";
// One mark of `model` (nothing if absent); Error naming `source` for a value that is not a count.
std::optional<std::uint64_t> schedule_mark(const nnp::ModelDescription& model, const char* key, const std::string& source);

struct TrainerDaemonOptions {
  std::string state_dir;
  std::size_t min_samples = 20;       // no round (from scratch or warm) before this many samples are in
  std::size_t min_new_samples = 1;    // a round needs this many new samples
  int epochs = 60;                    // per round (warm start)
  int first_epochs = 300;             // for a model from scratch
  bool publish_every_round = false;   // else only when the held-out loss improves
  std::size_t max_samples = 0;        // train on at most the newest this many (0: all)
  long long max_rounds = 0;           // stop after this many rounds in this process (0: no limit)
  double time_limit_s = 0.0;          // stop after this wall time (0: no limit)
  std::string stop_file;              // stop when this file exists ("" : never)
  double poll_interval_s = 1.0;       // between polls of the feed when idle
  std::string initial_model;          // start from this file when nothing is published yet
  // Deterministic schedule (DESIGN §5, docs/learning.md): round i trains on the samples of
  // `walkers` from trials <= i * retrain_interval plus their bootstrap samples, in a fixed order
  // (trial, walker, sequence), once every walker has sent a sample of a later trial; every round
  // is published. Its models record the round (`trainer.round`) and the last trial of their data
  // (`trainer.data_through_trial`) so a walker can check them. 0: train on whatever arrived.
  std::uint64_t retrain_interval = 0;
  std::vector<std::string> walkers;
  // Automatic balance (not with the deterministic schedule): the epochs of each round are chosen
  // so that it lasts about as long as the walkers take to add `refresh_fraction` of the data set
  // (measured sample rate; measured seconds per epoch and sample), within [min_round_s,
  // max_round_s] and [min_epochs, max_epochs]: short rounds while data pours in (fresh models),
  // long ones while it trickles (the GPU keeps improving the model).
  bool auto_balance = false;
  double refresh_fraction = 0.1;
  double min_round_s = 0.5, max_round_s = 120.0;
  int min_epochs = 5, max_epochs = 1000;
  train::ModelSpec spec;              // from scratch
  train::TrainOptions train;          // loss, optimizer, held-out (validation) fraction, device
  std::uint64_t seed = 1;
  void validate() const;
};

class TrainerDaemon {
 public:
  // Restores the checkpoint in options.state_dir if there is one (creating the directory).
  explicit TrainerDaemon(TrainerDaemonOptions options);

  // What has been counted (give it to a feed that is created after the daemon, e.g.
  // DirectorySampleFeed, so that it skips what was already taken).
  const SampleLedger& ledger() const { return ledger_; }
  const std::string& state_dir() const { return options_.state_dir; }
  long long version() const { return version_; }
  std::size_t samples() const { return data_.size(); }
  int rounds() const { return rounds_; }
  // Epochs the next round will train (auto balance changes it).
  int next_epochs() const { return next_epochs_; }

  // One poll: takes new samples (stored and checkpointed), adopts a newer published model, and
  // trains (and maybe publishes) one round if there is enough data. True if it trained.
  bool step(SampleFeed& feed, ModelPublisher& publisher, ModelSource& models);
  // step() until a stop condition (max_rounds, time limit, stop file, `stop` returning true);
  // returns why it stopped.
  std::string run(SampleFeed& feed, ModelPublisher& publisher, ModelSource& models,
                  const std::function<bool()>& stop = {});
  // One line per round as it happens (and why a model was not published).
  std::function<void(const std::string&)> on_message;

 private:
  void ingest(SampleFeed& feed);
  void adopt(ModelSource& models);
  void save_checkpoint();
  // `scheduled`: the deterministic schedule's samples; null: all (the newest max_samples).
  void train_round(ModelPublisher& publisher, const std::vector<std::size_t>* scheduled);
  void say(const std::string& line) const;
  // Deterministic schedule: whether every walker has passed trial `through` (sent a sample of a
  // later trial), and the samples of the round on trials <= `through` (indices into data_, in
  // their fixed order).
  bool walkers_passed(std::uint64_t through) const;
  std::vector<std::size_t> scheduled_set(std::uint64_t through) const;
  void choose_epochs(const train::TrainResult& result, double round_seconds, std::size_t samples);
  std::uint64_t model_round() const;  // `trainer.round` of the current model (0 if it has none)
  // Asynchronous rounds with a model: the features of new samples come from a worker thread
  // (FeaturePipeline) while a round trains; a round takes the samples whose features are ready.
  void restart_pipeline();
  // Moves ready features into cache_, waiting until it covers sample `through` - 1 if given.
  void absorb_features(std::size_t through = 0);
  // Samples a round may train on now: [dropped_, trainable_end()).
  std::size_t trainable_end() const { return pipeline_ ? dropped_ + cache_.features.size() : data_.size(); }

  struct SampleKey {
    std::string walker;
    std::uint64_t sequence = 0, trial = 0;
  };

  TrainerDaemonOptions options_;
  SampleLedger ledger_;
  train::TrainingSet data_;
  train::FeatureCache cache_;
  std::size_t dropped_ = 0;           // samples at the front of data_ no longer trained on
  std::size_t samples_at_last_round_ = 0;
  long long version_ = 0;
  std::string model_file_;            // current model (a file), "" before the first
  std::optional<double> published_loss_;  // held-out loss of the newest model this trainer published
  int rounds_ = 0;
  AppendOnlyFile store_, log_;
  std::vector<SampleKey> keys_;       // of data_'s samples
  std::unique_ptr<EventLog> events_;  // state_dir/events.csv
  std::unique_ptr<FeaturePipeline> pipeline_;
  std::size_t queued_ = 0;            // samples before this one were given to the pipeline
  int next_epochs_ = 0;
  mutable std::pair<std::string, std::uint64_t> round_of_;  // model_round() of a model file, cached
  std::vector<std::pair<double, std::size_t>> arrivals_;  // (time, samples counted), recent polls
};

}  // namespace slhmc::learning
