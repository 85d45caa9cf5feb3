// The trainer's end of the TCP transport (see tcp_trainer_endpoint.hpp).
#include "slhmc/learning/transport/tcp/tcp_trainer_endpoint.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_message.hpp"
#include "slhmc/learning/transport/tcp/tcp_socket.hpp"
#include "slhmc/learning/model_lineage.hpp"

namespace slhmc::learning {

namespace {

using namespace tcp;

// Sequence numbers seen: everything below a watermark plus the few above it, so that memory
// stays small for gapless sequences however long a run is.
class SequenceSet {
 public:
  bool contains(std::uint64_t s) const { return s < below_ || above_.count(s) > 0; }
  void insert(std::uint64_t s) {
    if (contains(s)) return;
    above_.insert(s);
    while (!above_.empty() && *above_.begin() == below_) {
      above_.erase(above_.begin());
      ++below_;
    }
  }

 private:
  std::uint64_t below_ = 0;
  std::set<std::uint64_t> above_;
};

struct WalkerState {
  SequenceSet seen;           // counted (returned or to be returned by take())
  SequenceSet acknowledged;   // acknowledged to the walker
  std::uint64_t connection = 0;  // where acknowledgements go: the walker's latest connection
};

struct Connection {
  std::uint64_t id = 0;
  Socket socket;
  std::string peer;
  FrameDecoder decoder;
  std::string out;
  bool closing = false;  // drop once `out` (an error message) is sent or cannot be
};

constexpr std::size_t kMaxProblems = 1000;

}  // namespace

struct TcpTrainerEndpoint::Impl {
  TcpTrainerOptions options;
  Socket listener;
  int port = 0;
  int wake[2] = {-1, -1};
  std::atomic<bool> stop{false};
  std::atomic<std::size_t> connections{0};
  std::thread io;

  std::mutex mutex;  // guards everything below
  std::map<std::string, WalkerState> walkers;
  std::vector<Sample> arrived;
  std::map<std::string, std::vector<std::uint64_t>> taken_unacknowledged;
  std::vector<Ack> outbox;
  long long newest_version = -1;
  std::shared_ptr<const std::string> model_frame;  // the encoded model message
  std::deque<std::string> problems;

  void problem(const std::string& line) {
    std::lock_guard lock(mutex);
    if (problems.size() >= kMaxProblems) problems.pop_front();
    problems.push_back(line);
  }
  void wake_up() {
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(wake[1], &byte, 1);  // full pipe: a wake-up is pending anyway
  }
  void acknowledge_locked() {
    for (auto& [walker, sequences] : taken_unacknowledged) {
      WalkerState& w = walkers[walker];
      for (const std::uint64_t s : sequences) w.acknowledged.insert(s);
      outbox.push_back({walker, std::move(sequences)});
    }
    taken_unacknowledged.clear();
  }

