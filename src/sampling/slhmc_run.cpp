// The walker loop: choose a move, attempt it, log it durably, checkpoint.
#include "slhmc/sampling/slhmc_run.hpp"

#include <algorithm>
#include <filesystem>

#include "slhmc/analysis/run_summary.hpp"
#include "slhmc/analysis/trials_table.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::sampling {

void RunOptions::validate() const {
  if (moves.empty()) {
    hmc.validate();
    if (volume_move_fraction < 0 || volume_move_fraction > 1) throw Error("volume move fraction must be in [0, 1]");
    if (volume_move_fraction > 0) volume.validate();
  }
  if (chain_interval < 0) throw Error("chain interval must be ≥ 0");
  if (checkpoint_interval < 1) throw Error("checkpoint interval must be ≥ 1");
}

std::vector<MoveChoice> RunOptions::move_choices() const {
  if (!moves.empty()) return moves;
  return hmc_and_volume(volume_move_fraction, [h = hmc] { return std::make_unique<HmcMove>(h); },
                        [v = volume] { return std::make_unique<VolumeMove>(v); });
}

SlhmcRun::SlhmcRun(const Frame& initial, ForceProvider& reference, ForceProvider& surrogate, RunOptions options,
                   std::string directory)
    : SlhmcRun(reference, surrogate, options, directory,
               [&] {
                 options.validate();
                 if (std::filesystem::exists(directory + "/checkpoint"))
                   throw Error("run directory '" + directory +
                               "' already holds a run (checkpoint); restart it or choose another directory");
                 std::filesystem::create_directories(directory);
                 Checkpoint c;
                 c.state = make_chain_state(initial, reference, options.seed);
                 return c;
               }(),
               true) {}

SlhmcRun::SlhmcRun(ForceProvider& reference, ForceProvider& surrogate, RunOptions options, std::string directory,
                   Checkpoint cp, bool fresh)
    : reference_(reference),
      surrogate_(&surrogate),
      options_(options),
      dir_(std::move(directory)),
      mix_(options.move_choices()),
      hmc_(dynamic_cast<HmcMove*>(mix_.find("hmc"))),
      state_(std::move(cp.state)),
      model_version_(fresh ? options.model_version : cp.model_version),
      model_file_(fresh ? std::string() : cp.model_file) {
  // Each move continues from its own state; a move new to this run starts afresh.
  for (const auto& move : mix_.moves()) {
    const auto it = cp.moves.find(move->name());
    if (it == cp.moves.end()) continue;
    try {
      move->load_state(it->second);
    } catch (const Error& e) {
      throw Error("checkpoint in '" + dir_ + "': " + e.what());
    }
  }
  auto size_of = [&](const std::string& name) -> std::int64_t {
    if (fresh) return 0;
    auto it = cp.log_sizes.find(name);
    if (it == cp.log_sizes.end()) throw Error("checkpoint in '" + dir_ + "' does not record the size of " + name);
    return it->second;
  };
  trials_ = AppendOnlyFile(dir_ + "/trials.csv", size_of("trials.csv"));
  samples_ = SampleLog(dir_ + "/samples.xyz", size_of("samples.xyz"));
  chain_ = AppendOnlyFile(dir_ + "/chain.xyz", size_of("chain.xyz"));
  if (fresh) {
    trials_.append(analysis::trials_header());
    // The initial configuration's reference evaluation is a sample too.
    push_sample(0, true, "initial", state_.frame, state_.reference);
    checkpoint();
  }
}

std::unique_ptr<SlhmcRun> SlhmcRun::restart(ForceProvider& reference, ForceProvider& surrogate, RunOptions options,
                                            std::string directory) {
  options.validate();
  Checkpoint cp = load_checkpoint(directory + "/checkpoint");
  return std::unique_ptr<SlhmcRun>(new SlhmcRun(reference, surrogate, options, directory, std::move(cp), false));
}

void SlhmcRun::checkpoint() {
  trials_.sync();
  chain_.sync();
  for (SampleSink* sink : sinks_) sink->flush();
  Checkpoint c;
  c.state = state_;
  for (const auto& move : mix_.moves()) c.moves[move->name()] = move->save_state();
  c.log_sizes = {{"trials.csv", trials_.size()}, {"samples.xyz", samples_.size()}, {"chain.xyz", chain_.size()}};
  c.model_version = model_version_;
  c.model_file = model_file_;
  save_checkpoint(dir_ + "/checkpoint", c);
}

