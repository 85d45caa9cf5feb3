// The synchronous learning loop (see learning_surrogate.hpp).
#include "slhmc/learning/walker/learning_surrogate.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "slhmc/core/error.hpp"
#include "slhmc/dynamics/integrator.hpp"
#include "slhmc/dynamics/state.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/learning/training_round.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/nnp_provider.hpp"
#include "slhmc/sampling/checkpoint.hpp"
#include "slhmc/train/training_output.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

// Where the initial model is copied (the learner trains it further, in its own format).
std::string model_name(long long version) { return ModelLineage::entry(version, kTrainedModelFormat); }

LabelledFrame labelled(const State& s) {
  LabelledFrame lf;
  lf.frame = s.frame;
  lf.labels.energy = s.potential_energy;
  lf.labels.forces = s.forces;
  if (s.has_virial) lf.labels.virial = s.virial;
  return lf;
}

// The frames of an extxyz file of this run (bootstrap.xyz), each once, as training data.
void add_file(train::TrainingSet& set, const std::string& path) {
  if (!fs::exists(path)) return;
  ReadOptions ro;
  ro.format = StructureFormat::extxyz;
  StructureReader reader(path, ro);
  while (auto f = reader.next()) {
    const std::string origin = path + ":" + std::to_string(reader.frame_line());
    set.add(std::move(*f), 1.0, origin);
  }
}

std::string sample_origin(const std::string& dir, const sampling::Sample& s) {
  return (fs::path(dir) / "samples.xyz").string() + " (trial " + std::to_string(s.trial) + ")";
}

std::string rmse_line(const train::TrainResult& r) {
  const train::ErrorSums e = r.best_errors();
  char buf[200];
  std::snprintf(buf, sizeof buf, "%zu samples, %zu epochs, %s RMSE %.2f meV/atom %.1f meV/A", r.split.train.size() + r.split.validation.size(),
                r.curve.size(), r.split.validation.empty() ? "train" : "validation", e.energy_rmse() * 1e3,
                e.force_rmse() * 1e3);
  return buf;
}

constexpr const char* kLearningHeader =
    "version,trial,samples,epochs,validation_energy_rmse_meV_atom,validation_force_rmse_meV_A,seconds\n";

}  // namespace

void LearningSurrogate::log_round(const train::TrainResult& r, std::uint64_t trial, double seconds) {
  const train::ErrorSums e = r.best_errors();
  char row[256];
  std::snprintf(row, sizeof row, "%lld,%llu,%zu,%zu,%.6g,%.6g,%.4g\n", version_, static_cast<unsigned long long>(trial),
                r.split.train.size() + r.split.validation.size(), r.curve.size(), e.energy_rmse() * 1e3,
                e.force_rmse() * 1e3, seconds);
  log_rows_.push_back(row);
  std::string text = kLearningHeader;
  for (const auto& x : log_rows_) text += x;
  write_file_atomically((fs::path(dir_) / "learning.csv").string(), text);
}

void LearningOptions::validate() const {
  if (retrain_interval < 1) throw Error("learning: retrain_interval must be >= 1 trial");
  if (epochs < 1 || first_epochs < 1) throw Error("learning: epochs must be >= 1");
  if (initial_model.empty() && bootstrap_md_steps < 1)
    throw Error("learning: from scratch needs bootstrap_md_steps >= 1 (or an initial model)");
  if (!(bootstrap_dt_fs > 0)) throw Error("learning: bootstrap_dt_fs must be > 0");
  if (!(skin >= 0)) throw Error("learning: the skin must be >= 0");
}

LearningSurrogate::LearningSurrogate(LearningOptions options, std::string run_dir)
    : options_(std::move(options)), dir_(std::move(run_dir)) {
  options_.validate();
}

void LearningSurrogate::load(long long version, const std::string& model_file) {
  nnp::ModelSpec spec;
  spec.path = (fs::path(dir_) / model_file).string();
  spec.format = ModelLineage::format_of(model_file);
  std::shared_ptr<const nnp::Model> model = nnp::load_model(spec);
  provider_ = std::make_unique<nnp::NnpProvider>(std::move(model), options_.skin);
  version_ = version;
  model_file_ = model_file;
}

