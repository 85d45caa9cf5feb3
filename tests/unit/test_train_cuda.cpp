// The GPU loss evaluator gives the loss, error sums and gradient of the plain
// reference (loss_reference) to 1e-10 relative in FP64, on the small batches
// of the CPU tests and on a larger random batch with deeper networks, mixed
// activations and frames without forces. Without a device the GPU tests skip,
// and the library says clearly why it cannot train on the GPU.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/train/loss_evaluator.hpp"
#include "test_support.hpp"
#include "train_test_helpers.hpp"

using namespace slhmc;
using namespace slhmc::train;
using namespace slhmc::test::train_helpers;

namespace {

#define SLHMC_REQUIRE_CUDA_DEVICE() \
  if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device"

// Data for the evaluators: every frame of `p`, with its weight and force/virial flags.
TrainingData training_data(const PreparedBatch& p) {
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

struct Agreement {
  double loss = 0.0, gradient = 0.0;  // relative differences (gradient: max-norm)
};

// GPU against loss_reference on the frames `indices` of `data`.
Agreement compare(const TrainableModel& model, const std::vector<double>& params, const TrainingData& data,
                  LossEvaluator& gpu, const std::vector<std::size_t>& indices, const LossWeights& w) {
  std::vector<BatchFrame> batch;
  for (std::size_t i : indices) batch.push_back(data.batch_frame(i));
  std::vector<double> g_ref(params.size(), 0.0), g_gpu(params.size(), 0.0);
  const LossResult ref = loss_reference(model, params, batch, w, g_ref);
  const LossResult got = gpu.evaluate(params, indices, w, g_gpu);
  EXPECT_EQ(got.errors.energies, ref.errors.energies);
  EXPECT_EQ(got.errors.force_components, ref.errors.force_components);
  EXPECT_EQ(got.errors.virial_components, ref.errors.virial_components);
  EXPECT_NEAR(got.errors.energy_per_atom, ref.errors.energy_per_atom, 1e-10 * ref.errors.energy_per_atom);
  EXPECT_NEAR(got.errors.forces, ref.errors.forces, 1e-10 * ref.errors.forces);
  EXPECT_NEAR(got.errors.virial_per_atom, ref.errors.virial_per_atom, 1e-10 * ref.errors.virial_per_atom);
  Agreement a;
  a.loss = std::abs(got.loss - ref.loss) / ref.loss;
  double norm = 0.0, diff = 0.0;
  for (std::size_t k = 0; k < params.size(); ++k) {
    norm = std::max(norm, std::abs(g_ref[k]));
    diff = std::max(diff, std::abs(g_gpu[k] - g_ref[k]));
    EXPECT_NEAR(g_gpu[k], g_ref[k], 1e-10 * std::abs(g_ref[k]) + 1e-13 * norm) << "parameter " << k;
  }
  a.gradient = diff / norm;
  EXPECT_LT(a.loss, 1e-10);
  EXPECT_LT(a.gradient, 1e-10);
  // The loss alone (no gradient asked for) is the same.
  const LossResult plain = gpu.evaluate(params, indices, w, {});
  EXPECT_NEAR(plain.loss, ref.loss, 1e-10 * ref.loss);
  return a;
}

}  // namespace

TEST(TrainCuda, WithoutADeviceTheGpuEvaluatorRefusesClearly) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device is present";
  const TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 2);
  const TrainingData data = training_data(p);
  try {
    make_cuda_loss_evaluator(model, data);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(msg.find("CUDA") != std::string::npos) << msg;
    EXPECT_TRUE(msg.find("no CUDA device") != std::string::npos || msg.find("without CUDA") != std::string::npos)
        << msg;
  }
}

TEST(TrainCuda, EqualsReferenceOnSmallBatches) {
  SLHMC_REQUIRE_CUDA_DEVICE();
  for (auto act : {nnp::Activation::tanh, nnp::Activation::sigmoid, nnp::Activation::twist}) {
    const TrainableModel model = small_model({4, 3}, act);
    const PreparedBatch p = prepare(model, 5);
    const TrainingData data = training_data(p);
    auto gpu = make_cuda_loss_evaluator(model, data);
    EXPECT_EQ(gpu->name(), "cuda");
    const LossWeights w{1.0, 0.3, 0.2};
    const Agreement all = compare(model, model.parameters(), data, *gpu, {0, 1, 2, 3, 4}, w);
    // A subset in another order, then other parameters: the batch tables are rebuilt each call.
    compare(model, model.parameters(), data, *gpu, {4, 2, 1}, w);
    std::vector<double> other = model.parameters();
    Rng rng(11);
    for (double& x : other) x += 0.1 * rng.normal();
    compare(model, other, data, *gpu, {3, 0}, {0.5, 1.0, 0.0});
    RecordProperty(std::string("relative_gradient_difference_") + nnp::activation_name(act),
                   std::to_string(all.gradient));
  }
}

