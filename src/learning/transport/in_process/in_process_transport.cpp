// The in-process transport (see in_process_transport.hpp).
#include "slhmc/learning/transport/in_process/in_process_transport.hpp"

#include "slhmc/core/error.hpp"
#include "slhmc/learning/model_lineage.hpp"

namespace slhmc::learning {

InProcessTransport::InProcessTransport() {
  sink_.t = source_.t = feed_.t = publisher_.t = this;
}

void InProcessTransport::Sink::push(const Sample& sample) {
  const std::lock_guard lock(t->mutex_);
  t->queue_.push_back(sample);
}

std::vector<Sample> InProcessTransport::Feed::take() {
  const std::lock_guard lock(t->mutex_);
  std::vector<Sample> out;
  for (auto& s : t->queue_)
    if (t->ledger_.insert(s.walker, s.sequence)) out.push_back(std::move(s));
  t->queue_.clear();
  return out;
}

void InProcessTransport::Publisher::publish(const PublishedModel& model) {
  // Checked before it is shared, like a file a walker would read: a walker never sees a bad model.
  check_published_model(model, "cannot publish model version " + std::to_string(model.version));
  const std::lock_guard lock(t->mutex_);
  if (!t->models_.empty() && model.version <= t->models_.rbegin()->first)
    throw Error("cannot publish model version " + std::to_string(model.version) + ": version " +
                std::to_string(t->models_.rbegin()->first) + " is already published");
  t->models_[model.version] = model;
}

std::optional<PublishedModel> InProcessTransport::Source::newer_than(long long current, std::string*) {
  const std::lock_guard lock(t->mutex_);
  if (t->models_.empty() || t->models_.rbegin()->first <= current) return std::nullopt;
  return t->models_.rbegin()->second;
}

std::optional<PublishedModel> InProcessTransport::Source::exactly(long long version, std::string*) {
  const std::lock_guard lock(t->mutex_);
  const auto it = t->models_.find(version);
  if (it == t->models_.end()) return std::nullopt;
  return it->second;
}

}  // namespace slhmc::learning
