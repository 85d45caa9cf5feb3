// The trainer service (see trainer_daemon.hpp): options, adopting published
// models, the feature pipeline and the round; the store and checkpoint are in
// trainer_store.cpp, the schedule in trainer_schedule.cpp, the balance in
// trainer_balance.cpp.
#include "slhmc/learning/trainer/trainer_daemon.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <tuple>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/core/fault_point.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/learning/training_round.hpp"
#include "slhmc/train/training_output.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

// The initial model the trainer starts from (it trains further in its own format).
std::string model_name(long long version) { return ModelLineage::entry(version, kTrainedModelFormat); }

}  // namespace

void TrainerDaemonOptions::validate() const {
  if (state_dir.empty()) throw Error("trainer: state_dir must be set");
  if (min_samples < 1) throw Error("trainer: min_samples must be >= 1");
  if (epochs < 1 || first_epochs < 1) throw Error("trainer: epochs and first_epochs must be >= 1");
  if (max_rounds < 0) throw Error("trainer: max_rounds must be >= 0");
  if (!(time_limit_s >= 0)) throw Error("trainer: time_limit_s must be >= 0");
  if (!(poll_interval_s > 0) || poll_interval_s > 3600) throw Error("trainer: poll_interval_s must be in (0, 3600]");
  if (retrain_interval > 0) {
    if (walkers.empty()) throw Error("trainer: the deterministic schedule needs the ids of its walkers (walkers)");
    for (const auto& w : walkers)
      if (!is_valid_walker_id(w)) throw Error("trainer: '" + w + "' is not a walker id");
    if (max_samples > 0) throw Error("trainer: max_samples does not go with the deterministic schedule");
    if (auto_balance) throw Error("trainer: automatic balance does not go with the deterministic schedule");
  }
  if (!(refresh_fraction > 0) || !(min_round_s > 0) || !(max_round_s >= min_round_s))
    throw Error("trainer: balance needs refresh_fraction > 0 and 0 < min_round_s <= max_round_s");
  if (min_epochs < 1 || max_epochs < min_epochs) throw Error("trainer: balance needs 1 <= min_epochs <= max_epochs");
}

void TrainerDaemon::restart_pipeline() {
  pipeline_.reset();
  cache_ = {};
  if (model_file_.empty() || options_.retrain_interval > 0) return;  // the schedule orders its own sets
  pipeline_ = std::make_unique<FeaturePipeline>(
      train::load_trainable_model((fs::path(options_.state_dir) / model_file_).string()), options_.train.use_virial,
      options_.train.threads);
  for (queued_ = dropped_; queued_ < data_.size(); ++queued_) pipeline_->add(queued_, data_.frames[queued_]);
}

void TrainerDaemon::absorb_features(std::size_t through) {
  if (!pipeline_) return;
  const std::size_t first = trainable_end();
  for (auto& f : pipeline_->take_from(first, through > first ? through - first : 0)) cache_.features.push_back(std::move(f));
}

void TrainerDaemon::say(const std::string& line) const {
  if (on_message) on_message(line);
}

void TrainerDaemon::adopt(ModelSource& models) {
  std::string problem;
  auto newer = models.newer_than(version_, &problem);
  if (!problem.empty()) say("refused a published model: " + problem);
  if (newer) {
    // Someone else's model (a walker's initial or bootstrap one): its normalisation may differ.
    version_ = newer->version;
    model_file_ = ModelLineage(options_.state_dir).write(*newer);
    restart_pipeline();  // its normalisation may differ: features anew
    published_loss_.reset();
    say("adopted published model v" + std::to_string(version_));
    save_checkpoint();
    return;
  }
  if (model_file_.empty() && !options_.initial_model.empty()) {
    std::optional<long long> v;
    (void)train::load_trainable_model(options_.initial_model, &v);  // checks it before taking it
    version_ = v.value_or(0);
    model_file_ = model_name(version_);
    fs::copy_file(options_.initial_model, fs::path(options_.state_dir) / model_file_, fs::copy_options::overwrite_existing);
    restart_pipeline();
    say("starting from " + options_.initial_model + " (v" + std::to_string(version_) + ")");
    save_checkpoint();
  }
}

