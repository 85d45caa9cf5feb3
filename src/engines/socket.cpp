// The i-PI engines' sockets (see socket.hpp) over the shared POSIX layer
// (io/socket.hpp): addresses, the listener, and the buffered message stream.
#include "slhmc/engines/socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <typeinfo>

#include "slhmc/core/error.hpp"

namespace slhmc::ipi {

namespace {

std::string system_reason() { return std::strerror(errno); }

// The shared layer's errors as the engines' own, named as i-PI's.
template <class F>
auto as_engine_error(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    if (typeid(e) != typeid(Error)) throw;  // a caller's check, or already the engines' own
    throw EngineError(std::string("i-PI: ") + e.what());
  }
}

}  // namespace

std::string SocketAddress::describe() const {
  return unix_socket ? "UNIX socket " + unix_path() : "TCP " + host + ":" + std::to_string(port);
}

SocketAddress SocketAddress::parse(const std::string& text) {
  SocketAddress a;
  if (text.rfind("unix:", 0) == 0) {
    a.name = text.substr(5);
  } else if (const auto colon = text.rfind(':'); colon != std::string::npos) {
    a.unix_socket = false;
    a.host = text.substr(0, colon);
    const std::string port = text.substr(colon + 1);
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 1 || p > 65535 || a.host.empty())
      throw Error("i-PI address '" + text + "': expected NAME (UNIX socket /tmp/ipi_NAME) or HOST:PORT");
    a.port = static_cast<int>(p);
  } else {
    a.name = text;
  }
  if (a.unix_socket && (a.name.empty() || a.name.find('/') != std::string::npos))
    throw Error("i-PI address '" + text + "': a UNIX socket name must be non-empty and without '/'");
  return a;
}

Listener::Listener(SocketAddress address) : address_(std::move(address)) {
  as_engine_error([&] {
    if (address_.unix_socket) fd_ = net::listen_unix(address_.unix_path());
    else fd_ = net::listen_tcp(address_.host, address_.port, &address_.port);
    return 0;
  });
}

Listener::~Listener() {
  fd_.reset();
  if (address_.unix_socket) ::unlink(address_.unix_path().c_str());
}

Fd Listener::accept(Clock::time_point deadline, const WaitCheck& check) {
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    const int rc = ::poll(&p, 1, net::milliseconds_until(deadline, 100));
    if (rc < 0 && errno != EINTR) throw EngineError("i-PI: waiting for a client failed: " + system_reason());
    if (rc > 0) {
      Fd client = net::accept_connection(fd_, false);
      if (client.valid()) return client;
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
        throw EngineError("i-PI: accepting a client failed: " + system_reason());
    }
    if (check) check();
    if (Clock::now() >= deadline)
      throw EngineError("i-PI: no client connected to " + address_.describe() + " within the time limit");
  }
}

Fd connect_to(const SocketAddress& address) {
  return as_engine_error([&] {
    if (address.unix_socket) return net::connect_unix(address.unix_path());
    Fd fd = net::connect_tcp(address.host, address.port, Clock::time_point::max());
    net::set_nonblocking(fd, false);  // SocketStream::at_end blocks
    return fd;
  });
}

void SocketStream::read_exact(void* data, std::size_t size) {
  auto* p = static_cast<char*>(data);
  while (size > 0) {
    if (begin_ == end_) fill();
    const std::size_t take = std::min(size, end_ - begin_);
    std::memcpy(p, buffer_.data() + begin_, take);
    begin_ += take;
    p += take;
    size -= take;
  }
}

void SocketStream::fill() {
  begin_ = end_ = 0;
  for (;;) {
    if (!fd_.valid()) throw EngineError("i-PI: the connection is closed");
    // Try first: when the answer is already there this costs one system call.
    const ssize_t got = ::recv(fd_.get(), buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (got > 0) {
      end_ = static_cast<std::size_t>(got);
      return;
    }
    if (got == 0) throw EngineError("i-PI: the peer closed the connection");
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) throw EngineError("i-PI: the peer closed the connection (reset)");
    if (errno != EAGAIN && errno != EWOULDBLOCK) throw EngineError("i-PI: reading from the socket failed: " + system_reason());
    pollfd pf{fd_.get(), POLLIN, 0};
    const int rc = ::poll(&pf, 1, net::milliseconds_until(deadline_, 100));
    if (rc < 0 && errno != EINTR) throw EngineError("i-PI: waiting on the socket failed: " + system_reason());
    if (rc == 0) {
      if (check_) check_();
      if (Clock::now() >= deadline_) throw EngineError("i-PI: no answer within the time limit");
    }
  }
}

bool SocketStream::at_end() {
  if (begin_ < end_) return false;
  for (;;) {
    const ssize_t got = ::recv(fd_.get(), buffer_.data(), buffer_.size(), 0);
    if (got > 0) {
      begin_ = 0;
      end_ = static_cast<std::size_t>(got);
      return false;
    }
    if (got == 0) return true;
    if (errno == EINTR) continue;
    if (errno == ECONNRESET) return true;
    throw EngineError("i-PI: reading from the socket failed: " + system_reason());
  }
}

void SocketStream::write_all(std::string_view bytes) {
  if (!fd_.valid()) throw EngineError("i-PI: the connection is closed");
  as_engine_error([&] {
    net::send_all(fd_, bytes, deadline_, check_);
    return 0;
  });
}

}  // namespace slhmc::ipi
