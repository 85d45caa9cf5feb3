// Walker-side connection with reconnect and backoff (see tcp_link.hpp).
#include "tcp_link.hpp"

#include <algorithm>
#include <chrono>

#include "slhmc/core/error.hpp"

namespace slhmc::learning {

using namespace tcp;

TcpLink::TcpLink(const TcpWalkerOptions& options, std::string role)
    : options_(options),
      role_(std::move(role)),
      where_("trainer " + options.host + ":" + std::to_string(options.port)),
      jitter_(static_cast<unsigned>(Clock::now().time_since_epoch().count() ^ reinterpret_cast<std::uintptr_t>(this))) {
  if (options_.port < 1 || options_.port > 65535)
    throw Error("TCP transport: the trainer's port must be 1..65535, got " + std::to_string(options_.port));
  if (options_.backoff_initial.count() <= 0 || options_.backoff_max < options_.backoff_initial)
    throw Error("TCP transport: the backoff needs 0 < backoff_initial <= backoff_max");
}

bool TcpLink::ensure_connected(Clock::time_point deadline) {
  if (socket_.valid()) return true;
  const auto now = Clock::now();
  if (now < next_attempt_) return false;  // last_problem() still says why
  try {
    socket_ = connect_to(options_.host, options_.port, std::min(deadline, now + options_.connect_timeout));
  } catch (const Error& e) {
    // Exponential backoff, bounded, with jitter of ±20 %.
    backoff_ = backoff_.count() == 0 ? options_.backoff_initial : std::min(2 * backoff_, options_.backoff_max);
    const double f = std::uniform_real_distribution<double>(0.8, 1.2)(jitter_);
    const auto wait = std::chrono::milliseconds(static_cast<long long>(f * static_cast<double>(backoff_.count())));
    next_attempt_ = Clock::now() + wait;
    problem_ = std::string(e.what()) + " (" + role_ + "; next attempt in " + std::to_string(wait.count()) + " ms)";
    return false;
  }
  decoder_.emplace(where_, options_.max_message_bytes);
  ++generation_;
  backoff_ = std::chrono::milliseconds(0);
  return true;
}

void TcpLink::drop(const std::string& why) {
  close_socket(why);
  decoder_.reset();
}

void TcpLink::close_socket(const std::string& why) {
  if (!socket_.valid()) return;
  socket_.reset();
  problem_ = "TCP transport: " + role_ + ": lost the connection to the " + where_ + ": " + why;
  // A trainer that accepts and drops at once must not be hammered: wait the initial backoff.
  next_attempt_ = Clock::now() + options_.backoff_initial;
}

bool TcpLink::send(const std::string& frame) {
  if (!socket_.valid()) return false;
  try {
    send_all(socket_, frame, Clock::now() + options_.send_timeout);
    return true;
  } catch (const Error& e) {
    drop(e.what());
    return false;
  }
}

std::optional<Frame> TcpLink::receive(Clock::time_point deadline) {
  for (;;) {
    // Frames that arrived before a close are still served, then the close is reported.
    if (decoder_) {
      try {
        if (std::optional<Frame> f = decoder_->next()) {
          if (f->type != FrameType::error) return f;
          drop("the trainer refused us: " + f->payload.substr(0, 4000));
          return std::nullopt;
        }
      } catch (const FrameError& e) {
        drop(e.what());
        return std::nullopt;
      }
    }
    if (!socket_.valid()) {
      decoder_.reset();
      return std::nullopt;
    }
    if (!wait_readable(socket_, deadline)) return std::nullopt;
    std::string bytes, why;
    const bool open = read_available(socket_, bytes, &why);
    decoder_->feed(bytes.data(), bytes.size());
    if (!open) close_socket(why);
  }
}

}  // namespace slhmc::learning
