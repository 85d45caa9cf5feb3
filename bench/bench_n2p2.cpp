// Times energy + forces of an n2p2 model per MD step (neighbour list built once
// and reused, one warm-up call excluded) and prints µs/atom-step.
// Usage: bench_n2p2 MODEL_DIR STRUCTURE.data [repeats]  (model and structure in
// the model's own units; the timing does not depend on the unit factors).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/n2p2_model.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s MODEL_DIR STRUCTURE.data [repeats]\n", argv[0]);
    return 2;
  }
  try {
    const auto model = slhmc::nnp::n2p2::N2p2Model::load(argv[1]);
    slhmc::ReadOptions ro;
    ro.format = slhmc::StructureFormat::n2p2;
    const slhmc::Frame frame = slhmc::read_structure(argv[2], ro).frame;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    slhmc::NeighborList nl(slhmc::NeighborListOptions{model->cutoff(), 0.0, false});
    const auto t0 = std::chrono::steady_clock::now();
    nl.build(frame);
    const auto t1 = std::chrono::steady_clock::now();
    slhmc::ComputeRequest req;  // energy + forces
    double e = model->compute(frame, nl, req).energy;  // warm-up
    double best = 1e300, total = 0.0;
    for (int r = 0; r < repeats; ++r) {
      const auto a = std::chrono::steady_clock::now();
      e = model->compute(frame, nl, req).energy;
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
      best = std::min(best, s);
      total += s;
    }
    const double n = static_cast<double>(frame.size());
    std::printf("%s: %zu atoms, %zu neighbour entries, energy %.17g\n", argv[2], frame.size(), nl.total_entries(), e);
    std::printf("neighbour list %.1f ms; energy+forces best %.2f ms (%.1f us/atom-step), mean %.2f ms (%.1f us/atom-step)\n",
                1e3 * std::chrono::duration<double>(t1 - t0).count(), 1e3 * best, 1e6 * best / n,
                1e3 * total / repeats, 1e6 * total / repeats / n);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "error: %s\n", ex.what());
    return 1;
  }
  return 0;
}
