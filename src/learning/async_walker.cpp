// The asynchronously learning walker (see async_walker.hpp).
#include "slhmc/learning/async_walker.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/nnp/nnp_provider.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

std::string read_range(const std::string& path, std::int64_t from, std::int64_t to) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read '" + path + "'");
  in.seekg(from);
  std::string bytes(static_cast<std::size_t>(to - from), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size())) throw Error("'" + path + "' is shorter than its log size");
  return bytes;
}

// The frames of extxyz text as samples of `walker` numbered from `sequence`; the run's info keys
// trial, accepted (T/F) and model_version become the sample's fields.
std::vector<Sample> as_samples(const std::string& text, const std::string& source, const std::string& walker,
                               std::uint64_t sequence) {
  std::istringstream in(text);
  ReadOptions ro;
  ro.format = StructureFormat::extxyz;
  StructureReader reader(in, source, ro);
  std::vector<Sample> out;
  while (auto f = reader.next()) {
    Sample s;
    s.walker = walker;
    s.sequence = sequence++;
    auto take = [&](const char* key) {
      const auto it = f->info.find(key);
      std::string v = it == f->info.end() ? "" : it->second;
      if (it != f->info.end()) f->info.erase(it);
      return v;
    };
    try {
      const std::string trial = take("trial"), version = take("model_version");
      s.trial = trial.empty() ? 0 : std::stoull(trial);
      s.model_version = version.empty() ? 0 : std::stoll(version);
    } catch (const std::logic_error&) {
      throw ParseError(source, reader.frame_line(), "bad trial or model_version");
    }
    const std::string accepted = take("accepted");
    s.accepted = accepted == "T" || accepted == "1" || accepted == "True";
    s.frame = std::move(*f);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

std::optional<AsyncWalkerOptions> read_async_walker_options(const Config& t, const std::string& base_dir) {
  if (t.get_choice("mode", {"sync", "async"}, "sync") == "sync") {
    for (const char* key : {"transport", "walker", "poll_interval_trials"})
      if (t.has(key)) throw ConfigError(t.key_path(key), "only with mode = \"async\"");
    return std::nullopt;
  }
  AsyncWalkerOptions o;
  o.walker = t.get_string("walker", o.walker);
  if (!is_valid_walker_id(o.walker) || o.walker.size() > 54)  // 54: room for "-bootstrap"
    throw ConfigError(t.key_path("walker"), "'" + o.walker + "' is not a walker id (1 to 54 letters, digits, '-', '_')");
  const long every = t.get_int("poll_interval_trials", 1);
  if (every < 1) throw ConfigError(t.key_path("poll_interval_trials"), "must be >= 1");
  o.poll_interval_trials = static_cast<std::uint64_t>(every);
  o.production_after = static_cast<std::uint64_t>(std::max(0L, t.get_int("production_after", 0)));
  o.transport = read_transport_config(t.section("transport"), base_dir);
  return o;
}

AsyncWalker::AsyncWalker(AsyncWalkerOptions options, std::string run_dir, std::unique_ptr<LearningSurrogate> initial,
                         SampleSink& sink, ModelSource& source, SampleSink* bootstrap_sink,
                         ModelPublisher* publisher)
    : options_(std::move(options)), dir_(std::move(run_dir)), initial_(std::move(initial)), sink_(sink), source_(source) {
  version_ = initial_->version();
  const std::string model_path = (fs::path(dir_) / initial_->model_file()).string();
  const nnp::NativeModel current = nnp::read_native_model(model_path);
  species_ = current.metadata.species;
  cutoff_ = current.metadata.cutoff_angstrom;
  if (!publisher || !bootstrap_sink) return;
  // From scratch here: the bootstrap data and model 1 go to the trainer.
  const fs::path boot = fs::path(dir_) / "bootstrap.xyz";
  if (!fs::exists(boot)) return;
  // The model before its data: a trainer that sees the data then adopts this model rather than
  // training another version 1 from scratch on it.
  if (!source_.newer_than(0)) {
    try {
      publisher->publish({version_, read_range(model_path, 0, static_cast<std::int64_t>(fs::file_size(model_path)))});
    } catch (const Error& e) {  // someone published first: theirs is newer or equal; ours stays local
      bootstrap_problem_ = std::string("bootstrap model not published: ") + e.what();
    }
  }
  const std::string text = read_range(boot.string(), 0, static_cast<std::int64_t>(fs::file_size(boot)));
  for (const auto& s : as_samples(text, boot.string(), options_.walker + "-bootstrap", 0)) bootstrap_sink->push(s);
  bootstrap_sink->flush();
}

void AsyncWalker::send_new_samples(const sampling::SlhmcRun& run) {
  const std::string path = (fs::path(dir_) / "samples.xyz").string();
  const std::int64_t end = run.samples_size();
  if (end <= offset_) return;
  for (const auto& s : as_samples(read_range(path, offset_, end), path, options_.walker, sequence_)) {
    sink_.push(s);
    ++sequence_;
    ++sent_;
  }
  sink_.flush();
  offset_ = end;
}

void AsyncWalker::poll(sampling::SlhmcRun& run) {
  const std::uint64_t t = run.state().trials;
  const bool frozen = options_.production_after > 0 && t > options_.production_after;
  run.set_phase(phase(t));
  if (frozen || t < last_poll_ + options_.poll_interval_trials) return;
  last_poll_ = t;
  std::string problem;
  const auto newer = source_.newer_than(version_, &problem);
  if (!problem.empty() && on_message) on_message("kept model v" + std::to_string(version_) + ": " + problem);
  if (!newer) return;
  try {
    const std::string name = "models/model-v" + std::to_string(newer->version) + ".nnp";
    nnp::NativeModel model = nnp::parse_native_model(newer->text, name);
    if (model.metadata.species != species_ || model.metadata.cutoff_angstrom != cutoff_)
      throw Error("model v" + std::to_string(newer->version) + " has other species or another cutoff (" +
                  std::to_string(model.metadata.cutoff_angstrom) + " A) than the current one (" +
                  std::to_string(cutoff_) + " A)");
    // The run's own copy: a restart loads it from the checkpoint's model_file.
    write_file_atomically((fs::path(dir_) / name).string(), newer->text);
    std::shared_ptr<const nnp::Model> m = nnp::make_native_model(std::move(model), name);
    auto provider = std::make_unique<nnp::NnpProvider>(std::move(m), options_.skin);
    run.set_surrogate(*provider, newer->version, name);
    provider_ = std::move(provider);
    version_ = newer->version;
    ++swaps_;
  } catch (const Error& e) {
    if (on_message) on_message("kept model v" + std::to_string(version_) + ": " + e.what());
    last_poll_ = t;
  }
}

std::string AsyncWalker::phase(std::uint64_t trial) const {
  return options_.production_after > 0 && trial >= options_.production_after ? "production" : "learning";
}

void AsyncWalker::attach(sampling::SlhmcRun& run) {
  if (!bootstrap_problem_.empty() && on_message) on_message(bootstrap_problem_);
  run.set_surrogate(initial_->provider(), version_, initial_->model_file());
  run.set_phase(phase(run.state().trials));
  // The initial configuration's sample (and, after a restart, whatever the log holds) goes first.
  send_new_samples(run);
  run.set_between_trials([this](sampling::SlhmcRun& r) {
    send_new_samples(r);
    poll(r);
  });
}

}  // namespace slhmc::learning
