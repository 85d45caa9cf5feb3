// The walker's end of the TCP transport (docs/learning-tcp.md): TcpSampleSink
// sends samples to a TcpTrainerEndpoint and keeps each until the trainer
// acknowledges it; TcpModelSource asks the trainer for a model newer than the
// walker's. Both connect lazily and, when the connection drops or the trainer
// is away, reconnect with exponential backoff (initial × 2^k, at most
// backoff_max, with ±20 % jitter so that many walkers do not return at once).
// Neither uses a thread: all work happens inside push/flush/newer_than, so each
// object is meant for one thread (the walker's). A walker id should be used by
// one sink at a time: acknowledgements go to its latest connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "slhmc/learning/transport/tcp/tcp_frame.hpp"
#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

struct TcpWalkerOptions {
  std::string host = "127.0.0.1";  // the trainer's address
  int port = 0;                    // the trainer's port (required)
  std::chrono::milliseconds connect_timeout{1000};   // one connection attempt
  std::chrono::milliseconds send_timeout{2000};      // a trainer that stops reading drops the connection
  std::chrono::milliseconds poll_timeout{2000};      // the most newer_than() takes
  std::chrono::milliseconds flush_timeout{10000};    // the most flush() waits for acknowledgements
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  std::uint64_t max_message_bytes = tcp::kDefaultMaxPayload;
};

class TcpLink;

// push() sends at once when connected (or queues when the trainer is away) and never waits
// longer than connect_timeout + send_timeout. flush() waits up to flush_timeout for every queued
// sample to be acknowledged; samples still unacknowledged then stay queued and are re-sent after
// the next (re)connection: flush() does not throw for an absent trainer, it reports through
// unacknowledged() and last_problem(), so that a walker never stops for the trainer. The queue
// lives in memory: samples not yet acknowledged when the walker process dies are lost.
class TcpSampleSink final : public SampleSink {
 public:
  explicit TcpSampleSink(TcpWalkerOptions options);
  ~TcpSampleSink() override;
  void push(const Sample& sample) override;
  void flush() override;
  // flush() with its own time limit; true if every sample is acknowledged.
  bool flush_within(std::chrono::milliseconds limit);
  std::size_t unacknowledged() const;
  std::string last_problem() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// newer_than() connects if needed (unless the backoff says to wait: then it returns nothing at
// once), asks for a version above `current` and waits at most poll_timeout in all. A model is
// returned only after its format verified the bytes (check_published_model) and its own
// version matched the announced version above `current`; otherwise nothing, and `problem`
// says why.
class TcpModelSource final : public ModelSource {
 public:
  explicit TcpModelSource(TcpWalkerOptions options);
  ~TcpModelSource() override;
  std::optional<PublishedModel> newer_than(long long current, std::string* problem = nullptr) override;

 private:
  std::unique_ptr<TcpLink> link_;
  TcpWalkerOptions options_;
};

}  // namespace slhmc::learning