std::unique_ptr<LearningSurrogate> LearningSurrogate::start(const LearningOptions& options, const std::string& run_dir,
                                                            const Frame& initial, ForceProvider& reference) {
  std::unique_ptr<LearningSurrogate> s(new LearningSurrogate(options, run_dir));
  fs::create_directories(fs::path(run_dir) / "models");
  const auto t0 = std::chrono::steady_clock::now();
  if (!options.initial_model.empty()) {
    std::optional<long long> version;
    const train::TrainableModel model = train::load_trainable_model(options.initial_model, &version);
    const long long v = version.value_or(0);
    // A copy inside the run directory: the run must not depend on a file that may change.
    std::error_code ec;
    fs::copy_file(options.initial_model, fs::path(run_dir) / model_name(v), fs::copy_options::overwrite_existing, ec);
    if (ec) throw Error("cannot copy the initial model into the run directory: " + ec.message());
    s->load(v, model_name(v));
    return s;
  }
  // From scratch: a short reference MD gives the first training data.
  State state = make_state(initial, reference, options.seed);
  draw_maxwell_boltzmann(state, options.temperature_K, true);
  const auto verlet = make_velocity_verlet(options.bootstrap_dt_fs);
  std::vector<LabelledFrame> frames{labelled(state)};
  for (int step = 0; step < options.bootstrap_md_steps; ++step) {
    verlet->step(state, reference);
    frames.push_back(labelled(state));
  }
  WriteOptions wo;
  wo.reference_keys = true;
  const std::string boot = (fs::path(run_dir) / "bootstrap.xyz").string();
  write_structures(boot, frames, StructureFormat::extxyz, wo);
  s->bootstrap_evaluations_ = frames.size();
  for (std::size_t i = 0; i < frames.size(); ++i) s->data_.add(std::move(frames[i]), 1.0, boot + " (frame " + std::to_string(i) + ")");
  train::TrainOptions o = options.train;
  o.epochs = options.first_epochs;
  o.seed = options.seed;
  o.device = "cpu";
  const RoundOutput out = run_training_round(ModelLineage(run_dir), {0, "", &options.spec, {}}, s->data_, o);
  const train::TrainResult& r = out.result;
  s->load(out.version, out.entry);
  s->training_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  s->log_round(r, 0, s->training_seconds_);
  s->rounds_ = 1;
  s->last_report_ = "model v1 from scratch: " + rmse_line(r);
  return s;
}

std::unique_ptr<LearningSurrogate> LearningSurrogate::resume(const LearningOptions& options, const std::string& run_dir) {
  std::unique_ptr<LearningSurrogate> s(new LearningSurrogate(options, run_dir));
  const sampling::Checkpoint cp = sampling::load_checkpoint((fs::path(run_dir) / "checkpoint").string());
  if (cp.model_file.empty())
    throw Error("run directory '" + run_dir + "': its checkpoint names no learned model (was it run without [training]?)");
  s->load(cp.model_version, cp.model_file);
  // The bootstrap frames first; the chain's samples follow when the run is attached (its log,
  // up to what the checkpoint covers).
  add_file(s->data_, (fs::path(run_dir) / "bootstrap.xyz").string());
  s->bootstrap_evaluations_ = s->data_.size();
  // Rows of rounds the checkpoint covers; later ones will be trained again.
  if (std::ifstream in((fs::path(run_dir) / "learning.csv").string()); in) {
    std::string line;
    std::getline(in, line);
    while (std::getline(in, line)) {
      const auto comma = line.find(',');
      if (comma == std::string::npos) continue;
      const std::uint64_t trial = std::strtoull(line.c_str() + comma + 1, nullptr, 10);
      if (trial <= cp.state.trials) s->log_rows_.push_back(line + "\n");
    }
  }
  return s;
}

std::string LearningSurrogate::phase(std::uint64_t trial) const {
  return options_.production_after > 0 && trial >= options_.production_after ? "production" : "learning";
}

void LearningSurrogate::Collector::push(const sampling::Sample& sample) {
  learner_.data_.add(sample.frame, 1.0, sample_origin(learner_.dir_, sample));
  ++learner_.collected_;
}

void LearningSurrogate::attach(sampling::SlhmcRun& run) {
  run.set_surrogate(*provider_, version_, model_file_);
  // A new run hands the sink its initial evaluation now; a restarted one has nothing to hand, and
  // its log up to the checkpoint is read back instead (once: the replay source of a restart).
  run.add_sample_sink(collector_);
  if (collected_ == 0 && run.samples_size() > 0) {
    const std::string path = (fs::path(dir_) / "samples.xyz").string();
    for (const sampling::Sample& s : sampling::parse_sample_records(read_file_prefix(path, run.samples_size()), path))
      data_.add(s.frame, 1.0, sample_origin(dir_, s));
  }
  run.set_phase(phase(run.state().trials));
  run.set_between_trials([this](sampling::SlhmcRun& r) {
    const std::uint64_t t = r.state().trials;
    const bool learning = options_.production_after == 0 || t <= options_.production_after;
    if (learning && t % options_.retrain_interval == 0) {
      EventSpan span(r.event_log(), "train", "version=" + std::to_string(version_ + 1));
      retrain(r);
      r.set_surrogate(*provider_, version_, model_file_);
    }
    r.set_phase(phase(t));
  });
}

void LearningSurrogate::retrain(const sampling::SlhmcRun& run) {
  const auto t0 = std::chrono::steady_clock::now();
  if (options_.max_samples > 0 && data_.size() > options_.max_samples) {
    const std::size_t drop = data_.size() - options_.max_samples;
    cache_.drop_front(drop);
    data_.drop_front(drop);
  }
  train::TrainOptions o = options_.train;
  o.epochs = options_.epochs;
  o.seed = options_.seed + static_cast<std::uint64_t>(version_);
  o.device = "cpu";  // deterministic: a restart must train the very same model
  o.feature_cache = &cache_;
  const RoundInput in{version_, model_file_, nullptr, {{"run.trial", std::to_string(run.state().trials)}}};
  const RoundOutput out = run_training_round(ModelLineage(dir_), in, data_, o);
  const train::TrainResult& r = out.result;
  const long long next = out.version;
  load(next, out.entry);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  training_seconds_ += seconds;
  ++rounds_;
  log_round(r, run.state().trials, seconds);
  last_report_ = "model v" + std::to_string(next) + " after trial " + std::to_string(run.state().trials) + ": " + rmse_line(r);
}

}  // namespace slhmc::learning
