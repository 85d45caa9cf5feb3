// POSIX stream sockets (see socket.hpp).
#include "slhmc/io/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
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

namespace slhmc::net {

namespace {

std::string reason() { return std::strerror(errno); }

std::string where(const std::string& host, int port) { return host + ":" + std::to_string(port); }

// TCP_NODELAY: messages are small and latency matters more than packing.
void set_nodelay(int fd) {
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
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
    if (rc != 0) throw Error("cannot resolve " + where(host, port) + ": " + gai_strerror(rc));
  }
  ~Addresses() { freeaddrinfo(list); }
  Addresses(const Addresses&) = delete;
  Addresses& operator=(const Addresses&) = delete;
};

sockaddr_un unix_address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  if (path.size() >= sizeof a.sun_path)
    throw Error("the UNIX socket path " + path + " is longer than the system's limit of " +
                std::to_string(sizeof a.sun_path - 1) + " bytes");
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  return a;
}

int port_of(const sockaddr_storage& a) {
  return ntohs(a.ss_family == AF_INET6 ? reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port
                                       : reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
}

std::string describe_peer(const sockaddr_storage& a) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&a)->sin_addr, host, sizeof host);
  else if (a.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&a)->sin6_addr, host, sizeof host);
  return std::string(host) + ":" + std::to_string(a.ss_family == AF_INET || a.ss_family == AF_INET6 ? port_of(a) : 0);
}

}  // namespace

int milliseconds_until(Clock::time_point deadline, int cap_ms) {
  if (deadline == Clock::time_point::max()) return cap_ms;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(left, 0, cap_ms));
}

Socket listen_tcp(const std::string& host, int port, int* bound_port) {
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
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    getsockname(s.get(), reinterpret_cast<sockaddr*>(&bound), &len);
    if (bound_port) *bound_port = port_of(bound);
    return s;
  }
  throw Error("cannot listen on " + where(host, port) + ": " + why);
}

Socket listen_unix(const std::string& path) {
  const sockaddr_un a = unix_address(path);
  struct stat st{};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) throw Error(path + " exists and is not a socket; not removing it");
    // Stale unless someone answers.
    Socket probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0)
      throw Error("another server is listening on " + path + "; choose another name");
    ::unlink(path.c_str());
  }
  Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) throw Error("cannot create a UNIX socket: " + reason());
  if (::bind(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throw Error("cannot bind " + path + ": " + reason());
  if (::listen(s.get(), 128) != 0) throw Error("cannot listen on " + path + ": " + reason());
  return s;
}

Socket accept_connection(const Socket& listener, bool nonblocking, std::string* peer) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  Socket s(::accept4(listener.get(), reinterpret_cast<sockaddr*>(&a), &len,
                     SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0)));
  if (s.valid()) {
    if (a.ss_family == AF_INET || a.ss_family == AF_INET6) set_nodelay(s.get());
    if (peer) *peer = describe_peer(a);
  }
  return s;
}

Socket connect_tcp(const std::string& host, int port, Clock::time_point deadline) {
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
    set_nodelay(s.get());
    return s;
  }
  throw Error("cannot connect to " + where(host, port) + ": " + why);
}

Socket connect_unix(const std::string& path) {
  const sockaddr_un a = unix_address(path);
  Socket s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid() || ::connect(s.get(), reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0)
    throw Error("cannot connect to " + path + ": " + reason());
  return s;
}

void set_nonblocking(const Socket& socket, bool on) {
  const int flags = fcntl(socket.get(), F_GETFL, 0);
  fcntl(socket.get(), F_SETFL, on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK);
}

void enable_keepalive(const Socket& socket) {
  const int one = 1, idle = 60, interval = 10, count = 3;
  setsockopt(socket.get(), SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
  setsockopt(socket.get(), IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  setsockopt(socket.get(), IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  setsockopt(socket.get(), IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof count);
}

void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline, const WaitCheck& check) {
  while (!bytes.empty()) {
    const ssize_t sent = ::send(socket.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
      continue;
    }
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK) throw Error("sending failed: " + reason());
    pollfd p{socket.get(), POLLOUT, 0};
    const int rc = ::poll(&p, 1, milliseconds_until(deadline, 100));
    if (rc < 0 && errno != EINTR) throw Error("waiting on the socket failed: " + reason());
    if (rc == 0) {
      if (check) check();
      if (Clock::now() >= deadline) throw Error("the peer stopped reading (time limit)");
    }
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

}  // namespace slhmc::net
