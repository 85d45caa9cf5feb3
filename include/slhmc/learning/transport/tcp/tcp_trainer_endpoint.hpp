// The trainer's end of the TCP transport (docs/learning-tcp.md): listens on
// host:port (loopback unless told otherwise), serves any number of walkers at
// once from one I/O thread (poll), and is both the trainer's SampleFeed and
// its ModelPublisher.
//
// Samples: each (walker, sequence) is counted once, whatever a walker re-sends
// after a reconnect. A sample is acknowledged to its walker (which may then
// forget it) once the trainer has it in hand: when take() returns it, or, with
// acknowledge_on_take = false, when the trainer calls acknowledge() (e.g. after
// checkpointing what it took, so that a trainer crash loses nothing). A
// restarted trainer tells the endpoint what its checkpoint already holds with
// already_have(), so that re-sent samples are acknowledged but not counted.
//
// Models: publish() keeps the newest version (versions must increase); a
// walker asking for a version above its own gets it whole, otherwise "none".
//
// Bad input (garbage, oversized or corrupted messages, protocol violations)
// drops that connection only, with an error message to the peer and a line in
// take_problems(); the endpoint and the other walkers carry on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "slhmc/learning/transport/tcp/tcp_frame.hpp"
#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

struct TcpTrainerOptions {
  std::string host = "127.0.0.1";  // "0.0.0.0" or "::" to accept walkers from other machines
  int port = 0;                    // 0: any free port (see TcpTrainerEndpoint::port)
  std::uint64_t max_message_bytes = tcp::kDefaultMaxPayload;
  std::size_t max_connections = 1024;
  bool acknowledge_on_take = true;
};

class TcpTrainerEndpoint final : public SampleFeed, public ModelPublisher {
 public:
  // Listens at once; throws Error if it cannot (address in use, unknown host).
  explicit TcpTrainerEndpoint(TcpTrainerOptions options = {});
  ~TcpTrainerEndpoint() override;
  TcpTrainerEndpoint(const TcpTrainerEndpoint&) = delete;
  TcpTrainerEndpoint& operator=(const TcpTrainerEndpoint&) = delete;

  int port() const;  // the port listened on (the chosen one for port 0)

  std::vector<Sample> take() override;
  // Acknowledges every sample take() has returned so far (for acknowledge_on_take = false).
  void acknowledge();
  // Throws Error unless model.version is above the newest published one and the bytes are a valid
  // model of that version in their format.
  void publish(const PublishedModel& model) override;

  // Marks (walker, sequence) as already counted and acknowledged (a resumed trainer's checkpoint).
  void already_have(const std::string& walker, std::uint64_t sequence);
  // Connection problems since the last call (refused messages, dropped peers), one line each.
  std::vector<std::string> take_problems();
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace slhmc::learning
