// Small training problems shared by the trainer's tests (CPU loss, GPU
// evaluator): TiO2-like random frames with made-up smooth labels so that every
// loss term is non-zero, a small model normalised on such frames, and a batch
// with energies, forces and virials on different frames and unequal weights.
#pragma once

#include <cmath>
#include <vector>

#include "slhmc/core/rng.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/loss.hpp"
#include "slhmc/train/loss_evaluator.hpp"
#include "slhmc/train/trainable_model.hpp"
#include "test_support.hpp"

namespace slhmc::test::train_helpers {

using namespace slhmc::train;

constexpr int kTi = 22, kO = 8;

// Small TiO2-like frames: random positions in a skewed cell, labels from a made-up smooth function
// so that every loss term is non-zero.
inline std::vector<LabelledFrame> sample_frames(int count, unsigned seed) {
  std::vector<LabelledFrame> frames;
  for (int s = 0; s < count; ++s) {
    const Cell cell(Mat3{Vec3{5.1, 0, 0}, Vec3{0.7, 4.8, 0}, Vec3{-0.4, 0.5, 5.3}}, {true, true, true});
    LabelledFrame lf;
    lf.frame = test::random_frame(cell, 6 + static_cast<std::size_t>(s), {kTi, kO, kO}, 1.6, seed + static_cast<unsigned>(s));
    const std::size_t n = lf.frame.size();
    lf.labels.energy = -5.0 * static_cast<double>(n) + 0.3 * s;
    std::vector<Vec3> forces(n);
    for (std::size_t i = 0; i < n; ++i) forces[i] = Vec3{std::sin(1.0 * i + s), std::cos(2.0 * i), 0.1 * i - 0.2};
    lf.labels.forces = forces;
    lf.labels.virial = Mat3{Vec3{1.0 + s, 0.2, -0.1}, Vec3{0.2, -0.5, 0.3}, Vec3{-0.1, 0.3, 0.7}};
    frames.push_back(std::move(lf));
  }
  return frames;
}

inline TrainableModel small_model(std::vector<int> hidden = {4, 3}, nnp::Activation act = nnp::Activation::tanh) {
  ModelSpec spec;
  spec.species = {kO, kTi};
  spec.chebyshev = {4.0, 4, 3.5, 2};
  spec.hidden = std::move(hidden);
  spec.activation = act;
  spec.atomic_energies = {{kO, -1.5}, {kTi, -2.5}};
  TrainableModel model = TrainableModel::from_spec(spec, 7);
  // Normalisation from the frames themselves, energy scaling not 1, biases not 0.
  std::vector<DescriptorStatistics> stats;
  for (const auto& f : sample_frames(3, 100)) accumulate_descriptor_statistics(model, f.frame, stats);
  set_normalisation(model, stats);
  model.set_energy_scaling(0.7, -0.4);
  Rng rng(3);
  for (double& p : model.parameters()) p += 0.05 * rng.normal();
  return model;
}

struct PreparedBatch {
  std::vector<LabelledFrame> frames;
  std::vector<FrameFeatures> features;
  std::vector<BatchFrame> batch;
};

inline PreparedBatch prepare(const TrainableModel& model, int count) {
  PreparedBatch p;
  p.frames = sample_frames(count, 200);
  for (const auto& f : p.frames) p.features.push_back(compute_features(model, f.frame, true, true));
  for (std::size_t i = 0; i < p.frames.size(); ++i)
    p.batch.push_back({&p.features[i], &p.frames[i], 0.5 + 0.25 * static_cast<double>(i), i != 1, i != 2});
  return p;
}

// Data for the loss evaluators: every frame of `p`, with its weight and force/virial flags.
inline TrainingData training_data(const PreparedBatch& p) {
  TrainingData d;
  for (std::size_t i = 0; i < p.frames.size(); ++i) {
    d.frames.push_back(&p.frames[i]);
    d.features.push_back(p.features[i]);
    d.weights.push_back(p.batch[i].weight);
    d.use_forces.push_back(p.batch[i].use_forces ? 1 : 0);
    d.use_virial.push_back(p.batch[i].use_virial ? 1 : 0);
  }
  return d;
}

}  // namespace slhmc::test::train_helpers