  void run();
  void refuse(Connection& c, const std::string& why);
  void handle(Connection& c, Frame frame);
  void on_sample(Connection& c, const std::string& payload);
};

void TcpTrainerEndpoint::Impl::refuse(Connection& c, const std::string& why) {
  problem(why);
  try {
    c.out += encode_frame(FrameType::error, why.substr(0, 4000), options.max_message_bytes);
  } catch (const Error&) {
  }
  c.closing = true;
}

void TcpTrainerEndpoint::Impl::on_sample(Connection& c, const std::string& payload) {
  Sample s = decode_sample(payload, "sample from " + c.peer);
  std::lock_guard lock(mutex);
  WalkerState& w = walkers[s.walker];
  w.connection = c.id;
  if (!w.seen.contains(s.sequence)) {
    w.seen.insert(s.sequence);
    arrived.push_back(std::move(s));
  } else if (w.acknowledged.contains(s.sequence)) {
    // A re-send of what the walker did not hear acknowledged: acknowledge again, count once.
    c.out += encode_frame(FrameType::ack, encode_ack({s.walker, {s.sequence}}), options.max_message_bytes);
  }
  // else: counted but not yet acknowledged; the acknowledgement follows take()/acknowledge().
}

void TcpTrainerEndpoint::Impl::handle(Connection& c, Frame frame) {
  switch (frame.type) {
    case FrameType::sample:
      on_sample(c, frame.payload);
      return;
    case FrameType::model_request: {
      const long long current = decode_version(frame.payload, "model request from " + c.peer);
      std::shared_ptr<const std::string> model;
      {
        std::lock_guard lock(mutex);
        if (newest_version > current) model = model_frame;
      }
      c.out += model ? *model : encode_frame(FrameType::no_model, "", options.max_message_bytes);
      return;
    }
    case FrameType::error:
      problem("TCP transport: walker " + c.peer + " reported: " + frame.payload.substr(0, 4000));
      c.closing = true;
      return;
    default:
      refuse(c, "TCP transport: walker " + c.peer + " sent a " + frame_type_name(frame.type) +
                    " message, which only a trainer sends; dropping the connection");
  }
}

void TcpTrainerEndpoint::Impl::run() {
  std::map<std::uint64_t, Connection> conns;
  std::uint64_t next_id = 1;
  std::vector<pollfd> fds;
  std::vector<std::uint64_t> ids;
  while (!stop) {
    fds.clear();
    ids.clear();
    fds.push_back({wake[0], POLLIN, 0});
    fds.push_back({listener.get(), POLLIN, 0});
    for (auto& [id, c] : conns) {
      fds.push_back({c.socket.get(), static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), 0});
      ids.push_back(id);
    }
    if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) {
      problem(std::string("TCP transport: poll failed: ") + std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    if (fds[0].revents) {
      char drain[256];
      while (::read(wake[0], drain, sizeof drain) > 0) {
      }
    }
    if (stop) break;
    if (fds[1].revents) {
      for (;;) {
        std::string peer;
        Socket s = accept_from(listener, &peer);
        if (!s.valid()) break;
        Connection c{next_id++, std::move(s), peer, FrameDecoder("walker " + peer, options.max_message_bytes), "", false};
        if (conns.size() >= options.max_connections)
          refuse(c, "TCP transport: refusing walker " + peer + ": already " + std::to_string(conns.size()) +
                        " connections (the limit)");
        conns.emplace(c.id, std::move(c));
      }
    }
    for (std::size_t i = 0; i < ids.size(); ++i) {
      Connection& c = conns.at(ids[i]);
      if (c.closing || !(fds[i + 2].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      std::string bytes, why;
      const bool open = read_available(c.socket, bytes, &why);
      c.decoder.feed(bytes.data(), bytes.size());
      try {
        while (!c.closing) {
          std::optional<Frame> f = c.decoder.next();
          if (!f) break;
          handle(c, std::move(*f));
        }
      } catch (const Error& e) {
        refuse(c, e.what());
      }
      if (!open) {  // nobody to answer
        c.closing = true;
        c.out.clear();
      }
    }
    {
      std::lock_guard lock(mutex);
      for (const Ack& a : outbox) {
        const auto w = walkers.find(a.walker);
        const auto c = w == walkers.end() ? conns.end() : conns.find(w->second.connection);
        // No connection: the walker re-sends after reconnecting and is acknowledged then.
        if (c != conns.end() && !c->second.closing)
          c->second.out += encode_frame(FrameType::ack, encode_ack(a), options.max_message_bytes);
      }
      outbox.clear();
    }
    for (auto it = conns.begin(); it != conns.end();) {
      Connection& c = it->second;
      bool drop = false;
      if (!c.out.empty()) {
        const ssize_t sent = ::send(c.socket.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent > 0) {
          c.out.erase(0, static_cast<std::size_t>(sent));
        } else if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
          drop = true;
        } else if (c.closing) {
          drop = true;  // the error message is a courtesy; do not wait for a peer that does not read
        }
        // A walker that asks for models and never reads them must not fill our memory.
        if (c.out.size() > 2 * options.max_message_bytes + (1u << 20)) {
          problem("TCP transport: walker " + c.peer + " does not read its messages; dropping the connection");
          drop = true;
        }
      }
      if (c.closing && c.out.empty()) drop = true;
      if (drop) {
        it = conns.erase(it);
      } else {
        ++it;
      }
    }
    connections = conns.size();
  }
}

TcpTrainerEndpoint::TcpTrainerEndpoint(TcpTrainerOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  if (impl_->options.max_connections == 0) throw Error("TCP transport: max_connections must be at least 1");
  impl_->listener = listen_on(impl_->options.host, impl_->options.port, &impl_->port);
  if (::pipe2(impl_->wake, O_NONBLOCK | O_CLOEXEC) != 0)
    throw Error(std::string("TCP transport: cannot create a pipe: ") + std::strerror(errno));
  impl_->io = std::thread([impl = impl_.get()] { impl->run(); });
}

TcpTrainerEndpoint::~TcpTrainerEndpoint() {
  impl_->stop = true;
  impl_->wake_up();
  impl_->io.join();
  ::close(impl_->wake[0]);
  ::close(impl_->wake[1]);
}

int TcpTrainerEndpoint::port() const { return impl_->port; }

std::vector<Sample> TcpTrainerEndpoint::take() {
  std::vector<Sample> out;
  {
    std::lock_guard lock(impl_->mutex);
    out.swap(impl_->arrived);
    for (const Sample& s : out) impl_->taken_unacknowledged[s.walker].push_back(s.sequence);
    if (impl_->options.acknowledge_on_take) impl_->acknowledge_locked();
  }
  if (!out.empty()) impl_->wake_up();
  return out;
}

void TcpTrainerEndpoint::acknowledge() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->acknowledge_locked();
  }
  impl_->wake_up();
}

void TcpTrainerEndpoint::publish(const PublishedModel& model) {
  const std::string source = "model version " + std::to_string(model.version) + " to publish";
  check_published_model(model, "TCP transport: " + source);
  auto frame = std::make_shared<const std::string>(
      encode_frame(FrameType::model, encode_model(model), impl_->options.max_message_bytes));
  std::lock_guard lock(impl_->mutex);
  if (model.version <= impl_->newest_version)
    throw Error("TCP transport: cannot publish model version " + std::to_string(model.version) +
                ": version " + std::to_string(impl_->newest_version) + " is already published (versions must increase)");
  impl_->newest_version = model.version;
  impl_->model_frame = std::move(frame);
}

void TcpTrainerEndpoint::already_have(const std::string& walker, std::uint64_t sequence) {
  std::lock_guard lock(impl_->mutex);
  WalkerState& w = impl_->walkers[walker];
  w.seen.insert(sequence);
  w.acknowledged.insert(sequence);
}

std::vector<std::string> TcpTrainerEndpoint::take_problems() {
  std::lock_guard lock(impl_->mutex);
  std::vector<std::string> out(impl_->problems.begin(), impl_->problems.end());
  impl_->problems.clear();
  return out;
}

std::size_t TcpTrainerEndpoint::connection_count() const { return impl_->connections; }

}  // namespace slhmc::learning
