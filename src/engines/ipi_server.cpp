// The i-PI server side: listening socket, the conversation per evaluation,
// fault handling and the `type = "ipi"` registration (see ipi_server.hpp).
#include "slhmc/engines/ipi_server.hpp"

#include <unistd.h>

#include <cmath>
#include <thread>

#include "slhmc/core/error.hpp"

namespace slhmc::ipi {

namespace {

Clock::time_point after(double seconds) {
  if (!(seconds < 1e9)) return Clock::time_point::max();
  return Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size())
    text.replace(pos, from.size(), to);
  return text;
}

// Positions wrapped into the cell along its periodic directions. LAMMPS's
// fix ipi silently computes wrong energies for atoms outside its box; for a
// periodic system wrapping changes no energy, force or virial.
std::vector<Vec3> wrapped_positions(const Frame& frame) {
  if (!frame.cell.any_periodic() || !frame.cell.is_invertible()) return frame.positions;
  std::vector<Vec3> out(frame.positions.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = frame.cell.wrap(frame.positions[i]);
  return out;
}

void expect(const std::string& got, const char* wanted, const char* when) {
  if (got != wanted)
    throw EngineError(std::string("i-PI: expected ") + wanted + " " + when + ", the client sent " + got);
}

}  // namespace

IpiServer::IpiServer(ServerOptions options) : options_(std::move(options)), listener_(options_.address) {}

std::string IpiServer::expand(const std::string& text, int index) const {
  const SocketAddress& a = address();
  std::string out = replace_all(text, "{name}", a.name);
  out = replace_all(out, "{socket}", a.unix_socket ? a.unix_path() : "");
  out = replace_all(out, "{host}", a.host);
  out = replace_all(out, "{port}", std::to_string(a.port));
  return replace_all(out, "{index}", std::to_string(index));
}

IpiProvider::IpiProvider(std::shared_ptr<IpiServer> server, int index) : server_(std::move(server)), index_(index) {
  if (!server_) throw Error("i-PI provider: no server");
}

IpiProvider::~IpiProvider() { drop_client(true); }

std::string IpiProvider::description() const {
  std::string d = "i-PI server on " + server_->address().describe() + " (client " + std::to_string(index_);
  if (server_->options().launch) d += ": " + server_->expand(server_->options().launch->command, index_);
  return d + ")";
}

void IpiProvider::check_alive() {
  if (!process_) return;
  if (auto how = process_->finished()) throw EngineError("i-PI: the client program " + *how);
}

std::string IpiProvider::client_state() {
  if (!process_) return "";
  // A client that just closed its socket is usually exiting: give it a moment so we can say how it ended.
  const auto until = Clock::now() + std::chrono::milliseconds(300);
  while (!process_->finished() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::string s;
  if (auto how = process_->finished()) s += "; the client program " + *how;
  const std::string tail = process_->log_tail();
  if (!tail.empty()) s += "; the end of its output:\n" + tail;
  return s;
}

void IpiProvider::drop_client(bool send_exit) {
  if (stream_ && send_exit) {
    try {
      stream_->write_all(header("EXIT"));
    } catch (const Error&) {
      // It may be gone already; nothing more to tell it.
    }
  }
  stream_.reset();
  if (process_) {
    process_->stop(send_exit ? server_->options().exit_grace_s : 0.0);
    process_.reset();
  }
}

void IpiProvider::connect() {
  if (stream_) return;
  const ServerOptions& o = server_->options();
  // Launch and accept as one step so that this provider gets the client it started.
  std::lock_guard<std::mutex> lock(server_->accept_mutex_);
  if (o.launch) {
    ProcessSpec spec;
    spec.command = server_->expand(o.launch->command, index_);
    spec.directory = server_->expand(o.launch->directory, index_);
    spec.environment = o.launch->environment;
    spec.log_file = server_->expand(o.launch->log_file, index_);
    process_ = std::make_unique<ClientProcess>(std::move(spec));
  }
  Fd fd = server_->listener_.accept(after(o.connect_timeout_s), [this] { check_alive(); });
  stream_ = std::make_unique<SocketStream>(std::move(fd));
}

ComputeResult IpiProvider::compute(const Frame& frame, const ComputeRequest& request) {
  const int retries = std::max(0, server_->options().retries);
  for (int attempt = 0;; ++attempt) {
    try {
      connect();
      ComputeResult r = exchange(frame, request);
      ++evaluations_;
      return r;
    } catch (const EngineError& e) {
      const std::string message = "i-PI reference, client " + std::to_string(index_) + " on " +
                                  server_->address().describe() + ": " + e.what() + client_state();
      // The conversation is in an unknown state: never reuse this connection.
      drop_client(false);
      if (attempt >= retries)
        throw EngineError(message + (retries > 0 ? " (gave up after " + std::to_string(retries) + " retries)" : ""));
      ++restarts_;
    }
  }
}

ComputeResult IpiProvider::exchange(const Frame& frame, const ComputeRequest& request) {
  const ServerOptions& o = server_->options();
  const auto n = static_cast<std::int32_t>(frame.size());
  stream_->set_deadline(after(o.timeout_s), [this] { check_alive(); });
  SocketStream& s = *stream_;

  // 1. STATUS until READY, sending INIT only when the client asks for it.
  for (int inits = 0;; ++inits) {
    s.write_all(header("STATUS"));
    const std::string h = read_header(s);
    if (h == "READY") break;
    if (h != "NEEDINIT") throw EngineError("i-PI: expected READY or NEEDINIT after STATUS, the client sent " + h);
    if (inits >= 3) throw EngineError("i-PI: the client keeps asking for INIT");
    // An empty text goes out as one NUL byte: pw.x 6.7 hangs on an INIT with a
    // zero-length text (observed), and ASE's server sends one NUL for the same reason.
    s.write_all(encode_init(index_, o.init_text.empty() ? std::string_view("\0", 1) : std::string_view(o.init_text)));
  }
  // 2. Positions; 3. STATUS until HAVEDATA (a busy client answers when done).
  // The first STATUS goes out in the same write as POSDATA: every client reads
  // a byte stream, and this saves waking the client twice per call.
  std::string posdata = encode_posdata(frame.cell.matrix(), wrapped_positions(frame), o.units);
  posdata += header("STATUS");
  s.write_all(posdata);
  for (bool first = true;; first = false) {
    if (!first) s.write_all(header("STATUS"));
    const std::string h = read_header(s);
    if (h == "HAVEDATA") break;
    // A client that computes in the background may say READY until it is done.
    if (h != "READY") throw EngineError("i-PI: expected HAVEDATA after POSDATA and STATUS, the client sent " + h);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  // 4. GETFORCE → FORCEREADY.
  s.write_all(header("GETFORCE"));
  expect(read_header(s), "FORCEREADY", "after GETFORCE");
  ForceData d = read_forceready(s, n, o.units, o.max_extra_bytes);

  ComputeResult r;
  r.energy = d.energy;
  if (request.forces) r.forces = std::move(d.forces);
  bool any = false;
  for (const auto& row : d.virial)
    for (double x : row) any = any || x != 0.0;
  r.has_virial = any;
  if (any) r.virial = d.virial;
  if (request.virial && !any)
    throw EngineError("i-PI: the client sent an all-zero virial, but the virial is needed (ASE: "
                      "SocketClient.run(atoms, use_stress=True))");
  r.extras = std::move(d.extra);
  return r;
}

std::vector<std::unique_ptr<IpiProvider>> make_ipi_providers(ServerOptions options, int count) {
  if (count < 1) throw Error("i-PI: need at least one client");
  auto server = std::make_shared<IpiServer>(std::move(options));
  std::vector<std::unique_ptr<IpiProvider>> out;
  for (int k = 0; k < count; ++k) out.push_back(std::make_unique<IpiProvider>(server, k));
  return out;
}

ServerOptions server_options_from_config(const Config& section, const ProviderContext& context) {
  ServerOptions o;
  if (auto client = section.optional_section("client")) {
    ClientLaunch l;
    l.command = client->get_string("command");
    if (l.command.empty()) throw ConfigError(client->key_path("command"), "must not be empty");
    l.directory = resolve_path(context, client->get_string("directory", "."));
    l.log_file = client->get_string("log", l.log_file);
    if (auto env = client->optional_section("env"))
      for (const auto& key : env->keys()) l.environment[key] = env->get_string(key);
    client->check_all_used();
    o.launch = std::move(l);
  }
  const std::string transport = section.get_choice("transport", {"unix", "tcp"}, "unix");
  o.address.unix_socket = transport == "unix";
  if (o.address.unix_socket) {
    // A launched client learns the name from {name}; an external one must be told it.
    o.address.name = o.launch ? section.get_string("name", "slhmc_" + std::to_string(::getpid()))
                              : section.get_string("name");
    if (o.address.name.empty() || o.address.name.find('/') != std::string::npos)
      throw ConfigError(section.key_path("name"), "must be a non-empty name without '/' (the socket is /tmp/ipi_NAME)");
  } else {
    o.address.host = section.get_string("host", "127.0.0.1");
    const long port = section.get_int("port", o.launch ? 0 : 31415);
    if (port < 0 || port > 65535) throw ConfigError(section.key_path("port"), "must be in 0..65535 (0: any free port)");
    o.address.port = static_cast<int>(port);
  }
  auto positive = [&](const char* key, double fallback) {
    const double v = section.get_double(key, fallback);
    if (!(v > 0)) throw ConfigError(section.key_path(key), "must be > 0 (seconds)");
    return v;
  };
  o.timeout_s = positive("timeout_s", o.timeout_s);
  o.connect_timeout_s = positive("connect_timeout_s", o.connect_timeout_s);
  o.exit_grace_s = section.get_double("exit_grace_s", o.exit_grace_s);
  if (!(o.exit_grace_s >= 0)) throw ConfigError(section.key_path("exit_grace_s"), "must be ≥ 0 (seconds)");
  const long retries = section.get_int("retries", 0);
  if (retries < 0 || retries > 100) throw ConfigError(section.key_path("retries"), "must be in 0..100");
  o.retries = static_cast<int>(retries);
  o.init_text = section.get_string("init_text", "");
  const long max_extra = section.get_int("max_extra_bytes", o.max_extra_bytes);
  if (max_extra < 0 || max_extra > (1L << 30)) throw ConfigError(section.key_path("max_extra_bytes"), "must be in 0..2^30");
  o.max_extra_bytes = static_cast<std::int32_t>(max_extra);
  o.units.bohr_angstrom = section.get_double("bohr_angstrom", o.units.bohr_angstrom);
  o.units.hartree_ev = section.get_double("hartree_ev", o.units.hartree_ev);
  if (!(std::abs(o.units.bohr_angstrom / 0.529177 - 1) < 1e-5))
    throw ConfigError(section.key_path("bohr_angstrom"), "must be the Bohr radius in Å (≈ 0.529177)");
  if (!(std::abs(o.units.hartree_ev / 27.2114 - 1) < 1e-5))
    throw ConfigError(section.key_path("hartree_ev"), "must be the Hartree energy in eV (≈ 27.2114)");
  return o;
}

namespace {

std::unique_ptr<ForceProvider> make_ipi_from_config(const Config& section, const ProviderContext& context) {
  ServerOptions o = server_options_from_config(section, context);
  section.check_all_used();
  return std::move(make_ipi_providers(std::move(o), 1).front());
}

const ProviderRegistration registration("ipi", "i-PI socket server: QE, CP2K, LAMMPS, ASE calculators as clients",
                                        &make_ipi_from_config);

}  // namespace

}  // namespace slhmc::ipi
