// Times one epoch-like pass of the training loss (loss and gradient over all
// batches of a data set) on the CPU (1 thread and all threads) and, when a
// CUDA device is present, on the GPU; reports the CPU–GPU agreement, the bytes
// of features the GPU kernels read per epoch and the fraction of the device's
// memory bandwidth that makes.
//
// Setting of issue 4 / ænet-PyTorch's TiO2 example: Chebyshev 6.5 Å/20,
// 5.0 Å/6, networks 56-5-5-1 tanh (ModelSpec defaults), forces on 250 of the
// frames (every fourth), force weight 0.1, batches of 128 frames.
//
// Usage: bench_train_loss XSF_DIR [batches=32,128,1000] [gpu_epochs=20] [cpu_epochs=2] [bandwidth_TBps=3.35]
//   (batches: frames per batch, one timing per size)
//   (XSF_DIR: ../shared/data/tio2-dft-1000/dir_xsf.tar.gz unpacked)
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/loss_evaluator.hpp"
#include "slhmc/train/training_set.hpp"

using namespace slhmc;
using namespace slhmc::train;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct Epoch {
  double seconds = 0.0;  // median
  double loss = 0.0;
  std::vector<double> gradient;  // summed over the batches
};

Epoch time_epochs(LossEvaluator& ev, const std::vector<double>& params, const std::vector<std::vector<std::size_t>>& batches,
                  int repeats) {
  Epoch e;
  std::vector<double> times;
  for (int r = 0; r < repeats + 1; ++r) {  // the first pass warms up and is not timed
    std::vector<double> grad(params.size(), 0.0);
    double loss = 0.0;
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& b : batches) loss += ev.evaluate(params, b, {1.0, 0.1, 0.0}, grad).loss;
    if (r > 0) times.push_back(seconds_since(t0));
    e.loss = loss;
    e.gradient = std::move(grad);
  }
  std::sort(times.begin(), times.end());
  e.seconds = times[times.size() / 2];
  return e;
}

