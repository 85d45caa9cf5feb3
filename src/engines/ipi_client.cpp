// The i-PI client loop (see ipi_client.hpp).
#include "slhmc/engines/ipi_client.hpp"

#include <cstdlib>
#include <string>
#include <thread>

#include "slhmc/core/error.hpp"

namespace slhmc::ipi {

namespace {

SocketStream connect_with_patience(const ClientOptions& o) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                           std::chrono::duration<double>(o.connect_timeout_s));
  for (;;) {
    try {
      return SocketStream(connect_to(o.address));
    } catch (const EngineError&) {
      if (Clock::now() >= deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

// The answer to one POSDATA, encoded and ready to send on GETFORCE.
std::string evaluate(ForceProvider& provider, const Frame& shape, const PosData& d, const AtomicUnits& units) {
  Frame frame = shape;
  frame.positions = d.positions;
  try {
    frame.cell = Cell(d.cell_rows, shape.cell.pbc());
  } catch (const Error& e) {
    throw EngineError(std::string("i-PI: the server's cell does not fit this periodic system: ") + e.what());
  }
  ComputeRequest request;
  request.virial = frame.cell.any_periodic();
  const ComputeResult r = provider.compute(frame, request);
  if (r.forces.size() != frame.size())
    throw EngineError("i-PI client: the potential returned " + std::to_string(r.forces.size()) + " forces for " +
                      std::to_string(frame.size()) + " atoms");
  return encode_forceready(r.energy, r.forces, r.has_virial ? r.virial : Mat3{}, r.extras, units);
}

// i-PI 3.3 announces batched evaluation ("batch_size:N" in the INIT text) and
// then sends N structures per POSDATA, a layout this client does not read.
void refuse_batches(const std::string& init_text) {
  const auto pos = init_text.find("batch_size:");
  if (pos == std::string::npos) return;
  const long n = std::strtol(init_text.c_str() + pos + 11, nullptr, 10);
  if (n != 1)
    throw EngineError("i-PI client: the server asks for batches (\"" + init_text +
                      "\"), which slhmc serve does not support; use batch_size 1 in i-PI's <ffsocket>");
}

}  // namespace

ClientSummary serve_ipi(ForceProvider& provider, const Frame& shape, const ClientOptions& options) {
  SocketStream s = connect_with_patience(options);
  ClientSummary summary;
  bool have_init = false;
  std::string answer;  // the FORCEREADY message while we have data
  for (;;) {
    if (s.at_end()) return summary;  // the server closed between messages (ASE does this)
    const std::string h = read_header(s);
    if (h == "STATUS") {
      s.write_all(header(!have_init ? "NEEDINIT" : !answer.empty() ? "HAVEDATA" : "READY"));
    } else if (h == "INIT") {
      refuse_batches(read_init(s).text);
      have_init = true;
    } else if (h == "POSDATA") {
      const PosData d = read_posdata(s, static_cast<std::int32_t>(shape.size()), options.units);
      answer = evaluate(provider, shape, d, options.units);
      ++summary.evaluations;
    } else if (h == "GETFORCE") {
      if (answer.empty()) throw EngineError("i-PI client: the server sent GETFORCE before any POSDATA");
      s.write_all(answer);
      answer.clear();
    } else if (h == "EXIT") {
      summary.got_exit = true;
      return summary;
    } else {
      throw EngineError("i-PI client: unknown message " + h + " from the server");
    }
  }
}

}  // namespace slhmc::ipi
