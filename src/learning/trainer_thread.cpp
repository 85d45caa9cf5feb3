// The in-process trainer (see trainer_thread.hpp).
#include "slhmc/learning/trainer_thread.hpp"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/native_model.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

TrainerThread::TrainerThread(TrainerDaemonOptions options, std::function<void(const std::string&)> on_message) {
  daemon_ = std::make_unique<TrainerDaemon>(std::move(options));
  daemon_->on_message = std::move(on_message);
  const fs::path models = fs::path(daemon_->state_dir()) / "models";
  std::map<long long, std::string> texts;  // by version: published in rising order
  for (const auto& entry : fs::directory_iterator(models)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("model-v", 0) != 0 || entry.path().extension() != ".nnp") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    texts[nnp::parse_native_model(text.str(), entry.path().string()).metadata.model_version] = text.str();
  }
  for (const auto& [version, text] : texts) transport_.publisher().publish({version, text});
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
