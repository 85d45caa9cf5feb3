// POSIX sockets for the i-PI engines (see socket.hpp).
#include "slhmc/engines/socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "slhmc/core/error.hpp"

namespace slhmc::ipi {

namespace {

std::string system_reason() { return std::strerror(errno); }

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path)
    throw Error("i-PI: the UNIX socket path " + path + " is longer than the system's limit of " +
                std::to_string(sizeof a.sun_path - 1) + " bytes");
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

addrinfo* resolve(const SocketAddress& address, bool passive) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (passive) hints.ai_flags = AI_PASSIVE;
  addrinfo* list = nullptr;
  const std::string port = std::to_string(address.port);
  const int rc = getaddrinfo(address.host.c_str(), port.c_str(), &hints, &list);
  if (rc != 0) throw EngineError("i-PI: cannot resolve " + address.describe() + ": " + gai_strerror(rc));
  return list;
}

void set_nodelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

// Milliseconds left until `deadline`, at most `slice`.
int poll_slice(Clock::time_point deadline, int slice_ms) {
  if (deadline == Clock::time_point::max()) return slice_ms;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, slice_ms));
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
  if (address_.unix_socket) {
    const std::string path = address_.unix_path();
    const sockaddr_un a = unix_address(path);
    struct stat st{};
    if (lstat(path.c_str(), &st) == 0) {
      if (!S_ISSOCK(st.st_mode)) throw EngineError("i-PI: " + path + " exists and is not a socket; not removing it");
      // Stale unless someone answers.
      Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
      if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0)
        throw EngineError("i-PI: another server is listening on " + path + "; choose another name");
      ::unlink(path.c_str());
    }
    fd_ = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd_.valid()) throw EngineError("i-PI: cannot create a UNIX socket: " + system_reason());
    if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
      throw EngineError("i-PI: cannot bind " + path + ": " + system_reason());
  } else {
    addrinfo* list = resolve(address_, true);
    std::string reason = "no address";
    for (addrinfo* ai = list; ai; ai = ai->ai_next) {
      Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
      if (!fd.valid()) continue;
      const int one = 1;
      setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (::bind(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
        fd_ = std::move(fd);
        break;
      }
      reason = system_reason();
    }
    freeaddrinfo(list);
    if (!fd_.valid()) throw EngineError("i-PI: cannot bind " + address_.describe() + ": " + reason);
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&bound), &len);
    address_.port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }
  if (::listen(fd_.get(), 64) != 0) throw EngineError("i-PI: cannot listen on " + address_.describe() + ": " + system_reason());
}

Listener::~Listener() {
  fd_.reset();
  if (address_.unix_socket) ::unlink(address_.unix_path().c_str());
}

Fd Listener::accept(Clock::time_point deadline, const WaitCheck& check) {
  for (;;) {
    pollfd p{fd_.get(), POLLIN, 0};
    const int rc = ::poll(&p, 1, poll_slice(deadline, 100));
    if (rc < 0 && errno != EINTR) throw EngineError("i-PI: waiting for a client failed: " + system_reason());
    if (rc > 0) {
      Fd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (client.valid()) {
        if (!address_.unix_socket) set_nodelay(client.get());
        return client;
      }
      if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED)
        throw EngineError("i-PI: accepting a client failed: " + system_reason());
    }
    if (check) check();
    if (Clock::now() >= deadline)
      throw EngineError("i-PI: no client connected to " + address_.describe() + " within the time limit");
  }
}

Fd connect_to(const SocketAddress& address) {
  if (address.unix_socket) {
    const std::string path = address.unix_path();
    const sockaddr_un a = unix_address(path);
    Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
      throw EngineError("i-PI: cannot connect to " + path + ": " + system_reason());
    return fd;
  }
  addrinfo* list = resolve(address, false);
  std::string reason = "no address";
  Fd out;
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    Fd fd(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (fd.valid() && ::connect(fd.get(), ai->ai_addr, ai->ai_addrlen) == 0) {
      out = std::move(fd);
      break;
    }
    reason = system_reason();
  }
  freeaddrinfo(list);
  if (!out.valid()) throw EngineError("i-PI: cannot connect to " + address.describe() + ": " + reason);
  set_nodelay(out.get());
  return out;
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
    const int rc = ::poll(&pf, 1, poll_slice(deadline_, 100));
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
  while (!bytes.empty()) {
    if (!fd_.valid()) throw EngineError("i-PI: the connection is closed");
    const ssize_t sent = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        throw EngineError("i-PI: writing to the socket failed: " + system_reason());
      // A peer that stops reading must not block us past the deadline.
      pollfd pf{fd_.get(), POLLOUT, 0};
      const int rc = ::poll(&pf, 1, poll_slice(deadline_, 100));
      if (rc < 0 && errno != EINTR) throw EngineError("i-PI: waiting on the socket failed: " + system_reason());
      if (rc == 0) {
        if (check_) check_();
        if (Clock::now() >= deadline_) throw EngineError("i-PI: the peer stopped reading (time limit)");
      }
      continue;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
}

}  // namespace slhmc::ipi
