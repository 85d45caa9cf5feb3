// One walker-side connection to the trainer with reconnect and backoff, shared
// by TcpSampleSink and TcpModelSource (see tcp_walker.hpp).
#pragma once

#include <optional>
#include <random>
#include <string>

#include "slhmc/learning/transport/tcp/tcp_frame.hpp"
#include "slhmc/learning/transport/tcp/tcp_socket.hpp"
#include "slhmc/learning/transport/tcp/tcp_walker.hpp"

namespace slhmc::learning {

class TcpLink {
 public:
  TcpLink(const TcpWalkerOptions& options, std::string role);
  // True if connected, trying once when the backoff allows (the attempt ends by `deadline` at
  // the latest); false with last_problem() otherwise.
  bool ensure_connected(tcp::Clock::time_point deadline);
  bool connected() const { return socket_.valid(); }
  // Counts connections made: what was sent under an older generation must be sent again.
  std::uint64_t generation() const { return generation_; }
  tcp::Clock::time_point next_attempt() const { return next_attempt_; }
  void drop(const std::string& why);
  // False (and the connection dropped) if the frame could not be sent.
  bool send(const std::string& frame);
  // The next frame received before `deadline` (now: only what is already there), or nothing on
  // timeout or when the connection dropped (connected() then false). An error message from
  // the trainer drops the connection and becomes last_problem().
  std::optional<tcp::Frame> receive(tcp::Clock::time_point deadline);
  const std::string& last_problem() const { return problem_; }
  const std::string& describe() const { return where_; }

 private:
  void close_socket(const std::string& why);  // keeps the decoder's frames for receive()

  TcpWalkerOptions options_;
  std::string role_;
  std::string where_;
  tcp::Socket socket_;
  std::optional<tcp::FrameDecoder> decoder_;
  std::uint64_t generation_ = 0;
  std::chrono::milliseconds backoff_{0};
  tcp::Clock::time_point next_attempt_{};
  std::string problem_;
  std::minstd_rand jitter_;
};

}  // namespace slhmc::learning
