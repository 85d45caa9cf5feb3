// The in-process trainer (see trainer_thread.hpp).
#include "slhmc/learning/trainer/trainer_thread.hpp"

#include <filesystem>
#include <map>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

TrainerThread::TrainerThread(TrainerDaemonOptions options, std::function<void(const std::string&)> on_message) {
  daemon_ = std::make_unique<TrainerDaemon>(std::move(options));
  daemon_->on_message = std::move(on_message);
  const fs::path models = fs::path(daemon_->state_dir()) / "models";
  std::map<std::uint64_t, std::string> files;  // model-vN.nnp by N: published in rising order
  for (const auto& entry : fs::directory_iterator(models)) {
    const std::string name = entry.path().filename().string();
    std::uint64_t version = 0;
    if (name.size() > 11 && name.rfind("model-v", 0) == 0 && entry.path().extension() == ".nnp" &&
        parse_count(name.substr(7, name.size() - 11), version))
      files[version] = entry.path().string();
  }
  // publish() checks that each text is a whole model of the version its name says.
  for (const auto& [version, path] : files) {
    const auto text = read_whole_file(path);
    if (!text) throw Error("cannot read '" + path + "'");
    transport_.publisher().publish({static_cast<long long>(version), *text});
  }
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
