// The deterministic schedule of a TrainerDaemon (see trainer_daemon.hpp): the
// marks its models carry, whether every walker has passed a round's last
// trial, and the fixed order of a round's samples.
#include <algorithm>
#include <filesystem>
#include <tuple>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/trainer/trainer_daemon.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

std::optional<std::uint64_t> schedule_mark(const nnp::ModelDescription& model, const char* key, const std::string& source) {
  const auto it = model.marks.find(key);
  if (it == model.marks.end()) return std::nullopt;
  std::uint64_t value = 0;
  if (!parse_count(it->second, value)) throw Error(source + ": bad " + key + " '" + it->second + "'");
  return value;
}

std::uint64_t TrainerDaemon::model_round() const {
  if (model_file_.empty()) return 0;
  if (round_of_.first != model_file_) {
    const std::string path = (fs::path(options_.state_dir) / model_file_).string();
    const PublishedModel model = read_model_file(path);
    round_of_ = {model_file_, schedule_mark(nnp::describe_model_bytes(model.format, model.bytes, path), kScheduleRound, path)
                                  .value_or(0)};
  }
  return round_of_.second;
}

bool TrainerDaemon::walkers_passed(std::uint64_t through) const {
  // A walker has passed `through` once a sample of a later trial is in its unbroken run from
  // sequence 0: everything it evaluated up to `through` is then here.
  for (const auto& w : options_.walkers) {
    const std::uint64_t run = ledger_.contiguous(w);
    bool passed = false;
    for (const auto& k : keys_) passed = passed || (k.walker == w && k.sequence < run && k.trial > through);
    if (!passed) return false;
  }
  return true;
}

std::vector<std::size_t> TrainerDaemon::scheduled_set(std::uint64_t through) const {
  struct Ranked {
    std::uint64_t trial;
    std::size_t walker;
    int bootstrap_last;
    std::uint64_t sequence;
    std::size_t index;
  };
  std::vector<Ranked> chosen;
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const SampleKey& k = keys_[i];
    for (std::size_t w = 0; w < options_.walkers.size(); ++w) {
      const std::string& id = options_.walkers[w];
      if (k.walker == id && k.trial <= through) chosen.push_back({k.trial, w, 1, k.sequence, i});
      else if (k.walker == id + "-bootstrap") chosen.push_back({0, w, 0, k.sequence, i});
    }
  }
  // Ordered by trial first, so each round's set extends the previous one (its features are cached).
  std::sort(chosen.begin(), chosen.end(), [](const Ranked& a, const Ranked& b) {
    return std::tie(a.trial, a.walker, a.bootstrap_last, a.sequence) <
           std::tie(b.trial, b.walker, b.bootstrap_last, b.sequence);
  });
  std::vector<std::size_t> order;
  for (const auto& c : chosen) order.push_back(c.index);
  return order;
}

}  // namespace slhmc::learning
