// The TCP transport as a plug-in: its [transport] keys (host, port), its
// walker end (a sample sink and a model source that reconnect by themselves;
// no bootstrap publishing) and its trainer end (the endpoint, acknowledging
// samples only once the trainer's checkpoint counts them).
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_trainer_endpoint.hpp"
#include "slhmc/learning/transport/tcp/tcp_walker.hpp"
#include "slhmc/learning/transport_registry.hpp"

namespace slhmc::learning {
namespace {

void read(const Config& t, const std::string&, TransportConfig& c) {
  c.host = t.get_string("host", c.host);
  const long port = t.get_int("port");
  if (port < 1 || port > 65535) throw ConfigError(t.key_path("port"), "must be a TCP port, 1..65535");
  c.port = static_cast<int>(port);
  if (t.has("path")) throw ConfigError(t.key_path("path"), "only for type = \"directory\"");
}

class Walker final : public WalkerTransport {
 public:
  explicit Walker(const TransportConfig& c) : config_(c) {}
  std::string description() const override {
    return "by `slhmc trainer` at " + config_.host + ":" + std::to_string(config_.port);
  }
  // A bootstrap model stays local (give walkers and trainer the same [training.model] init, or
  // let the trainer start).
  bool publishes_bootstrap() const override { return false; }
  void open(MessageSink) override {
    TcpWalkerOptions wo;
    wo.host = config_.host;
    wo.port = config_.port;
    // A trainer acknowledges after its checkpoint, which waits for its training round: the walker
    // does not wait for that; unacknowledged samples stay queued and are re-sent on reconnects.
    wo.flush_timeout = std::chrono::milliseconds(100);
    wo.poll_timeout = std::chrono::milliseconds(500);
    sink_ = std::make_unique<TcpSampleSink>(wo);
    source_ = std::make_unique<TcpModelSource>(wo);
  }
  SampleSink& sink() override { return *sink_; }
  ModelSource& source() override { return *source_; }

 private:
  TransportConfig config_;
  std::unique_ptr<TcpSampleSink> sink_;
  std::unique_ptr<TcpModelSource> source_;
};

TcpTrainerOptions trainer_options(const TransportConfig& c) {
  TcpTrainerOptions to;
  to.host = c.host;
  to.port = c.port;
  // Samples are acknowledged to the walkers only after the checkpoint that counts them: the
  // daemon checkpoints what one take() returned before it calls take() again.
  to.acknowledge_on_take = false;
  return to;
}

class Trainer final : public TrainerTransport, SampleFeed, ModelSource {
 public:
  Trainer(const TransportConfig& c, MessageSink report) : endpoint_(trainer_options(c)), host_(c.host), report_(std::move(report)) {}
  std::string description() const override { return "listening on " + host_ + ":" + std::to_string(endpoint_.port()); }
  SampleFeed& feed() override { return *this; }
  ModelPublisher& publisher() override { return endpoint_; }
  ModelSource& source() override { return *this; }

 private:
  std::vector<Sample> take() override {
    endpoint_.acknowledge();
    for (const auto& p : endpoint_.take_problems())
      if (report_) report_(p);
    return endpoint_.take();
  }
  // Over TCP only the trainer publishes.
  std::optional<PublishedModel> newer_than(long long, std::string*) override { return std::nullopt; }

  TcpTrainerEndpoint endpoint_;
  std::string host_;
  MessageSink report_;
};

TransportKind kind() {
  TransportKind k;
  k.name = "tcp";
  k.read = read;
  k.describe = [](const TransportConfig& c) { return "tcp " + c.host + ":" + std::to_string(c.port); };
  // Hosts differ legitimately (0.0.0.0 for the trainer, 127.0.0.1 for a walker).
  k.same = [](const TransportConfig& a, const TransportConfig& b) { return a.port == b.port; };
  k.default_state_dir = [](const TransportConfig&, const std::string& base_dir) {
    return resolve_shared_path(base_dir, "trainer-state");
  };
  k.walker = [](const TransportConfig& c, const WalkerSetup&) { return std::make_unique<Walker>(c); };
  k.trainer = [](const TransportConfig& c, const SampleLedger&, MessageSink report) {
    return std::make_unique<Trainer>(c, std::move(report));
  };
  return k;
}

const TransportRegistration reg(kind());

}  // namespace
}  // namespace slhmc::learning
