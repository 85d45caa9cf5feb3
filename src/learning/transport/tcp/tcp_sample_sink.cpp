// Walker side of the TCP transport: samples (see tcp_walker.hpp).
#include <map>
#include <thread>
#include <utility>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_message.hpp"
#include "slhmc/learning/transport/tcp/tcp_walker.hpp"
#include "tcp_link.hpp"

namespace slhmc::learning {

using namespace tcp;

namespace {

struct Pending {
  std::string frame;               // the encoded sample message
  std::uint64_t sent_generation = 0;  // the connection it was last sent on (0: never)
};

}  // namespace

struct TcpSampleSink::Impl {
  TcpWalkerOptions options;
  TcpLink link;
  std::map<std::pair<std::string, std::uint64_t>, Pending> pending;  // unacknowledged, by (walker, sequence)

  explicit Impl(TcpWalkerOptions o) : options(std::move(o)), link(options, "sample sink") {}

  void on_frame(const Frame& f) {
    if (f.type != FrameType::ack) {
      link.drop(std::string("unexpected ") + frame_type_name(f.type) + " message from the trainer");
      return;
    }
    try {
      const Ack ack = decode_ack(f.payload, link.describe());
      for (const std::uint64_t s : ack.sequences) pending.erase({ack.walker, s});
    } catch (const Error& e) {
      link.drop(e.what());
    }
  }

  // Connects if allowed, sends what this connection has not carried yet and takes the
  // acknowledgements that are already there; never waits beyond the connection and send limits.
  void pump() {
    if (pending.empty() || !link.ensure_connected(Clock::now() + options.connect_timeout)) return;
    for (auto& [key, p] : pending) {
      if (p.sent_generation == link.generation()) continue;
      if (!link.send(p.frame)) return;
      p.sent_generation = link.generation();
    }
    while (std::optional<Frame> f = link.receive(Clock::now())) on_frame(*f);
  }
};

TcpSampleSink::TcpSampleSink(TcpWalkerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

TcpSampleSink::~TcpSampleSink() = default;

void TcpSampleSink::push(const Sample& sample) {
  Pending p{encode_frame(FrameType::sample, encode_sample(sample), impl_->options.max_message_bytes), 0};
  impl_->pending[{sample.walker, sample.sequence}] = std::move(p);
  impl_->pump();
}

void TcpSampleSink::flush() { flush_within(impl_->options.flush_timeout); }

bool TcpSampleSink::flush_within(std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  for (;;) {
    impl_->pump();
    if (impl_->pending.empty()) return true;
    const auto now = Clock::now();
    if (now >= deadline) return false;
    if (impl_->link.connected()) {
      if (std::optional<Frame> f = impl_->link.receive(std::min(deadline, now + std::chrono::milliseconds(100))))
        impl_->on_frame(*f);
    } else {
      std::this_thread::sleep_until(std::min(deadline, std::max(impl_->link.next_attempt(), now + std::chrono::milliseconds(1))));
    }
  }
}

std::size_t TcpSampleSink::unacknowledged() const { return impl_->pending.size(); }

std::string TcpSampleSink::last_problem() const { return impl_->link.last_problem(); }

}  // namespace slhmc::learning
