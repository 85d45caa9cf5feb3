// The TCP learning transport's connections (see tcp_socket.hpp).
#include "slhmc/learning/transport/tcp/tcp_socket.hpp"

#include "slhmc/core/error.hpp"

namespace slhmc::learning::tcp {

namespace {

template <class F>
auto named(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Error& e) {
    throw Error(std::string("TCP transport: ") + e.what());
  }
}

}  // namespace

Socket listen_on(const std::string& host, int port, int* bound_port) {
  return named([&] {
    Socket s = net::listen_tcp(host, port, bound_port);
    net::set_nonblocking(s, true);
    return s;
  });
}

Socket accept_from(const Socket& listener, std::string* peer) {
  Socket s = net::accept_connection(listener, true, peer);
  if (s.valid()) net::enable_keepalive(s);
  return s;
}

Socket connect_to(const std::string& host, int port, Clock::time_point deadline) {
  return named([&] {
    Socket s = net::connect_tcp(host, port, deadline);
    net::enable_keepalive(s);
    return s;
  });
}

void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline) {
  named([&] {
    net::send_all(socket, bytes, deadline);
    return 0;
  });
}

}  // namespace slhmc::learning::tcp
