// POSIX TCP helpers of the learning transport (see tcp_socket.hpp).
#include "slhmc/learning/transport/tcp/tcp_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "slhmc/core/error.hpp"

namespace slhmc::learning::tcp {

namespace {

std::string reason() { return std::strerror(errno); }

std::string where(const std::string& host, int port) { return host + ":" + std::to_string(port); }

void make_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK); }

// TCP_NODELAY: messages are small and latency matters more than packing. Keepalive probes
// (after 60 s idle, every 10 s, 3 unanswered: about 90 s) find a peer whose machine vanished
// without closing the connection, so that its slot is freed and a walker reconnects.
void configure_stream(int fd) {
  const int one = 1, idle = 60, interval = 10, count = 3;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

// getaddrinfo's list, freed on scope exit.
struct Addresses {
  addrinfo* list = nullptr;
  Addresses(const std::string& host, int port, bool passive) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    if (passive) hints.ai_flags = AI_PASSIVE;
    const int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &list);
    if (rc != 0) throw Error("TCP transport: cannot resolve " + where(host, port) + ": " + gai_strerror(rc));
  }
  ~Addresses() { freeaddrinfo(list); }
  Addresses(const Addresses&) = delete;
  Addresses& operator=(const Addresses&) = delete;
};

std::string describe_peer(const sockaddr_storage& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  int port = 0;
  if (a.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (a.ss_family == AF_INET6) {
    const auto* in = reinterpret_cast<const sockaddr_in6*>(&a);
    inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

}  // namespace

int milliseconds_until(Clock::time_point deadline, int cap_ms) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, cap_ms));
}

Socket listen_on(const std::string& host, int port, int* bound_port) {
  Addresses addresses(host, port, true);
  std::string why = "no address";
  for (addrinfo* ai = addresses.list; ai; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol));
    if (!s.valid()) {
      why = reason();
      continue;
    }
    const int one = 1;
    setsockopt(s.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(s.get(), ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(s.get(), 128) != 0) {
      why = reason();
      continue;
    }
    make_nonblocking(s.get());
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(s.get(), reinterpret_cast<sockaddr*>(&bound), &len);
    if (bound_port)
      *bound_port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                                      : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    return s;
  }
  throw Error("TCP transport: cannot listen on " + where(host, port) + ": " + why);
}

Socket accept_from(const Socket& listener, std::string* peer) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  Socket s(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&a), &len, SOCK_CLOEXEC | SOCK_NONBLOCK));
  if (s.valid()) {
    configure_stream(s.get());
    if (peer) *peer = describe_peer(a);
  }
  return s;
}

Socket connect_to(const std::string& host, int port, Clock::time_point deadline) {
  Addresses addresses(host, port, false);
  std::string why = "no address";
  for (addrinfo* ai = addresses.list; ai; ai = ai->ai_next) {
    Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol));
    if (!s.valid()) {
      why = reason();
      continue;
    }
    if (::connect(s.get(), ai->ai_addr, ai->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        why = reason();
        continue;
      }
      pollfd p{s.get(), POLLOUT, 0};
      int rc = 0;
      do {
        rc = ::poll(&p, 1, milliseconds_until(deadline, 100));
      } while ((rc == 0 && Clock::now() < deadline) || (rc < 0 && errno == EINTR));
      if (rc <= 0) {
        why = "no answer within the time limit";
        continue;
      }
      int error = 0;
      socklen_t len = sizeof error;
      getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &error, &len);
      if (error != 0) {
        why = std::strerror(error);
        continue;
      }
    }
    configure_stream(s.get());
    return s;
  }
  throw Error("TCP transport: cannot connect to the trainer at " + where(host, port) + ": " + why);
}

void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
      throw Error("TCP transport: sending failed: " + reason());
    if (Clock::now() >= deadline) throw Error("TCP transport: the peer stopped reading (time limit)");
    pollfd p{socket.get(), POLLOUT, 0};
    ::poll(&p, 1, milliseconds_until(deadline, 100));
  }
}

bool wait_readable(const Socket& socket, Clock::time_point deadline) {
  for (;;) {
    pollfd p{socket.get(), POLLIN, 0};
    const int rc = ::poll(&p, 1, milliseconds_until(deadline, 100));
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return true;  // the next read reports the failure
    if (Clock::now() >= deadline) return false;
  }
}

bool read_available(const Socket& socket, std::string& out, std::string* why) {
  char buffer[65536];
  // At most 16 reads per call, so that a peer that never stops sending cannot starve the others.
  for (int reads = 0; reads < 16; ++reads) {
    const ssize_t got = ::recv(socket.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (got > 0) {
      out.append(buffer, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) {
      if (why) *why = "the peer closed the connection";
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return true;
    if (why) *why = reason();
    return false;
  }
  return true;
}

}  // namespace slhmc::learning::tcp