double max_relative(const std::vector<double>& a, const std::vector<double>& b) {
  double norm = 0.0, diff = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    norm = std::max(norm, std::abs(b[k]));
    diff = std::max(diff, std::abs(a[k] - b[k]));
  }
  return diff / norm;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s XSF_DIR [batches=32,128,1000] [gpu_epochs=20] [cpu_epochs=2] [bandwidth_TBps=3.35]\n",
                 argv[0]);
    return 2;
  }
  try {
    std::vector<std::size_t> batch_sizes;
    {
      const std::string list = argc > 2 ? argv[2] : "32,128,1000";
      for (std::size_t p = 0; p < list.size();) {
        const std::size_t q = std::min(list.find(',', p), list.size());
        batch_sizes.push_back(static_cast<std::size_t>(std::atol(list.substr(p, q - p).c_str())));
        p = q + 1;
      }
    }
    const int gpu_epochs = argc > 3 ? std::atoi(argv[3]) : 20;
    const int cpu_epochs = argc > 4 ? std::atoi(argv[4]) : 2;
    const double bandwidth = 1e12 * (argc > 5 ? std::atof(argv[5]) : 3.35);
    if (std::count(batch_sizes.begin(), batch_sizes.end(), std::size_t{0}) || gpu_epochs < 1 || cpu_epochs < 1) throw Error("batch and epochs must be positive");

    auto t0 = std::chrono::steady_clock::now();
    TrainingSetOptions opts;
    opts.paths = {argv[1]};
    const TrainingSet set = load_training_set(opts);
    std::printf("data: %zu frames, %zu atoms, read in %.2f s\n", set.size(), set.num_atoms(), seconds_since(t0));

    ModelSpec spec;  // defaults: Chebyshev 6.5/20, 5.0/6, 5-5 tanh
    spec.species = set.species();
    TrainableModel model = TrainableModel::from_spec(spec, 1);
    std::vector<DescriptorStatistics> stats;
    double e_per_atom = 0.0;
    for (const auto& f : set.frames) {
      accumulate_descriptor_statistics(model, f.frame, stats);
      e_per_atom += *f.labels.energy / static_cast<double>(f.frame.size());
    }
    set_normalisation(model, stats);
    // Timing does not depend on the reference energies: the mean energy per atom will do.
    model.set_energy_scaling(1.0, e_per_atom / static_cast<double>(set.size()));

    TrainingData data;
    const std::size_t n = set.size();
    data.features.resize(n);
    t0 = std::chrono::steady_clock::now();
#pragma omp parallel for schedule(dynamic, 4)
    for (std::size_t i = 0; i < n; ++i) data.features[i] = compute_features(model, set.frames[i].frame, i % 4 == 0, false);
    const double t_features = seconds_since(t0);
    std::size_t force_frames = 0, force_atoms = 0, blocks = 0, jac_values = 0, x_values = 0;
    for (std::size_t i = 0; i < n; ++i) {
      data.frames.push_back(&set.frames[i]);
      data.weights.push_back(set.weights[i]);
      data.use_forces.push_back(i % 4 == 0 ? 1 : 0);
      data.use_virial.push_back(0);
      const FrameFeatures& f = data.features[i];
      x_values += f.x.size();
      if (f.has_jacobian) {
        ++force_frames;
        force_atoms += f.num_atoms;
        blocks += f.block_atom.size();
        jac_values += f.jacobian.size();
      }
    }
    std::printf("model: %zu parameters; features of %zu frames (%zu with forces, %zu atoms, %zu Jacobian blocks) in "
                "%.2f s on %d threads, %.1f MB\n",
                model.parameters().size(), n, force_frames, force_atoms, blocks, t_features,
                static_cast<int>(std::thread::hardware_concurrency()), 1e-6 * static_cast<double>(data.bytes()));

    // Per epoch the GPU kernels read x once, each stored Jacobian block and its target index twice
    // (forces, then the input directions), the block ranges and force labels of force atoms.
    const double bytes = 8.0 * static_cast<double>(x_values) +
                         2.0 * (8.0 * static_cast<double>(jac_values) + 4.0 * static_cast<double>(blocks)) +
                         static_cast<double>(force_atoms) * (3 * 8.0 + 2 * 8.0 * 2);
    std::unique_ptr<LossEvaluator> gpu;
    if (cuda_device_available()) {
      t0 = std::chrono::steady_clock::now();
      gpu = make_cuda_loss_evaluator(model, data);
      std::printf("gpu: features uploaded in %.3f s; kernels read %.3f GB per epoch\n", seconds_since(t0), 1e-9 * bytes);
    } else {
      std::printf("gpu: no CUDA device\n");
    }
    // An epoch: every frame once, in a fixed shuffled order, in batches of batch_size frames.
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    Rng rng(42);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
    const std::vector<double> params = model.parameters();
    auto cpu1 = make_cpu_loss_evaluator(model, data, 1);
    auto cpu_all = make_cpu_loss_evaluator(model, data, 0);
    for (const std::size_t batch_size : batch_sizes) {
      std::vector<std::vector<std::size_t>> batches;
      for (std::size_t b = 0; b < n; b += batch_size)
        batches.emplace_back(order.begin() + static_cast<std::ptrdiff_t>(b),
                             order.begin() + static_cast<std::ptrdiff_t>(std::min(n, b + batch_size)));
      std::printf("\nepoch: %zu batches of up to %zu frames\n", batches.size(), batch_size);
      const Epoch c1 = time_epochs(*cpu1, params, batches, cpu_epochs);
      std::printf("cpu, 1 thread:    %.4f s per epoch (loss %.10g)\n", c1.seconds, c1.loss);
      const Epoch call = time_epochs(*cpu_all, params, batches, cpu_epochs);
      std::printf("cpu, all threads: %.4f s per epoch\n", call.seconds);
      if (!gpu) continue;
      const Epoch g = time_epochs(*gpu, params, batches, gpu_epochs);
      std::printf("gpu:              %.6f s per epoch (loss %.10g) = %.1f%% of %.2f TB/s for the feature bytes\n",
                  g.seconds, g.loss, 100.0 * bytes / g.seconds / bandwidth, 1e-12 * bandwidth);
      std::printf("speed-up: %.1fx over 1 CPU thread, %.1fx over all threads, %.0fx over 0.32 s (aenet-PyTorch CPU)\n",
                  c1.seconds / g.seconds, call.seconds / g.seconds, 0.32 / g.seconds);
      std::printf("agreement over the epoch: loss %.3e relative, gradient %.3e (max-norm relative)\n",
                  std::abs(g.loss - c1.loss) / c1.loss, max_relative(g.gradient, c1.gradient));
    }
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "error: %s\n", ex.what());
    return 1;
  }
  return 0;
}
