// POSIX stream sockets, the one layer under the i-PI engines and the TCP
// learning transport: TCP (host names or addresses, IPv4 or IPv6; TCP_NODELAY
// on every connection) and UNIX sockets; connecting, sending and waiting with
// deadlines. Errors are Error naming the address and the system's reason; the
// callers add who they are ("i-PI: ", "TCP transport: ").
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "slhmc/core/unique_fd.hpp"

namespace slhmc::net {

using Clock = std::chrono::steady_clock;
using Socket = UniqueFd;

// Called while waiting (about every 100 ms); throws to abort the wait.
using WaitCheck = std::function<void()>;

// Milliseconds from now to `deadline` (time_point::max(): no deadline), clamped to [0, cap_ms].
int milliseconds_until(Clock::time_point deadline, int cap_ms);

// A listening TCP socket on host:port (port 0: any free port; `bound_port` gets the real one).
// SO_REUSEADDR, so that a restarted server can listen on the same port at once. Blocking.
Socket listen_tcp(const std::string& host, int port, int* bound_port);
// A listening UNIX socket at `path`. A socket file already there is removed only if nobody
// answers on it (stale); anything else at `path` is refused. Blocking.
Socket listen_unix(const std::string& path);

// Accepts one pending connection, or returns an invalid Socket (errno tells why: EAGAIN when
// none is pending on a non-blocking listener). TCP connections get TCP_NODELAY; `peer` (if
// given) gets "host:port". `nonblocking`: the connection's mode.
Socket accept_connection(const Socket& listener, bool nonblocking, std::string* peer = nullptr);

// Connects to host:port before `deadline` (time_point::max(): as long as the system tries);
// TCP_NODELAY. The socket is left non-blocking.
Socket connect_tcp(const std::string& host, int port, Clock::time_point deadline);
// Connects to the UNIX socket at `path` (blocking).
Socket connect_unix(const std::string& path);

void set_nonblocking(const Socket& socket, bool on);
// Keepalive probes (after 60 s idle, every 10 s, 3 unanswered: about 90 s) find a peer whose
// machine vanished without closing the connection.
void enable_keepalive(const Socket& socket);

// Sends all bytes before `deadline` (a peer that stops reading cannot hold us past it), calling
// `check` while it waits.
void send_all(const Socket& socket, std::string_view bytes, Clock::time_point deadline, const WaitCheck& check = {});

// Waits until the socket is readable or `deadline` passes; true if readable (or closed/failed).
bool wait_readable(const Socket& socket, Clock::time_point deadline);

// Reads what is there (up to 1 MiB) without waiting into `out` (appended). Returns false when the
// peer closed the connection or it failed (`why` says which), true otherwise (possibly nothing read).
bool read_available(const Socket& socket, std::string& out, std::string* why);

}  // namespace slhmc::net
