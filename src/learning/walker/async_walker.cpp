// The asynchronously learning walker (see async_walker.hpp).
#include "slhmc/learning/walker/async_walker.hpp"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

// The records of samples.xyz (or bootstrap.xyz) as samples of `walker` numbered from `sequence`.
std::vector<Sample> as_samples(const std::string& text, const std::string& source, const std::string& walker,
                               std::uint64_t sequence) {
  std::vector<Sample> out = sampling::parse_sample_records(text, source);
  for (Sample& s : out) {
    s.walker = walker;
    s.sequence = sequence++;
  }
  return out;
}

}  // namespace

std::optional<AsyncWalkerOptions> read_async_walker_options(const Config& t, const std::string& base_dir) {
  const std::string mode = t.get_choice("mode", {"sync", "async", "deterministic"}, "sync");
  if (mode == "sync") {
    for (const char* key : {"transport", "walker", "poll_interval_trials", "ship_interval_trials", "wait_timeout_s"})
      if (t.has(key)) throw ConfigError(t.key_path(key), "only with mode = \"async\" or \"deterministic\"");
    return std::nullopt;
  }
  AsyncWalkerOptions o;
  o.walker = t.get_string("walker", o.walker);
  if (!is_valid_walker_id(o.walker) || o.walker.size() > 54)  // 54: room for "-bootstrap"
    throw ConfigError(t.key_path("walker"), "'" + o.walker + "' is not a walker id (1 to 54 letters, digits, '-', '_')");
  auto interval = [&](const char* key, std::uint64_t fallback) {
    const long v = t.get_int(key, static_cast<long>(fallback));
    if (v < 1) throw ConfigError(t.key_path(key), "must be >= 1");
    return static_cast<std::uint64_t>(v);
  };
  o.poll_interval_trials = interval("poll_interval_trials", 1);
  o.ship_interval_trials = interval("ship_interval_trials", 1);
  o.production_after = static_cast<std::uint64_t>(std::max(0L, t.get_int("production_after", 0)));
  if (mode == "deterministic") {
    o.retrain_interval = interval("retrain_interval", 50);
    if (t.has("poll_interval_trials"))
      throw ConfigError(t.key_path("poll_interval_trials"), "not with mode = \"deterministic\" (retrain_interval sets the swaps)");
    o.wait_timeout_s = t.get_double("wait_timeout_s", o.wait_timeout_s);
    if (!(o.wait_timeout_s > 0)) throw ConfigError(t.key_path("wait_timeout_s"), "must be > 0 seconds");
  } else if (t.has("wait_timeout_s")) {
    throw ConfigError(t.key_path("wait_timeout_s"), "only with mode = \"deterministic\"");
  }
  if (const auto transport = t.optional_section("transport")) {
    o.transport = read_transport_config(*transport, base_dir, true);
  } else {
    o.transport.type = "in-process";
  }
  return o;
}

AsyncWalker::AsyncWalker(AsyncWalkerOptions options, std::string run_dir, std::unique_ptr<LearningSurrogate> initial,
                         SampleSink& sink, ModelSource& source, SampleSink* bootstrap_sink,
                         ModelPublisher* publisher)
    : options_(std::move(options)), dir_(std::move(run_dir)), lineage_(dir_), initial_(std::move(initial)), sink_(sink),
      source_(source) {
  version_ = initial_->version();
  const std::string model_path = lineage_.path(initial_->model_file());
  const auto current = lineage_.read(initial_->model_file(), version_);
  if (!current) throw Error("the walker's model '" + model_path + "' is not there");
  const nnp::ModelDescription described = nnp::describe_model_bytes(current->format, current->bytes, model_path);
  species_ = described.species;
  cutoff_ = described.cutoff_angstrom;
  first_version_ = version_ - static_cast<long long>(schedule_mark(described, kScheduleRound, model_path).value_or(0));
  if (!publisher || !bootstrap_sink) return;
  // From scratch here: the bootstrap data and model 1 go to the trainer.
  const fs::path boot = fs::path(dir_) / "bootstrap.xyz";
  if (!fs::exists(boot)) return;
  // The model before its data: a trainer that sees the data then adopts this model rather than
  // training another version 1 from scratch on it.
  bool published = false;
  if (!source_.newer_than(0)) {
    try {
      publisher->publish(*current);
      published = true;
    } catch (const Error& e) {  // someone published first: theirs is newer or equal; ours stays local
      bootstrap_problem_ = std::string("bootstrap model not published: ") + e.what();
    }
  }
  // The schedule's round 0 must be this walker's model 1: another walker's bootstrap model would
  // make the chain depend on who published first.
  if (!published && options_.retrain_interval > 0)
    throw Error("deterministic mode: another walker published its bootstrap model first; several walkers in "
                "deterministic mode need one shared [training.model] init model");
  const std::string text = read_file_prefix(boot.string(), static_cast<std::int64_t>(fs::file_size(boot)));
  for (const auto& s : as_samples(text, boot.string(), options_.walker + "-bootstrap", 0)) bootstrap_sink->push(s);
  bootstrap_sink->flush();
}

