// Small POSIX TCP helpers for the learning transport: non-blocking sockets,
// connect and send with a deadline, TCP_NODELAY and keepalive on every
// connection. The engines' i-PI sockets are blocking with other errors; only the
// descriptor handle (core/unique_fd.hpp) is shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "slhmc/core/unique_fd.hpp"

namespace slhmc::learning::tcp {

using Clock = std::chrono::steady_clock;

using Socket = UniqueFd;

// A non-blocking listening socket on host:port (port 0: any free port; `bound_port` gets it).
// SO_REUSEADDR, so that a restarted trainer can listen on the same port at once. Throws Error.
Socket listen_on(const std::string& host, int port, int* bound_port);

// Accepts one pending connection (non-blocking, TCP_NODELAY, keepalive), or an invalid Socket if none.
// `peer` gets "host:port".
Socket accept_from(const Socket& listener, std::string* peer);

// Connects before `deadline`; the socket is non-blocking with TCP_NODELAY and keepalive. Throws Error naming
// the address and the reason (refused, unreachable, time limit).
Socket connect_to(const std::string& host, int port, Clock::time_point deadline);

// Sends all bytes before `deadline` (a peer that stops reading cannot hold us). Throws Error.
void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline);

// Waits until the socket is readable or `deadline` passes; true if readable (or closed/failed).
bool wait_readable(const Socket& socket, Clock::time_point deadline);

// Reads what is there (up to 1 MiB) without waiting into `out` (appended). Returns false when the peer closed
// the connection or it failed (`why` says which), true otherwise (possibly with nothing read).
bool read_available(const Socket& socket, std::string& out, std::string* why);

// Milliseconds from now to `deadline`, clamped to [0, cap_ms].
int milliseconds_until(Clock::time_point deadline, int cap_ms);

}  // namespace slhmc::learning::tcp
