// The trainer daemon's sample store and checkpoint (see trainer_daemon.hpp):
// restoring them at start (the store cut back to what the checkpoint counts),
// taking new samples from a feed (store synced before the checkpoint that
// counts them) and writing the checkpoint.
#include <filesystem>
#include <optional>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/trainer/trainer_daemon.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCheckpointMagic = "slhmc-trainer-checkpoint 1";
constexpr const char* kLogHeader =
    "version,samples,epochs,heldout_loss,heldout_energy_rmse_meV_atom,heldout_force_rmse_meV_A,published,seconds\n";


std::string read_text(const std::string& path) {
  auto text = read_whole_file(path);
  if (!text) throw Error("cannot read '" + path + "'");
  return std::move(*text);
}

struct Checkpoint {
  long long version = 0;
  std::string model_file;
  int rounds = 0;
  std::int64_t store_size = 0, log_size = 0;
  std::size_t samples_at_last_round = 0;
  std::optional<double> published_loss;
  SampleLedger ledger;
};

Checkpoint parse_checkpoint(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line != kCheckpointMagic)
    throw ParseError(source, 1, std::string("not a trainer checkpoint (expected '") + kCheckpointMagic + "')");
  Checkpoint cp;
  std::size_t line_no = 1;
  int seen = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line == "ledger") {
      std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      cp.ledger = SampleLedger::parse(rest, source + " (ledger)");
      if (seen != 7) throw ParseError(source, line_no, "checkpoint lacks keys before its ledger");
      return cp;
    }
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) throw ParseError(source, line_no, "expected 'key = value', got '" + line + "'");
    const std::string key = line.substr(0, eq), value = line.substr(eq + 3);
    try {
      std::size_t used = 0;
      if (key == "version") cp.version = std::stoll(value, &used);
      else if (key == "model_file") cp.model_file = value == "none" ? "" : value, used = value.size();
      else if (key == "rounds") cp.rounds = std::stoi(value, &used);
      else if (key == "store_size") cp.store_size = std::stoll(value, &used);
      else if (key == "log_size") cp.log_size = std::stoll(value, &used);
      else if (key == "samples_at_last_round") cp.samples_at_last_round = std::stoull(value, &used);
      else if (key == "published_loss") {
        if (value == "none") used = value.size();
        else cp.published_loss = std::stod(value, &used);
      } else throw ParseError(source, line_no, "unknown key '" + key + "'");
      if (used != value.size()) throw std::invalid_argument(value);
      ++seen;
    } catch (const std::logic_error&) {
      throw ParseError(source, line_no, "bad value '" + value + "' for " + key);
    }
  }
  throw ParseError(source, line_no, "checkpoint without its ledger (partial file?)");
}

}  // namespace

TrainerDaemon::TrainerDaemon(TrainerDaemonOptions options) : options_(std::move(options)) {
  options_.validate();
  next_epochs_ = options_.epochs;
  fs::create_directories(fs::path(options_.state_dir) / "models");
  events_ = std::make_unique<EventLog>((fs::path(options_.state_dir) / "events.csv").string(), "trainer");
  // While the checkpoint is replaced, only checkpoint.prev may exist for an instant (a crash
  // there leaves just that one): it is as good, the store is cut back to what it records.
  std::string cp_path = (fs::path(options_.state_dir) / "checkpoint").string();
  if (!fs::exists(cp_path) && fs::exists(cp_path + ".prev")) cp_path += ".prev";
  const std::string store_path = (fs::path(options_.state_dir) / "samples.xyz").string();
  const std::string log_path = (fs::path(options_.state_dir) / "trainer.csv").string();
  if (!fs::exists(cp_path)) {
    // A fresh start: files of an earlier, never checkpointed start are cut to nothing.
    store_ = AppendOnlyFile(store_path, 0);
    log_ = AppendOnlyFile(log_path, 0);
    log_.append(kLogHeader);
    log_.sync();
    save_checkpoint();
    return;
  }
  Checkpoint cp = parse_checkpoint(read_text(cp_path), cp_path);
  // What came after the checkpoint is dropped: those samples are not in the ledger and come again.
  store_ = AppendOnlyFile(store_path, cp.store_size);
  log_ = AppendOnlyFile(log_path, cp.log_size);
  const std::string text = read_text(store_path).substr(0, static_cast<std::size_t>(cp.store_size));
  for (auto& s : parse_samples(text, store_path)) {
    data_.add(std::move(s.frame), 1.0, s.walker + ":" + std::to_string(s.sequence));
    keys_.push_back({s.walker, s.sequence, s.trial});
  }
  if (data_.size() != cp.ledger.total())
    throw Error(cp_path + ": the ledger counts " + std::to_string(cp.ledger.total()) + " samples, the store holds " +
                std::to_string(data_.size()));
  ledger_ = std::move(cp.ledger);
  version_ = cp.version;
  model_file_ = cp.model_file;
  rounds_ = cp.rounds;
  samples_at_last_round_ = cp.samples_at_last_round;
  published_loss_ = cp.published_loss;
  restart_pipeline();
}

void TrainerDaemon::save_checkpoint() {
  std::ostringstream out;
  out.precision(17);
  out << kCheckpointMagic << "\nversion = " << version_ << "\nmodel_file = " << (model_file_.empty() ? "none" : model_file_)
      << "\nrounds = " << rounds_ << "\nstore_size = " << store_.size() << "\nlog_size = " << log_.size()
      << "\nsamples_at_last_round = " << samples_at_last_round_ << "\npublished_loss = ";
  if (published_loss_) out << *published_loss_;
  else out << "none";
  out << "\nledger\n" << ledger_.serialize();
  write_file_atomically((fs::path(options_.state_dir) / "checkpoint").string(), out.str(), true);
}

void TrainerDaemon::ingest(SampleFeed& feed) {
  const double started = EventLog::now();
  std::vector<Sample> fresh;
  for (auto& s : feed.take())
    if (ledger_.insert(s.walker, s.sequence)) fresh.push_back(std::move(s));
  if (fresh.empty()) return;
  store_.append(format_samples(fresh));
  store_.sync();  // the store before the checkpoint that counts it
  for (auto& s : fresh) {
    data_.add(std::move(s.frame), 1.0, s.walker + ":" + std::to_string(s.sequence));
    keys_.push_back({s.walker, s.sequence, s.trial});
  }
  save_checkpoint();
  if (pipeline_)
    for (; queued_ < data_.size(); ++queued_) pipeline_->add(queued_, data_.frames[queued_]);
  const double ended = EventLog::now();
  events_->record("ingest", started, ended, "samples=" + std::to_string(fresh.size()));
  arrivals_.emplace_back(ended, data_.size());
  if (arrivals_.size() > 64) arrivals_.erase(arrivals_.begin());
}

}  // namespace slhmc::learning