void AsyncWalker::Collector::push(const Sample& sample) {
  // The same sample under the walker's id and its gap-free number.
  Sample s = sample;
  s.walker = walker_.options_.walker;
  s.sequence = walker_.sequence_++;
  walker_.pending_.push_back(std::move(s));
}

void AsyncWalker::replay_log(const sampling::SlhmcRun& run) {
  const std::string path = (fs::path(dir_) / "samples.xyz").string();
  const std::int64_t end = run.samples_size();
  if (end <= 0) return;
  for (auto& s : as_samples(read_file_prefix(path, end), path, options_.walker, sequence_)) {
    ++sequence_;
    pending_.push_back(std::move(s));
  }
}

void AsyncWalker::send_new_samples(const sampling::SlhmcRun& run) {
  if (pending_.empty()) return;
  EventSpan span(run.event_log(), "ship");
  for (const auto& s : pending_) {
    sink_.push(s);
    last_sent_trial_ = std::max(last_sent_trial_, s.trial);
    ++sent_;
  }
  sink_.flush();
  span.set_detail("samples=" + std::to_string(pending_.size()));
  pending_.clear();
}

void AsyncWalker::swap_in(sampling::SlhmcRun& run, const PublishedModel& published, std::optional<std::uint64_t> round) {
  EventSpan span(run.event_log(), "model_load", "version=" + std::to_string(published.version));
  const std::string name = ModelLineage::entry(published.version, published.format);
  const nnp::ModelDescription model = check_published_model(published, name);
  if (model.species != species_ || model.cutoff_angstrom != cutoff_)
    throw Error("model v" + std::to_string(published.version) + " has other species or another cutoff (" +
                std::to_string(model.cutoff_angstrom) + " A) than the current one (" +
                std::to_string(cutoff_) + " A)");
  if (round) {
    // A trainer with another retrain_interval or other walkers would train other models.
    const auto r = schedule_mark(model, kScheduleRound, name);
    const auto through = schedule_mark(model, kScheduleThrough, name);
    const std::uint64_t expected = *round * options_.retrain_interval;
    if (r != round || through != expected)
      throw Error("model v" + std::to_string(published.version) + " is not round " + std::to_string(*round) +
                  " of the deterministic schedule on trials up to " + std::to_string(expected) + " (it says round " +
                  (r ? std::to_string(*r) : "none") + ", trials up to " + (through ? std::to_string(*through) : "none") +
                  "): give walker and trainer the same retrain_interval and the trainer this walker's id");
  }
  // The run's own copy: a restart loads it from the checkpoint's model_file.
  lineage_.write(published);
  std::shared_ptr<const nnp::Model> m = nnp::load_model_bytes(published.format, published.bytes, name);
  auto provider = std::make_unique<nnp::NnpProvider>(std::move(m), options_.skin);
  run.set_surrogate(*provider, published.version, name);
  provider_ = std::move(provider);
  version_ = published.version;
  ++swaps_;
}

