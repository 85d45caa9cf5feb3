// The i-PI socket server as a ForceProvider (`type = "ipi"`): slhmc sends
// positions and cell, a client program (Quantum ESPRESSO, CP2K, LAMMPS, an
// ASE calculator, `slhmc serve`) answers with energy, forces and virial.
//
// Several clients at once: one IpiServer owns the listening socket; every
// IpiProvider bound to it serves one walker (or bead) with its own connected
// client. A provider takes the next client that connects when it first needs
// one; when it launches its client itself (`[reference.client]`), launching
// and accepting happen under one lock, so that each provider is paired with
// the process it started (and restarts / stops that one).
//
// Faults (disconnect, time limit, wrong atom count, non-finite numbers,
// garbage headers, a dead client) end the connection and become an
// EngineError naming the client and what went wrong, or, with `retries` > 0,
// restart the launched client (or wait for a new one) and redo the evaluation.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/engines/client_process.hpp"
#include "slhmc/engines/ipi_message.hpp"
#include "slhmc/engines/socket.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc::ipi {

// How to start a client program. In command, directory and log_file the
// placeholders {name} (UNIX socket name), {socket} (/tmp/ipi_NAME), {host},
// {port} and {index} (the provider's client index, 0-based) are replaced.
struct ClientLaunch {
  std::string command;
  std::string directory = ".";
  std::map<std::string, std::string> environment;
  std::string log_file = "ipi-client-{index}.log";
};

struct ServerOptions {
  SocketAddress address;
  double timeout_s = 3600;         // per evaluation, from the first STATUS to the last byte of FORCEREADY
  double connect_timeout_s = 120;  // waiting for a client to connect (also after a restart)
  int retries = 0;                 // evaluations redone after a fault (with a fresh client)
  std::string init_text;           // sent with INIT when a client asks (NEEDINIT); "" goes out as one NUL byte
  AtomicUnits units = AtomicUnits::codata2018();
  std::int32_t max_extra_bytes = kDefaultMaxTextBytes;
  std::optional<ClientLaunch> launch;
  double exit_grace_s = 10;        // after EXIT, how long a launched client may take to end
};

// Reads [reference] keys (see docs/engines.md); relative directories refer to context.base_dir.
ServerOptions server_options_from_config(const Config& section, const ProviderContext& context);

class IpiServer {
 public:
  explicit IpiServer(ServerOptions options);
  const ServerOptions& options() const { return options_; }
  // The address clients connect to (the real port when port 0 was asked for).
  const SocketAddress& address() const { return listener_.address(); }
  // {name} {socket} {host} {port} {index} replaced.
  std::string expand(const std::string& text, int index) const;

 private:
  friend class IpiProvider;
  ServerOptions options_;
  Listener listener_;
  std::mutex accept_mutex_;
};

class IpiProvider final : public ForceProvider {
 public:
  // Client `index` of `server` (also the INIT bead index).
  IpiProvider(std::shared_ptr<IpiServer> server, int index);
  // Sends EXIT to its client and stops a launched one.
  ~IpiProvider() override;

  // Energy, forces and (unless the client sent an all-zero virial) the virial.
  // Throws EngineError after `retries` failed attempts; never returns a
  // number the client did not send for exactly this frame.
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;
  double cutoff() const override { return 0.0; }
  std::string description() const override;

  // Connects (launching the client if configured) without computing anything.
  void connect();
  long evaluations() const { return evaluations_; }
  long restarts() const { return restarts_; }

 private:
  ComputeResult exchange(const Frame& frame, const ComputeRequest& request);
  void drop_client(bool send_exit);
  void check_alive();
  std::string client_state();

  std::shared_ptr<IpiServer> server_;
  int index_;
  std::unique_ptr<ClientProcess> process_;
  std::unique_ptr<SocketStream> stream_;
  long evaluations_ = 0;
  long restarts_ = 0;
};

// `count` providers sharing one listening socket: one per walker.
std::vector<std::unique_ptr<IpiProvider>> make_ipi_providers(ServerOptions options, int count);

}  // namespace slhmc::ipi
