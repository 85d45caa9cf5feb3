// Learning on the fly, synchronously, inside one walker: the surrogate is an
// NNP that is retrained from every reference evaluation of the run and
// swapped in between trials only.
//
//   run_dir/bootstrap.xyz    from scratch: the frames of a short reference MD that seed the data
//   run_dir/samples.xyz      every reference evaluation of the chain (written by SlhmcRun)
//
// Samples come through the door: attach() adds a SampleSink to the run, which
// hands this learner each labelled evaluation right after the durable log has
// it. The log (samples.xyz, and bootstrap.xyz) is read only after a restart,
// once, up to what the run's checkpoint covers.
//   run_dir/models/model-vN.nnp   every model version, native format, never overwritten by another
//   run_dir/learning.csv     one row per model: version, trial, samples, epochs, validation RMSEs, seconds
//
// Retraining happens after trial t when t is a multiple of `retrain_interval`
// and t ≤ `production_after` (if set): warm start from the current model on all
// samples so far, `epochs` epochs, then version + 1. After `production_after`
// the model is frozen (phase "production"). Training is deterministic (CPU,
// fixed seeds derived from the run seed and the version), so a restarted run
// trains the same models and continues the chain bit for bit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/forces/force_provider.hpp"
#include "slhmc/sampling/sample_sink.hpp"
#include "slhmc/sampling/slhmc_run.hpp"
#include "slhmc/train/trainer.hpp"

namespace slhmc::learning {

struct LearningOptions {
  std::uint64_t retrain_interval = 50;   // trials between retrainings
  std::uint64_t production_after = 0;    // last trial that may retrain (0: retrain throughout)
  int epochs = 60;                        // per retraining (warm start)
  int first_epochs = 300;                 // for the first model, from scratch
  std::string initial_model;              // start from this model (resolved path); empty: from scratch
  int bootstrap_md_steps = 20;            // from scratch: reference MD steps (one sample each)
  double bootstrap_dt_fs = 1.0;
  double temperature_K = 300.0;           // of the bootstrap MD (the sampler's temperature)
  std::size_t max_samples = 0;            // train on at most the newest this many samples (0: all)
  double skin = 1.0;                      // Å, the surrogate's neighbour-list skin
  train::ModelSpec spec;                  // the model from scratch
  train::TrainOptions train;              // loss, optimizer, batch; epochs and seed are set per round
  std::uint64_t seed = 1;
  void validate() const;
};

class LearningSurrogate {
 public:
  // Fresh run: from the initial model, or bootstrap MD on `reference` from `initial` + the first
  // training. `run_dir` is created.
  static std::unique_ptr<LearningSurrogate> start(const LearningOptions& options, const std::string& run_dir,
                                                  const Frame& initial, ForceProvider& reference);
  // Restart: the model named in the run's checkpoint.
  static std::unique_ptr<LearningSurrogate> resume(const LearningOptions& options, const std::string& run_dir);

  ForceProvider& provider() { return *provider_; }
  long long version() const { return version_; }
  const std::string& model_file() const { return model_file_; }  // relative to the run directory
  // Makes `run` use this surrogate, hand it its samples and retrain between its trials.
  void attach(sampling::SlhmcRun& run);
  // Samples the next round trains on (bootstrap and chain, the newest max_samples of them).
  std::size_t samples() const { return data_.size(); }
  // Seconds spent training so far in this process, and the number of rounds.
  double training_seconds() const { return training_seconds_; }
  int rounds() const { return rounds_; }
  // Reference evaluations spent on the bootstrap MD (from scratch), beside the chain's own.
  std::size_t bootstrap_evaluations() const { return bootstrap_evaluations_; }
  // One line per training round: version, samples, epochs, validation RMSEs, seconds.
  const std::string& last_report() const { return last_report_; }

 private:
  // Takes what the run hands its sinks into the training data.
  class Collector final : public sampling::SampleSink {
   public:
    explicit Collector(LearningSurrogate& learner) : learner_(learner) {}
    void push(const sampling::Sample& sample) override;
    void flush() override {}  // the durable log before this sink holds the samples

   private:
    LearningSurrogate& learner_;
  };
  LearningSurrogate(LearningOptions options, std::string run_dir);
  void load(long long version, const std::string& model_file);
  void log_round(const train::TrainResult& result, std::uint64_t trial, double seconds);
  void retrain(const sampling::SlhmcRun& run);
  std::string phase(std::uint64_t trial) const;

  LearningOptions options_;
  std::string dir_;
  std::unique_ptr<ForceProvider> provider_;
  long long version_ = 0;
  std::string model_file_;
  double training_seconds_ = 0.0;
  int rounds_ = 0;
  std::size_t bootstrap_evaluations_ = 0;
  std::string last_report_;
  // The training data in log order: the bootstrap frames, then the chain's samples; with
  // max_samples the oldest are forgotten before a round. The features of its first frames are
  // kept between rounds (the normalisation never changes after model 1).
  train::TrainingSet data_;
  train::FeatureCache cache_;
  Collector collector_{*this};
  std::size_t collected_ = 0;  // samples the collector received
  std::vector<std::string> log_rows_;  // learning.csv without its header
};

}  // namespace slhmc::learning