void TrainerDaemon::train_round(ModelPublisher& publisher, const std::vector<std::size_t>* scheduled) {
  const auto t0 = std::chrono::steady_clock::now();
  const double started = EventLog::now();
  const std::size_t end = trainable_end();
  if (!scheduled && options_.max_samples > 0 && end - dropped_ > options_.max_samples) {
    const std::size_t drop = end - options_.max_samples - dropped_;
    cache_.drop_front(drop);
    dropped_ += drop;
  }
  std::vector<std::size_t> indices;
  if (scheduled) indices = *scheduled;
  else
    for (std::size_t i = dropped_; i < end; ++i) indices.push_back(i);
  train::TrainingSet set;
  std::map<std::string, std::uint64_t> through;  // the newest trial of each walker in the set
  for (const std::size_t i : indices) {
    set.add(data_.frames[i], data_.weights[i], data_.origins[i]);
    std::uint64_t& t = through[keys_[i].walker];
    t = std::max(t, keys_[i].trial);
  }
  train::TrainOptions o = options_.train;
  o.seed = options_.seed + static_cast<std::uint64_t>(version_);
  const bool scratch = model_file_.empty();
  const std::uint64_t round = scheduled ? model_round() + 1 : 0;
  if (scratch) {
    o.epochs = options_.first_epochs;
  } else {
    o.epochs = next_epochs_;
    o.feature_cache = &cache_;
  }
  RoundInput in{version_, model_file_, &options_.spec, {{"trainer.samples", std::to_string(set.size())}}};
  if (scheduled) {
    in.marks[kScheduleRound] = std::to_string(round);
    in.marks[kScheduleThrough] = std::to_string(round * options_.retrain_interval);
  }
  const RoundOutput out = run_training_round(ModelLineage(options_.state_dir), in, set, o);
  const train::TrainResult& r = out.result;
  const long long next = out.version;
  const std::string& file = out.entry;
  std::string through_text;
  for (const auto& [w, t] : through) through_text += (through_text.empty() ? "" : "/") + w + ":" + std::to_string(t);
  events_->record("train", started, EventLog::now(),
                  "version=" + std::to_string(next) + " samples=" + std::to_string(set.size()) +
                      " epochs=" + std::to_string(r.curve.size()) + " through=" + through_text);

  const train::EpochRecord best = r.best();
  const bool held_out = !r.split.validation.empty();
  const double loss = held_out ? best.validation_loss : best.train_loss;
  const train::ErrorSums e = r.best_errors();
  const bool publish = scheduled || options_.publish_every_round || !published_loss_ || loss < *published_loss_;
  bool published = false;
  if (publish) {
    try {
      EventSpan span(events_.get(), "publish", "version=" + std::to_string(next));
      const auto model = ModelLineage(options_.state_dir).read(file, next);
      if (!model) throw Error("its file " + file + " is gone");
      publisher.publish(*model);
      published = true;
      published_loss_ = loss;
    } catch (const Error& err) {
      say(std::string("could not publish v") + std::to_string(next) + ": " + err.what());
    }
  }
  // The new weights are the base of the next round whether published or not (versions a walker
  // sees may then skip numbers; they always rise).
  version_ = next;
  model_file_ = file;
  if (scratch) restart_pipeline();  // the normalisation is fixed from now on
  ++rounds_;
  samples_at_last_round_ = scheduled ? data_.size() : end;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!scratch) choose_epochs(r, seconds, set.size());
  char row[256];
  std::snprintf(row, sizeof row, "%lld,%zu,%zu,%.6g,%.6g,%.6g,%d,%.4g\n", next, set.size(), r.curve.size(), loss,
                e.energy_rmse() * 1e3, e.force_rmse() * 1e3, published ? 1 : 0, seconds);
  log_.append(row);
  log_.sync();
  save_checkpoint();
  char msg[256];
  std::snprintf(msg, sizeof msg, "v%lld: %zu samples, %zu epochs, %s loss %.4g (%s), %.2f s", next, set.size(),
                r.curve.size(), held_out ? "held-out" : "train", loss,
                published ? "published" : (publish ? "publishing failed" : "not better: kept"), seconds);
  say(msg);
}

bool TrainerDaemon::step(SampleFeed& feed, ModelPublisher& publisher, ModelSource& models) {
  ingest(feed);
  adopt(models);
  if (options_.retrain_interval > 0) {
    // The schedule never trains from scratch: version 1 is the walkers' (bootstrap or init).
    if (model_file_.empty()) return false;
    const std::uint64_t through = (model_round() + 1) * options_.retrain_interval;
    if (!walkers_passed(through)) return false;
    ingest(feed);  // whatever a walker wrote before the sample that showed it passed the round
    const std::vector<std::size_t> order = scheduled_set(through);
    train_round(publisher, &order);
    return true;
  }
  const std::size_t min_new = std::max<std::size_t>(options_.min_new_samples, 1);
  const std::size_t fresh = data_.size() > samples_at_last_round_ ? data_.size() - samples_at_last_round_ : 0;
  // A warm start on a handful of samples would only unlearn what the model knew.
  const bool ready = data_.size() >= options_.min_samples && (model_file_.empty() || fresh >= min_new);
  if (!ready) return false;
  // Whatever features are ready, and at least those of min_new_samples new samples.
  absorb_features(std::max(samples_at_last_round_ + min_new, options_.min_samples));
  train_round(publisher, nullptr);
  return true;
}

std::string TrainerDaemon::run(SampleFeed& feed, ModelPublisher& publisher, ModelSource& models,
                               const std::function<bool()>& stop) {
  const auto t0 = std::chrono::steady_clock::now();
  long long rounds_here = 0;
  // On the way out the samples that arrived are still stored and counted (not trained on).
  auto finish = [&](std::string why) {
    ingest(feed);
    return why;
  };
  for (;;) {
    if (!options_.stop_file.empty() && fs::exists(options_.stop_file)) return finish("stop file " + options_.stop_file);
    if (stop && stop()) return finish("stopped");
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (options_.time_limit_s > 0 && elapsed >= options_.time_limit_s) return finish("time limit");
    if (step(feed, publisher, models)) {
      if (options_.max_rounds > 0 && ++rounds_here >= options_.max_rounds) return finish("max_rounds");
      continue;
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.poll_interval_s));
  }
}

}  // namespace slhmc::learning