TEST(TrainCuda, EqualsReferenceOnALargerRandomBatch) {
  SLHMC_REQUIRE_CUDA_DEVICE();
  ModelSpec spec;
  spec.species = {kO, kTi};
  spec.chebyshev = {5.0, 8, 4.0, 4};
  spec.hidden = {12, 7, 5};
  spec.activation = nnp::Activation::mtanh;
  spec.atomic_energies = {{kO, -1.5}, {kTi, -2.5}};
  TrainableModel model = TrainableModel::from_spec(spec, 5);
  // 24 frames of 20–43 atoms; forces on two thirds, virials on half, some frames without the
  // Jacobian at all.
  std::vector<LabelledFrame> frames;
  std::vector<FrameFeatures> features;
  TrainingData data;
  const int count = 24;
  frames.reserve(count);
  std::vector<DescriptorStatistics> stats;
  for (int s = 0; s < count; ++s) {
    const double a = 7.0 + 0.05 * s;
    const Cell cell(Mat3{Vec3{a, 0, 0}, Vec3{0.4, a, 0}, Vec3{-0.3, 0.2, a}}, {true, true, true});
    LabelledFrame lf;
    lf.frame = test::random_frame(cell, 20 + static_cast<std::size_t>(s), {kTi, kO, kO}, 1.5, 900u + s);
    const std::size_t n = lf.frame.size();
    lf.labels.energy = -4.0 * static_cast<double>(n) + std::sin(s);
    std::vector<Vec3> f(n);
    for (std::size_t i = 0; i < n; ++i) f[i] = Vec3{std::cos(0.3 * i + s), 0.2 * std::sin(1.0 * i), 0.05 * s - 0.5};
    lf.labels.forces = f;
    lf.labels.virial = Mat3{Vec3{0.5 * s, 0.1, 0.0}, Vec3{0.1, -1.0, 0.2}, Vec3{0.0, 0.2, 0.3}};
    accumulate_descriptor_statistics(model, lf.frame, stats);
    frames.push_back(std::move(lf));
  }
  set_normalisation(model, stats);
  model.set_energy_scaling(0.3, -0.2);
  for (int s = 0; s < count; ++s) {
    const bool forces = s % 3 != 0, virial = s % 2 == 0;
    data.features.push_back(compute_features(model, frames[static_cast<std::size_t>(s)].frame, forces || s % 5 == 0, virial));
    data.frames.push_back(&frames[static_cast<std::size_t>(s)]);
    data.weights.push_back(0.3 + 0.1 * (s % 7));
    data.use_forces.push_back(forces ? 1 : 0);
    data.use_virial.push_back(virial ? 1 : 0);
  }
  auto gpu = make_cuda_loss_evaluator(model, data);
  std::vector<std::size_t> all(count);
  for (int s = 0; s < count; ++s) all[static_cast<std::size_t>(s)] = static_cast<std::size_t>(count - 1 - s);
  const Agreement a = compare(model, model.parameters(), data, *gpu, all, {1.0, 0.1, 0.05});
  RecordProperty("relative_loss_difference", std::to_string(a.loss));
  RecordProperty("relative_gradient_difference", std::to_string(a.gradient));
}

// A batch may lack a species (here Ti): its networks are skipped, and later batches with it work.
TEST(TrainCuda, BatchesWithoutASpecies) {
  SLHMC_REQUIRE_CUDA_DEVICE();
  const TrainableModel model = small_model();
  PreparedBatch p = prepare(model, 3);
  const Cell cell(Mat3{Vec3{5.0, 0, 0}, Vec3{0, 5.0, 0}, Vec3{0, 0, 5.0}}, {true, true, true});
  LabelledFrame oxygen;
  oxygen.frame = test::random_frame(cell, 7, {kO}, 1.6, 77);
  oxygen.labels.energy = -12.0;
  oxygen.labels.forces = std::vector<Vec3>(7, Vec3{0.1, -0.2, 0.3});
  p.frames.push_back(oxygen);
  p.features.push_back(compute_features(model, p.frames.back().frame, true, false));
  p.batch.clear();
  for (std::size_t i = 0; i < p.frames.size(); ++i) p.batch.push_back({&p.features[i], &p.frames[i], 1.0, true, false});
  const TrainingData data = training_data(p);
  auto gpu = make_cuda_loss_evaluator(model, data);
  compare(model, model.parameters(), data, *gpu, {3}, {1.0, 0.5, 0.0});
  compare(model, model.parameters(), data, *gpu, {0, 3, 1}, {1.0, 0.5, 0.0});
}

TEST(TrainCuda, RefusesBadInput) {
  SLHMC_REQUIRE_CUDA_DEVICE();
  const TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 2);
  const TrainingData data = training_data(p);
  auto gpu = make_cuda_loss_evaluator(model, data);
  std::vector<double> params = model.parameters();
  EXPECT_THROW(gpu->evaluate(params, std::vector<std::size_t>{5}, {}, {}), Error);
  params.pop_back();
  EXPECT_THROW(gpu->evaluate(params, std::vector<std::size_t>{0}, {}, {}), Error);
}
