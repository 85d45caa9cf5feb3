// The TCP learning transport's connections over the shared POSIX layer
// (io/socket.hpp): every socket non-blocking, with TCP_NODELAY and keepalive
// (a vanished peer is found in about 90 s), and errors named as the
// transport's ("TCP transport: ...").
#pragma once

#include <string>
#include <string_view>

#include "slhmc/io/socket.hpp"

namespace slhmc::learning::tcp {

using Clock = net::Clock;
using Socket = net::Socket;
using net::milliseconds_until;
using net::read_available;
using net::wait_readable;

// A non-blocking listening socket on host:port (port 0: any free port; `bound_port` gets it).
// Throws Error.
Socket listen_on(const std::string& host, int port, int* bound_port);

// Accepts one pending connection, or an invalid Socket if none. `peer` gets "host:port".
Socket accept_from(const Socket& listener, std::string* peer);

// Connects before `deadline`. Throws Error naming the address and the reason (refused,
// unreachable, time limit).
Socket connect_to(const std::string& host, int port, Clock::time_point deadline);

// Sends all bytes before `deadline` (a peer that stops reading cannot hold us). Throws Error.
void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline);

}  // namespace slhmc::learning::tcp
