// The in-process transport as a plug-in: a walker's own trainer thread
// ([training] without [training.transport]). It has no keys and no trainer
// side of its own; the trainer reads the walker's [training] keys (and
// `device`) and keeps its state in <run directory>/trainer.
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/trainer/trainer_config.hpp"
#include "slhmc/learning/trainer/trainer_thread.hpp"
#include "slhmc/learning/transport_registry.hpp"

namespace slhmc::learning {
namespace {

void read(const Config& t, const std::string&, TransportConfig&) {
  for (const char* key : {"path", "host", "port"})
    if (t.has(key)) throw ConfigError(t.key_path(key), "not for type = \"in-process\"");
}

class Walker final : public WalkerTransport {
 public:
  explicit Walker(const WalkerSetup& s) : run_dir_(s.run_dir) {
    if (!s.training) throw Error("the in-process transport needs the walker's [training] table");
    const Config& training = *s.training;
    TrainerDaemonOptions& d = options_;
    d.state_dir = (std::filesystem::path(s.run_dir) / "trainer").string();
    d.stop_file.clear();
    d.poll_interval_s = 0.02;  // in memory: cheap to look
    // d.seed stays the default of `slhmc trainer` ([trainer] seed = 1): the same [training]
    // tables then train the same models in one process as in two.
    read_trainer_training(training, s.base_dir, d, {s.walker});
    d.train.device = training.get_choice("device", {"cpu", "cuda", "auto"}, "cpu");
    try {
      d.validate();
    } catch (const Error& e) {
      throw ConfigError(training.path(), e.what());
    }
  }
  std::string description() const override { return "by a trainer thread of this process"; }
  bool trains_here() const override { return true; }
  void open(MessageSink trainer_messages) override {
    trainer_ = std::make_unique<TrainerThread>(options_, std::move(trainer_messages));
  }
  SampleSink& sink() override { return trainer_->transport().sink(); }
  ModelSource& source() override { return trainer_->transport().source(); }
  SampleSink* bootstrap_sink() override { return &trainer_->transport().sink(); }
  ModelPublisher* publisher() override { return &trainer_->transport().publisher(); }
  std::string trainer_failure() const override { return trainer_ ? trainer_->failure() : ""; }
  void close() override {
    if (trainer_) trainer_->stop();
  }
  std::string summary() const override {
    if (!trainer_) return "";
    const TrainerDaemon& d = trainer_->daemon();
    return "in-process trainer: " + std::to_string(d.rounds()) + " round(s) on " + std::to_string(d.samples()) +
           " samples, model v" + std::to_string(d.version()) + " (state in " + run_dir_ + "/trainer/)\n";
  }

 private:
  std::string run_dir_;
  TrainerDaemonOptions options_;
  std::unique_ptr<TrainerThread> trainer_;
};

TransportKind kind() {
  TransportKind k;
  k.name = "in-process";
  k.walker_only = true;
  k.read = read;
  k.describe = [](const TransportConfig&) { return std::string("in-process"); };
  k.same = [](const TransportConfig&, const TransportConfig&) { return true; };
  k.default_state_dir = [](const TransportConfig&, const std::string& base_dir) {
    return resolve_shared_path(base_dir, "trainer-state");
  };
  k.walker = [](const TransportConfig&, const WalkerSetup& s) { return std::make_unique<Walker>(s); };
  k.trainer = [](const TransportConfig&, const SampleLedger&, MessageSink) -> std::unique_ptr<TrainerTransport> {
    throw Error("the in-process transport has no trainer of its own (it is a walker's trainer thread)");
  };
  return k;
}

const TransportRegistration reg(kind());

}  // namespace
}  // namespace slhmc::learning
