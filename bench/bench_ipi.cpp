// Round-trip cost of one reference call through slhmc's i-PI server with a
// trivial client (zero forces), over UNIX or TCP sockets:
//   bench_ipi server unix|tcp ATOMS CALLS   → prints µs per call: median and best of 5 runs
//   bench_ipi client ADDRESS ATOMS           → the trivial client (slhmc's own i-PI
//                                              client loop with a constant potential)
// bench/ipi_overhead.py runs both and ASE's SocketIOCalculator with the same client.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "slhmc/engines/ipi_client.hpp"
#include "slhmc/engines/ipi_server.hpp"

namespace {

using namespace slhmc;

// The trivial client's potential: constant energy, zero forces, a fixed virial.
class ConstantPotential final : public ForceProvider {
 public:
  ComputeResult compute(const Frame& frame, const ComputeRequest&) override {
    ComputeResult r;
    r.energy = 1.0;
    r.forces.assign(frame.size(), Vec3{0, 0, 0});
    r.virial = 1e-3 * identity_mat3();
    r.has_virial = true;
    return r;
  }
  double cutoff() const override { return 0; }
  std::string description() const override { return "constant"; }
};

Frame cubic_frame(int atoms) {
  Frame f;
  const double a = 2.5 * std::cbrt(static_cast<double>(atoms));
  f.cell = Cell::orthorhombic(a, a, a);
  for (int i = 0; i < atoms; ++i) f.add_atom(29, Vec3{0.37 * i, 0.11 * i, 0.05 * i});
  return f;
}

int client(const std::string& address, int atoms) {
  ConstantPotential potential;
  ipi::ClientOptions o;
  o.address = ipi::SocketAddress::parse(address);
  ipi::serve_ipi(potential, cubic_frame(atoms), o);
  return 0;
}

int server(const std::string& transport, int atoms, int calls, const char* self) {
  ipi::ServerOptions o;
  o.address.unix_socket = transport == "unix";
  o.address.name = "slhmc_bench_" + std::to_string(::getpid());
  o.address.port = 0;
  o.launch = ipi::ClientLaunch{std::string(self) + " client " + (o.address.unix_socket ? "unix:{name}" : "127.0.0.1:{port}") +
                                   " " + std::to_string(atoms),
                               ".", {}, ""};
  auto providers = ipi::make_ipi_providers(o, 1);
  Frame frame = cubic_frame(atoms);
  ComputeRequest request;
  request.virial = true;
  for (int k = 0; k < 100; ++k) providers[0]->compute(frame, request);  // warm up
  std::vector<double> us;
  for (int repeat = 0; repeat < 5; ++repeat) {  // the machine is shared: median and best
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < calls; ++k) {
      frame.positions[0][0] += 1e-6;
      providers[0]->compute(frame, request);
    }
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / calls);
  }
  std::sort(us.begin(), us.end());
  std::printf("%.2f %.2f\n", us[2], us[0]);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "client" && argc == 4) return client(argv[2], std::atoi(argv[3]));
    if (mode == "server" && argc == 5) return server(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[0]);
    std::fprintf(stderr, "usage: bench_ipi server unix|tcp ATOMS CALLS | bench_ipi client ADDRESS ATOMS\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_ipi: %s\n", e.what());
    return 1;
  }
}
