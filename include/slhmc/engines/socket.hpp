// Sockets for the i-PI engines: UNIX sockets at /tmp/ipi_NAME and TCP
// (loopback by default, TCP_NODELAY), reads with a time limit, whole-message
// writes. Built on the shared POSIX layer (io/socket.hpp); errors are
// EngineError naming the address and the system's reason.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "slhmc/engines/ipi_message.hpp"
#include "slhmc/io/socket.hpp"

namespace slhmc::ipi {

// Where a server listens or a client connects.
struct SocketAddress {
  bool unix_socket = true;
  std::string name;                // UNIX: the socket is /tmp/ipi_<name>
  std::string host = "127.0.0.1";  // TCP
  int port = 31415;                // TCP; 0 when listening: any free port (see Listener::port)

  std::string unix_path() const { return "/tmp/ipi_" + name; }
  std::string describe() const;
  // "NAME" or "unix:NAME" → UNIX; "HOST:PORT" → TCP. Throws Error otherwise.
  static SocketAddress parse(const std::string& text);
};

// A file descriptor closed on destruction.
using Fd = net::Socket;

using Clock = net::Clock;

// Called while waiting (about every 100 ms); throws to abort the wait, e.g.
// when a launched client process has died.
using WaitCheck = net::WaitCheck;

// A listening socket. For UNIX sockets a stale file is removed only if nobody
// listens on it; the file is removed again on destruction.
class Listener {
 public:
  explicit Listener(SocketAddress address);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
  const SocketAddress& address() const { return address_; }  // with the real port for TCP port 0
  // The next client; EngineError when `deadline` passes first. TCP sockets get TCP_NODELAY.
  Fd accept(Clock::time_point deadline, const WaitCheck& check = {});

 private:
  SocketAddress address_;
  Fd fd_;
};

// Connects to a server (client side); TCP_NODELAY for TCP.
Fd connect_to(const SocketAddress& address);

// A connected socket as a buffered ByteSource whose reads fail after a deadline.
class SocketStream final : public ByteSource {
 public:
  explicit SocketStream(Fd fd) : fd_(std::move(fd)) {}
  void read_exact(void* data, std::size_t size) override;
  // Sends the whole buffer (one message, normally one write).
  void write_all(std::string_view bytes);
  // No deadline when time_point::max().
  void set_deadline(Clock::time_point deadline, WaitCheck check = {}) {
    deadline_ = deadline;
    check_ = std::move(check);
  }
  // Blocks until bytes arrive (false) or the peer has closed the connection (true).
  bool at_end();
  bool valid() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }

 private:
  // Fills the buffer with what has arrived, waiting (up to the deadline) if nothing has.
  void fill();

  Fd fd_;
  Clock::time_point deadline_ = Clock::time_point::max();
  WaitCheck check_;
  // Received bytes not yet consumed: messages are read number by number, so
  // reading straight from the socket would cost one system call per number.
  std::vector<char> buffer_ = std::vector<char>(1 << 16);
  std::size_t begin_ = 0, end_ = 0;
};

}  // namespace slhmc::ipi