void SlhmcRun::push_sample(std::uint64_t trial, bool accepted, const std::string& move, const Frame& frame,
                           const ComputeResult& reference, int bead) {
  Sample sample;
  sample.walker = walker_;
  sample.sequence = trial;
  sample.trial = trial;
  sample.accepted = accepted;
  sample.move = move;
  sample.model_version = model_version_;
  sample.bead = bead;
  sample.frame = labelled_frame(frame, reference);
  // The durable log first and synced: the expensive, irreplaceable part, and the replay source.
  samples_.push(sample);
  samples_.flush();
  for (SampleSink* sink : sinks_) sink->push(sample);
  if (trial == 0) initial_sample_ = std::move(sample);
  else initial_sample_.reset();
}

void SlhmcRun::add_sample_sink(SampleSink& sink) {
  sinks_.push_back(&sink);
  if (initial_sample_) {
    initial_sample_->walker = walker_;  // set_walker may come after the constructor made it
    sink.push(*initial_sample_);
  }
}

void SlhmcRun::record(const TrialRecord& rec) {
  // The reference evaluation first: it is the expensive, irreplaceable part.
  for (const Evaluation& e : rec.evaluations) push_sample(rec.trial, rec.accepted, rec.move, e.frame, e.reference, e.bead);
  analysis::TrialRow row;
  row.trial = rec.trial;
  row.move = rec.move;
  row.accepted = rec.accepted;
  row.delta_h = rec.delta_h;
  row.delta_k = rec.delta_k;
  row.delta_v_ref = rec.delta_v_ref;
  row.delta_v_sur = rec.delta_v_sur;
  row.delta = rec.delta;
  row.potential = state_.reference.energy;
  row.volume = rec.volume;
  row.n_md = n_md();
  row.dt_fs = hmc_ ? hmc_->options().dt_fs : 0.0;
  row.model_version = model_version_;
  row.seconds_trajectory = rec.seconds_trajectory;
  row.seconds_reference = rec.seconds_reference;
  row.phase = phase_;
  trials_.append(analysis::trials_line(row));
  if (options_.chain_interval > 0 && rec.trial % options_.chain_interval == 0) {
    LabelledFrame lf = labelled_frame(state_.frame, state_.reference);
    lf.info = {{"trial", std::to_string(rec.trial)}, {"model_version", std::to_string(model_version_)}};
    chain_.append(reference_extxyz(lf));
  }
}

void SlhmcRun::set_surrogate(ForceProvider& surrogate, long long model_version, std::string model_file) {
  if (model_version < model_version_) throw Error("model versions must not decrease");
  surrogate_ = &surrogate;
  model_version_ = model_version;
  model_file_ = std::move(model_file);
}

void SlhmcRun::run(const Observer& observer) {
  while (state_.trials < options_.trials) {
    // The move is drawn from the chain's own stream, so restarts stay in step.
    Move& move = mix_.choose(state_.rng);
    const double started = events_ ? EventLog::now() : 0.0;
    const TrialRecord rec = move.attempt(state_, MoveProviders{*surrogate_, reference_}, state_.rng);
    if (events_) {
      // An attempt is its trajectory, then its reference evaluation.
      const double ended = EventLog::now();
      const std::string detail = "trial=" + std::to_string(rec.trial);
      if (move.runs_trajectory()) events_->record("trajectory", started, started + rec.seconds_trajectory, detail);
      events_->record("reference", std::max(started, ended - rec.seconds_reference), ended, detail);
    }
    record(rec);
    move.after_trial(rec, state_);
    if (between_trials_) between_trials_(*this);
    if (state_.trials % options_.checkpoint_interval == 0 || state_.trials == options_.trials) checkpoint();
    if (observer) observer(rec, state_);
  }
  write_summary();
}

std::string SlhmcRun::write_summary() const { return analysis::write_run_summary(dir_, model_version_); }

}  // namespace slhmc::sampling
