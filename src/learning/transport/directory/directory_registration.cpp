// The shared-directory transport as a plug-in: its [transport] keys (path),
// its walker end (a sample sink per walker and one for its bootstrap samples,
// the model source, and a publisher for a bootstrap model) and its trainer
// end (the shard feed, which reports refused shards as it meets them).
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/directory/directory_transport.hpp"
#include "slhmc/learning/transport_registry.hpp"

namespace slhmc::learning {
namespace {

namespace fs = std::filesystem;

void read(const Config& t, const std::string& base_dir, TransportConfig& c) {
  c.path = t.get_string("path");
  if (c.path.empty()) throw ConfigError(t.key_path("path"), "must name the shared directory");
  c.path = resolve_shared_path(base_dir, c.path);
  for (const char* key : {"host", "port"})
    if (t.has(key)) throw ConfigError(t.key_path(key), "only for type = \"tcp\"");
}

class Walker final : public WalkerTransport {
 public:
  Walker(std::string path, std::string walker) : path_(std::move(path)), walker_(std::move(walker)) {}
  std::string description() const override { return "by `slhmc trainer` through " + path_; }
  void open(MessageSink) override {
    sink_ = std::make_unique<DirectorySampleSink>(path_, walker_);
    source_ = std::make_unique<DirectoryModelSource>(path_);
    publisher_ = std::make_unique<DirectoryModelPublisher>(path_);
    bootstrap_ = std::make_unique<DirectorySampleSink>(path_, walker_ + "-bootstrap");
  }
  SampleSink& sink() override { return *sink_; }
  ModelSource& source() override { return *source_; }
  SampleSink* bootstrap_sink() override { return bootstrap_.get(); }
  ModelPublisher* publisher() override { return publisher_.get(); }

 private:
  std::string path_, walker_;
  std::unique_ptr<DirectorySampleSink> sink_, bootstrap_;
  std::unique_ptr<DirectoryModelSource> source_;
  std::unique_ptr<DirectoryModelPublisher> publisher_;
};

class Trainer final : public TrainerTransport, SampleFeed {
 public:
  Trainer(const std::string& path, const SampleLedger& counted, MessageSink report)
      : path_(path), feed_(path, counted), publisher_(path), source_(path), report_(std::move(report)) {}
  std::string description() const override { return path_; }
  SampleFeed& feed() override { return *this; }
  ModelPublisher& publisher() override { return publisher_; }
  ModelSource& source() override { return source_; }

 private:
  // Refused shards are reported as they are met (a shard still arriving is taken once complete).
  std::vector<Sample> take() override {
    auto samples = feed_.take();
    for (const auto& p : feed_.take_problems())
      if (report_) report_("skipped shard: " + p);
    return samples;
  }

  std::string path_;
  DirectorySampleFeed feed_;
  DirectoryModelPublisher publisher_;
  DirectoryModelSource source_;
  MessageSink report_;
};

TransportKind kind() {
  TransportKind k;
  k.name = "directory";
  k.read = read;
  k.describe = [](const TransportConfig& c) { return "directory " + c.path; };
  k.same = [](const TransportConfig& a, const TransportConfig& b) {
    return fs::weakly_canonical(a.path) == fs::weakly_canonical(b.path);
  };
  k.default_state_dir = [](const TransportConfig& c, const std::string&) {
    return (fs::path(c.path) / "trainer").string();
  };
  k.walker = [](const TransportConfig& c, const WalkerSetup& s) { return std::make_unique<Walker>(c.path, s.walker); };
  k.trainer = [](const TransportConfig& c, const SampleLedger& counted, MessageSink report) {
    return std::make_unique<Trainer>(c.path, counted, std::move(report));
  };
  return k;
}

const TransportRegistration reg(kind());

}  // namespace
}  // namespace slhmc::learning
