// The in-process transport: walkers and a trainer thread in one process share a
// sample queue and a model slot behind a mutex. The same four doors as the
// other transports, so a trainer loop does not care where its samples come from.
#pragma once

#include <deque>
#include <map>
#include <mutex>
#include <optional>

#include "slhmc/learning/sample_ledger.hpp"
#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

class InProcessTransport {
 public:
  InProcessTransport();
  InProcessTransport(const InProcessTransport&) = delete;
  InProcessTransport& operator=(const InProcessTransport&) = delete;

  // Thread-safe; the objects live as long as the transport.
  SampleSink& sink() { return sink_; }
  ModelSource& source() { return source_; }
  SampleFeed& feed() { return feed_; }
  ModelPublisher& publisher() { return publisher_; }

 private:
  struct Sink : SampleSink {
    InProcessTransport* t;
    void push(const Sample& sample) override;
    void flush() override {}  // push() already delivered it
  };
  struct Source : ModelSource {
    InProcessTransport* t;
    std::optional<PublishedModel> newer_than(long long current, std::string* problem = nullptr) override;
    std::optional<PublishedModel> exactly(long long version, std::string* problem = nullptr) override;
  };
  struct Feed : SampleFeed {
    InProcessTransport* t;
    std::vector<Sample> take() override;
  };
  struct Publisher : ModelPublisher {
    InProcessTransport* t;
    void publish(const PublishedModel& model) override;
  };

  std::mutex mutex_;
  std::deque<Sample> queue_;
  SampleLedger ledger_;  // drops repeats, as every feed does
  std::map<long long, PublishedModel> models_;  // every version published (they are small)
  Sink sink_;
  Source source_;
  Feed feed_;
  Publisher publisher_;
};

}  // namespace slhmc::learning
