// The i-PI client side: slhmc's own potential (an NNP or any ForceProvider)
// served to i-PI or to ASE's SocketIOCalculator (`slhmc serve`). It answers
// STATUS in every state, accepts INIT at any time, computes as soon as
// POSDATA arrives (so i-PI 3.2's POSDATA+GETFORCE in one write works) and
// ends on EXIT or when the server closes the connection.
#pragma once

#include "slhmc/core/frame.hpp"
#include "slhmc/engines/ipi_message.hpp"
#include "slhmc/engines/socket.hpp"
#include "slhmc/forces/force_provider.hpp"

namespace slhmc::ipi {

struct ClientOptions {
  SocketAddress address;
  AtomicUnits units = AtomicUnits::codata2018();
  double connect_timeout_s = 30;  // keep trying to connect this long (the server may start later)
};

struct ClientSummary {
  long evaluations = 0;
  bool got_exit = false;  // false: the server closed the connection without EXIT (ASE does)
};

// Serves `provider` for frames like `shape` (same atoms in the same order:
// species, masses, periodicity; positions and cell come from the server).
// Throws EngineError on protocol errors (unknown header, wrong atom count, ...).
ClientSummary serve_ipi(ForceProvider& provider, const Frame& shape, const ClientOptions& options);

}  // namespace slhmc::ipi
