// One SLHMC walker run: the loop that draws a move from the mix (move_mix.hpp)
// for each trial, records it and checkpoints, with everything a user needs in
// a run directory:
//
//   trials.csv    one line per trial (ΔH, ΔK, ΔV_ref, ΔV_sur, δ, volume, model version, timings, phase)
//   samples.xyz   every reference evaluation (REF_energy/REF_forces/REF_virials), append-only, synced:
//                 the durable SampleSink, which further sinks may follow (add_sample_sink)
//   chain.xyz     the chain's state every `chain_interval` trials
//   checkpoint    the exact state (atomic, previous kept as checkpoint.prev)
//   summary.txt   acceptance, ⟨V_ref⟩ with blocking error, τ_int and ESS, written at the end
//
// A restart truncates the logs to the sizes stored in the checkpoint and continues the chain
// bit for bit; a crash loses at most the trial in flight.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/event_log.hpp"
#include "slhmc/sampling/checkpoint.hpp"
#include "slhmc/sampling/hmc_move.hpp"
#include "slhmc/sampling/move_mix.hpp"
#include "slhmc/sampling/sample_sink.hpp"
#include "slhmc/sampling/volume_move.hpp"

namespace slhmc::sampling {

struct RunOptions {
  // The move mix: `moves` (read_move_mix), or when it is empty, HMC with `hmc` plus volume moves
  // with `volume` for a fraction `volume_move_fraction` of the trials (0 for NVT).
  std::vector<MoveChoice> moves;
  HmcOptions hmc;
  double volume_move_fraction = 0.0;
  VolumeMoveOptions volume;
  std::uint64_t trials = 100;        // total trials of the run (a restart continues up to this)
  std::uint64_t seed = 1;
  int chain_interval = 1;            // write the chain state every this many trials (0: never)
  int checkpoint_interval = 1;       // checkpoint every this many trials
  long long model_version = 0;       // the initial surrogate's version (recorded with every trial)
  void validate() const;
  // The mix the run draws from: `moves`, or the one the fields describe (in draw order).
  std::vector<MoveChoice> move_choices() const;
};

class SlhmcRun {
 public:
  // A new run in `directory` (created; existing outputs there are an error unless `restart`).
  SlhmcRun(const Frame& initial, ForceProvider& reference, ForceProvider& surrogate, RunOptions options,
           std::string directory);
  // Continues from `directory/checkpoint`.
  static std::unique_ptr<SlhmcRun> restart(ForceProvider& reference, ForceProvider& surrogate, RunOptions options,
                                           std::string directory);

  using Observer = std::function<void(const TrialRecord&, const ChainState&)>;
  // Called after each trial is logged and before the checkpoint: the one place where the
  // surrogate may be replaced (set_surrogate), so that no trajectory ever sees two models.
  using BetweenTrials = std::function<void(SlhmcRun&)>;
  void set_between_trials(BetweenTrials hook) { between_trials_ = std::move(hook); }
  // Runs until options.trials trials have been made; calls `observer` after each trial.
  void run(const Observer& observer = {});
  const ChainState& state() const { return state_; }
  // The HMC move's current trajectory length (0 without an HMC move).
  int n_md() const { return hmc_ ? hmc_->options().n_md : 0; }
  const MoveMix& moves() const { return mix_; }
  const std::string& directory() const { return dir_; }
  // Replaces the surrogate (only between trials; `surrogate` must outlive its use). `model_file`
  // (relative to the run directory) is what a restart must load; recorded in the checkpoint.
  void set_surrogate(ForceProvider& surrogate, long long model_version, std::string model_file);
  long long model_version() const { return model_version_; }
  // The phase recorded with each trial (trials.csv column `phase`): "fixed" for a surrogate that
  // never changes, "learning" while it is retrained, "production" once it is frozen.
  void set_phase(std::string phase) { phase_ = std::move(phase); }
  const std::string& model_file() const { return model_file_; }
  // The samples log's size now (for readers that must stop at what the checkpoint covers).
  std::int64_t samples_size() const { return samples_.size(); }
  // Composes `sink` after the durable log: every sample is pushed to the log (and synced) first,
  // then to each added sink in the order added; added sinks are flushed at every checkpoint.
  // Add sinks before run(): a new run's initial evaluation, made by the constructor, is pushed
  // to the sink when it is added. (After a restart, samples logged before the checkpoint are the
  // owner's to replay from samples.xyz, up to samples_size().) `sink` must outlive the run.
  void add_sample_sink(SampleSink& sink);
  // The walker id given to samples (Sample::walker); "walker" unless set.
  void set_walker(std::string walker) { walker_ = std::move(walker); }
  // Telemetry: each trial's trajectory and reference evaluation become events (trial=N) in
  // `log` (null: none). The log must outlive the run.
  void set_event_log(EventLog* log) { events_ = log; }
  EventLog* event_log() const { return events_; }
  // Writes summary.txt from the run's logs (analysis/run_summary.hpp; also called at the end of run()).
  std::string write_summary() const;

 private:
  SlhmcRun(ForceProvider& reference, ForceProvider& surrogate, RunOptions options, std::string directory,
           Checkpoint checkpoint, bool fresh);
  void record(const TrialRecord& rec);
  void push_sample(std::uint64_t trial, bool accepted, const std::string& move, const Frame& frame,
                   const ComputeResult& reference, int bead = -1);
  void checkpoint();

  ForceProvider& reference_;
  ForceProvider* surrogate_;
  RunOptions options_;
  std::string dir_;
  MoveMix mix_;
  HmcMove* hmc_ = nullptr;  // in mix_: its trajectory is recorded with every trial
  ChainState state_;
  AppendOnlyFile trials_, chain_;
  SampleLog samples_;
  std::vector<SampleSink*> sinks_;
  std::optional<Sample> initial_sample_;  // a new run's initial evaluation, until the first trial
  std::string walker_ = "walker";
  long long model_version_ = 0;
  std::string model_file_;
  std::string phase_ = "fixed";
  BetweenTrials between_trials_;
  EventLog* events_ = nullptr;
};

}  // namespace slhmc::sampling
