// The walker loop: choose a move, attempt it, log it durably, checkpoint.
#include "slhmc/sampling/slhmc_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "slhmc/analysis/chain_statistics.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::sampling {

namespace {
const char* kTrialsHeader =
    "trial,move,accepted,delta_H_eV,delta_K_eV,delta_V_ref_eV,delta_V_sur_eV,delta_eV,potential_eV,volume_A3,"
    "n_md,dt_fs,model_version,seconds_trajectory,seconds_reference,phase\n";

std::string fmt(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", x);
  return buf;
}

std::string extxyz_text(const Frame& frame, const ComputeResult* reference, const std::map<std::string, std::string>& info) {
  LabelledFrame lf;
  lf.frame = frame;
  lf.info = info;
  if (reference) {
    lf.labels.energy = reference->energy;
    lf.labels.forces = reference->forces;
    if (reference->has_virial) lf.labels.virial = reference->virial;
  }
  std::ostringstream out;
  WriteOptions wo;
  wo.reference_keys = true;
  write_structure(out, lf, StructureFormat::extxyz, wo);
  return out.str();
}
}  // namespace

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
  std::vector<MoveChoice> c;
  // "volume if u < f", HMC otherwise (move_mix.hpp).
  if (volume_move_fraction > 0)
    c.push_back({"volume", volume_move_fraction, [v = volume] { return std::make_unique<VolumeMove>(v); }});
  c.push_back({"hmc", 1.0 - volume_move_fraction, [h = hmc] { return std::make_unique<HmcMove>(h); }});
  return c;
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
  samples_ = AppendOnlyFile(dir_ + "/samples.xyz", size_of("samples.xyz"));
  chain_ = AppendOnlyFile(dir_ + "/chain.xyz", size_of("chain.xyz"));
  if (fresh) {
    trials_.append(kTrialsHeader);
    // The initial configuration's reference evaluation is a sample too.
    samples_.append(extxyz_text(state_.frame, &state_.reference,
                                {{"trial", "0"},
                                 {"accepted", "T"},
                                 {"move", "initial"},
                                 {"model_version", std::to_string(model_version_)}}));
    samples_.sync();
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
  Checkpoint c;
  c.state = state_;
  for (const auto& move : mix_.moves()) c.moves[move->name()] = move->save_state();
  c.log_sizes = {{"trials.csv", trials_.size()}, {"samples.xyz", samples_.size()}, {"chain.xyz", chain_.size()}};
  c.model_version = model_version_;
  c.model_file = model_file_;
  save_checkpoint(dir_ + "/checkpoint", c);
}

void SlhmcRun::record(const TrialRecord& rec) {
  // The reference evaluation first: it is the expensive, irreplaceable part.
  if (!rec.proposal.positions.empty()) {
    samples_.append(extxyz_text(rec.proposal, &rec.proposal_reference,
                                {{"trial", std::to_string(rec.trial)},
                                 {"accepted", rec.accepted ? "T" : "F"},
                                 {"move", rec.move},
                                 {"model_version", std::to_string(model_version_)}}));
    samples_.sync();
  }
  std::ostringstream line;
  line << rec.trial << ',' << rec.move << ',' << (rec.accepted ? 1 : 0) << ',' << fmt(rec.delta_h) << ','
       << fmt(rec.delta_k) << ',' << fmt(rec.delta_v_ref) << ',' << fmt(rec.delta_v_sur) << ',' << fmt(rec.delta)
       << ',' << fmt(state_.reference.energy) << ',' << fmt(rec.volume) << ',' << n_md() << ','
       << fmt(hmc_ ? hmc_->options().dt_fs : 0.0) << ',' << model_version_ << ',' << fmt(rec.seconds_trajectory) << ','
       << fmt(rec.seconds_reference) << ',' << phase_ << '\n';
  trials_.append(line.str());
  if (options_.chain_interval > 0 && rec.trial % options_.chain_interval == 0)
    chain_.append(extxyz_text(state_.frame, &state_.reference,
                              {{"trial", std::to_string(rec.trial)},
                               {"model_version", std::to_string(model_version_)}}));
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

std::string SlhmcRun::write_summary() const {
  // Observables come from the logs, so a restarted run summarizes the whole chain.
  std::ifstream in(dir_ + "/trials.csv");
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> potential, volume;
  std::uint64_t md = 0, md_acc = 0, vol = 0, vol_acc = 0;
  std::vector<double> delta;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> by_phase;  // phase → (HMC trials, accepted)
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string tok;
    while (std::getline(ss, tok, ',')) f.push_back(tok);
    if (f.size() < 10) continue;
    const bool acc = f[2] == "1";
    if (f.size() > 15 && f[1] != "volume") {
      auto& [n, a] = by_phase[f[15]];
      ++n;
      a += acc;
    }
    if (f[1] == "volume") {
      ++vol;
      vol_acc += acc;
    } else {
      ++md;
      md_acc += acc;
      if (std::isfinite(std::stod(f[7]))) delta.push_back(std::stod(f[7]));
    }
    potential.push_back(std::stod(f[8]));
    volume.push_back(std::stod(f[9]));
  }
  std::ostringstream s;
  s << "slhmc run summary (" << dir_ << ")\n";
  s << "trials: " << potential.size() << " (" << md << " HMC, " << vol << " volume)\n";
  s << "reference evaluations: " << potential.size() + 1 << "\n";
  if (md) s << "HMC acceptance: " << fmt(static_cast<double>(md_acc) / md) << "\n";
  if (by_phase.size() > 1 || (by_phase.size() == 1 && by_phase.begin()->first != "fixed"))
    for (const auto& [phase, c] : by_phase)
      s << "  in the " << phase << " phase: " << fmt(static_cast<double>(c.second) / c.first) << " of " << c.first
        << " trials\n";
  if (model_version_ > 0) s << "surrogate model version at the end: " << model_version_ << "\n";
  if (vol) s << "volume-move acceptance: " << fmt(static_cast<double>(vol_acc) / vol) << "\n";
  if (!delta.empty()) {
    double m = 0, m2 = 0;
    for (double d : delta) {
      m += d;
      m2 += d * d;
    }
    m /= delta.size();
    s << "surrogate error on moves: mean delta " << fmt(m) << " eV, rms " << fmt(std::sqrt(m2 / delta.size()))
      << " eV\n";
  }
  if (potential.size() >= 4) {
    const auto mv = analysis::blocking_mean(potential);
    const auto tau = analysis::integrated_autocorrelation_time(potential);
    s << "potential energy: " << fmt(mv.mean) << " +- " << fmt(mv.error) << " eV (tau_int " << fmt(tau.tau)
      << " trials, ESS " << fmt(potential.size() / tau.tau) << (tau.reliable ? "" : ", chain too short for a reliable tau")
      << ")\n";
    if (vol) {
      const auto vv = analysis::blocking_mean(volume);
      s << "volume: " << fmt(vv.mean) << " +- " << fmt(vv.error) << " A^3\n";
    }
  }
  write_file_atomically(dir_ + "/summary.txt", s.str());
  return s.str();
}

}  // namespace slhmc::sampling
