// `slhmc bench nnp --model PATH STRUCTURE`: time energy + forces of an NNP per
// MD step (neighbour list built once and reused, warm-up excluded, median of
// repeats), and relate it to the hardware: flops per atom from the model's
// explicit operation count and the fraction of one core's FP64 peak.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "command.hpp"
#include "nnp_model_option.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/nnp/model.hpp"

namespace slhmc::cli {
namespace {

struct CorePeak {
  double gflops = 0;  // FP64 GFLOP/s of one core
  std::string how;
};

// FP64 flops per cycle from the vector extensions (two FMA pipes: AVX-512 32, AVX2+FMA 16,
// SSE2 4) times the clock /proc/cpuinfo reports. AMD Zen 4 (family 25) runs AVX-512 on
// 256-bit pipes, so it counts as 16. An estimate; --peak-gflops overrides it.
CorePeak detect_core_peak() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model;
  double mhz = 0;
  bool avx512 = false, avx2 = false, fma = false, amd = false;
  int family = 0;
  while (std::getline(in, line)) {
    if (line.rfind("vendor_id", 0) == 0) amd = line.find("AuthenticAMD") != std::string::npos;
    if (line.rfind("cpu family", 0) == 0 && family == 0) family = std::stoi(line.substr(line.find(':') + 1));
    if (line.rfind("model name", 0) == 0 && model.empty()) model = line.substr(line.find(':') + 2);
    if (line.rfind("cpu MHz", 0) == 0 && mhz == 0) mhz = std::stod(line.substr(line.find(':') + 1));
    if (line.rfind("flags", 0) == 0) {
      avx512 |= line.find(" avx512f") != std::string::npos;
      avx2 |= line.find(" avx2") != std::string::npos;
      fma |= line.find(" fma") != std::string::npos;
    }
  }
  const bool full_width_512 = avx512 && !(amd && family <= 25);
  const int per_cycle = full_width_512 ? 32 : (avx2 && fma) ? 16 : 4;
  CorePeak p;
  p.gflops = per_cycle * mhz / 1000.0;
  std::ostringstream how;
  how << model << ", " << mhz << " MHz x " << per_cycle << " FP64 flops/cycle ("
      << (full_width_512 ? "AVX-512" : avx512 ? "AVX-512 on 256-bit pipes" : (avx2 && fma) ? "AVX2+FMA" : "SSE2")
      << ")";
  p.how = how.str();
  return p;
}

int run_bench_nnp(const NnpModelOptions& model_options, const std::string& structure, int repeats, int threads,
                  double peak_override) {
#ifdef _OPENMP
  omp_set_num_threads(threads);
#else
  if (threads != 1) throw Error("this build has no OpenMP; --threads must be 1");
#endif
  const auto model = nnp::load_model(model_options.spec());
  const Frame frame = read_structure(structure).frame;
  NeighborList list({model->cutoff(), 0.0, false});
  const auto t0 = std::chrono::steady_clock::now();
  list.build(frame);
  const double list_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const ComputeRequest request;  // energy + forces, as in an MD step
  for (int w = 0; w < 2; ++w) model->compute(frame, list, request);
  std::vector<double> times;
  double energy = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto a = std::chrono::steady_clock::now();
    energy = model->compute(frame, list, request).energy;
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2];
  const double n = static_cast<double>(frame.size());
  const double us_per_atom = median / n * 1e6;
  const double ops = model->operation_count(frame, list);
  std::printf("model: %s\n", model->description().c_str());
  std::printf("structure: %s (%zu atoms), %d thread(s), %d repeats\n", structure.c_str(), frame.size(), threads,
              repeats);
  std::printf("energy: %.10f eV\n", energy);
  std::printf("energy+forces: %.4g s per step (median; min %.4g, max %.4g) = %.4g us/atom-step\n", median,
              times.front(), times.back(), us_per_atom);
  std::printf("neighbour list (built once, not in the step time): %.4g s = %.4g us/atom\n", list_seconds,
              list_seconds / n * 1e6);
  if (ops > 0) {
    CorePeak peak = detect_core_peak();
    if (peak_override > 0) {
      peak.gflops = peak_override;
      peak.how = "given with --peak-gflops";
    }
    const double gflops = ops / median / 1e9;
    std::printf("operation count: %.4g flops per atom (%.4g per step)\n", ops / n, ops);
    std::printf("achieved: %.3g GFLOP/s; one core's FP64 peak %.3g GFLOP/s [%s]: %.1f%% of peak (%.1f%% per thread)\n",
                gflops, peak.gflops, peak.how.c_str(), 100.0 * gflops / peak.gflops,
                100.0 * gflops / peak.gflops / threads);
  } else {
    std::printf("operation count: not available for this model\n");
  }
  return 0;
}

Runner setup(CommandLine& line) {
  line.require_subcommand();
  CommandLine nnp = line.subcommand("nnp", "Time energy+forces of an NNP model per MD step");
  auto model = std::make_shared<NnpModelOptions>();
  auto structure = std::make_shared<std::string>();
  auto repeats = std::make_shared<int>(20);
  auto threads = std::make_shared<int>(1);
  auto peak = std::make_shared<double>(0.0);
  model->add_to(nnp);
  nnp.option("structure", *structure, "Structure file (any format slhmc reads)").required().existing_file();
  nnp.option("--repeats", *repeats, "Timed evaluations (the median is reported)").in_range(1, 100000)
      .show_default();
  nnp.option("--threads", *threads, "OpenMP threads").in_range(1, 4096).show_default();
  nnp.option("--peak-gflops", *peak, "One core's FP64 peak in GFLOP/s (default: estimated from /proc/cpuinfo)");
  return [=] { return run_bench_nnp(*model, *structure, *repeats, *threads, *peak); };
}

const CommandRegistration reg("bench", "Benchmarks: 'slhmc bench nnp' times an NNP model", setup);

}  // namespace
}  // namespace slhmc::cli