void AsyncWalker::poll(sampling::SlhmcRun& run) {
  const std::uint64_t t = run.state().trials;
  if (t < last_poll_ + options_.poll_interval_trials) return;
  last_poll_ = t;
  std::string problem;
  std::optional<PublishedModel> newer;
  {
    EventSpan span(run.event_log(), "poll");
    newer = source_.newer_than(version_, &problem);
  }
  if (!problem.empty() && on_message) on_message("kept model v" + std::to_string(version_) + ": " + problem);
  if (!newer) return;
  try {
    swap_in(run, *newer, std::nullopt);
  } catch (const Error& e) {
    if (on_message) on_message("kept model v" + std::to_string(version_) + ": " + e.what());
  }
}

void AsyncWalker::await_scheduled(sampling::SlhmcRun& run, std::uint64_t m) {
  const long long target = first_version_ + static_cast<long long>(m) - 1;
  if (version_ >= target) return;  // a restart that already has it
  const std::uint64_t through = (m - 1) * options_.retrain_interval;
  if (last_sent_trial_ <= through) {
    if (on_message)
      on_message("kept model v" + std::to_string(version_) + " after trial " + std::to_string(run.state().trials) +
                 ": no sample after trial " + std::to_string(through) + " was sent (diverged trajectories)");
    return;
  }
  EventSpan span(run.event_log(), "wait", "version=" + std::to_string(target));
  const auto start = std::chrono::steady_clock::now();
  auto pause = std::chrono::milliseconds(2);
  std::string last_problem;
  for (;;) {
    if (trainer_failure) {
      const std::string failure = trainer_failure();
      if (!failure.empty()) throw Error("waiting for model v" + std::to_string(target) + ": " + failure);
    }
    std::string problem;
    if (auto exact = source_.exactly(target, &problem)) {
      swap_in(run, *exact, m - 1);  // a wrong model is an error here: the schedule cannot go on without it
      return;
    }
    const auto newer = source_.newer_than(version_, &problem);
    if (!problem.empty() && problem != last_problem && on_message) on_message("waiting for model v" + std::to_string(target) + ": " + problem);
    last_problem = problem;
    if (newer && newer->version > target)
      throw Error("model v" + std::to_string(newer->version) + " was published where the deterministic schedule expects v" +
                  std::to_string(target) + ": give walker and trainer the same retrain_interval, and the trainer (mode = " +
                  "\"deterministic\") the ids of all its walkers");
    if (newer && newer->version == target) {
      swap_in(run, *newer, m - 1);  // a wrong model is an error here: the schedule cannot go on without it
      return;
    }
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (waited > options_.wait_timeout_s)
      throw Error("waited " + std::to_string(static_cast<long>(waited)) + " s for model v" + std::to_string(target) +
                  " of the deterministic schedule (wait_timeout_s): is the trainer running, in mode = \"deterministic\"?");
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

std::string AsyncWalker::phase(std::uint64_t trial) const {
  return options_.production_after > 0 && trial >= options_.production_after ? "production" : "learning";
}

void AsyncWalker::attach(sampling::SlhmcRun& run) {
  if (!bootstrap_problem_.empty() && on_message) on_message(bootstrap_problem_);
  run.set_surrogate(initial_->provider(), version_, initial_->model_file());
  run.set_phase(phase(run.state().trials));
  // The initial configuration's sample goes first: a new run hands it to a sink when the sink is
  // added; a restarted run has none to hand, and its log is sent again instead.
  run.add_sample_sink(collector_);
  if (pending_.empty()) replay_log(run);
  send_new_samples(run);
  run.set_between_trials([this](sampling::SlhmcRun& r) {
    const std::uint64_t t = r.state().trials;
    const bool frozen = options_.production_after > 0 && t > options_.production_after;
    const std::uint64_t k = options_.retrain_interval;
    const bool swap_point = k > 0 && t % k == 0;
    // Samples first: in deterministic mode the trainer learns from them that this walker passed
    // the trial its next model needs; the model after that needs a sample sent after the swap.
    if (t % options_.ship_interval_trials == 0 || swap_point) send_new_samples(r);
    if (!frozen) {
      if (k == 0) poll(r);
      else if (swap_point && t >= 2 * k) await_scheduled(r, t / k);
    }
    r.set_phase(phase(t));
  });
}

}  // namespace slhmc::learning
