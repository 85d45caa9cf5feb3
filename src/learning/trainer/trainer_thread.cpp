// The in-process trainer (see trainer_thread.hpp).
#include "slhmc/learning/trainer/trainer_thread.hpp"

#include <filesystem>
#include <map>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/model_lineage.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

TrainerThread::TrainerThread(TrainerDaemonOptions options, std::function<void(const std::string&)> on_message) {
  daemon_ = std::make_unique<TrainerDaemon>(std::move(options));
  daemon_->on_message = std::move(on_message);
  // Published in rising order; publish() checks that each is a whole model of the version its name says.
  const ModelLineage lineage(daemon_->state_dir());
  for (const auto& [version, entry] : lineage.versions())
    if (auto model = lineage.read(entry, version)) transport_.publisher().publish(*model);
  thread_ = std::thread([this] {
    try {
      daemon_->run(transport_.feed(), transport_.publisher(), transport_.source(), [this] { return stop_.load(); });
    } catch (const std::exception& e) {
      const std::lock_guard lock(mutex_);
      failure_ = std::string("the in-process trainer stopped: ") + e.what();
      if (daemon_->on_message) daemon_->on_message(failure_);
    }
  });
}

TrainerThread::~TrainerThread() { stop(); }

void TrainerThread::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string TrainerThread::failure() const {
  const std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace slhmc::learning
