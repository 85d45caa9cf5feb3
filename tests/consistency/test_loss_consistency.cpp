// The training loss and its parameter gradient: every LossEvaluator backend
// (the threaded CPU evaluator, the CUDA evaluator) against the plain
// loss_reference, one test body per case instantiated for each backend: small
// batches with three activations, a larger random batch with a deeper network,
// cells of every shape and real structures, batches without a species.
// Error counts equal, loss and error sums to 1e-10 relative, gradient entries
// to 1e-10 relative (+1e-13 of the largest). The CUDA instances skip with a
// message where slhmc was built without CUDA or no device is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include "../unit/train_test_helpers.hpp"
#include "consistency_structures.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/train/loss_evaluator.hpp"

using namespace slhmc;
using namespace slhmc::train;
using namespace slhmc::test::train_helpers;

namespace {

enum class LossBackend { cpu_threaded, cuda };

std::string backend_name(const testing::TestParamInfo<LossBackend>& info) {
  return info.param == LossBackend::cpu_threaded ? "CpuThreaded" : "Cuda";
}
// Readable parameters in ctest names and failure messages.
void PrintTo(LossBackend b, std::ostream* os) { *os << backend_name({b, 0}); }

#define SLHMC_REQUIRE_BACKEND(b)                            \
  if ((b) == LossBackend::cuda && !cuda_device_available()) \
  GTEST_SKIP() << "no CUDA device (or slhmc built without CUDA): the cuda backend runs on a GPU machine"

std::unique_ptr<LossEvaluator> make_backend(LossBackend b, const TrainableModel& model, const TrainingData& data) {
  return b == LossBackend::cuda ? make_cuda_loss_evaluator(model, data) : make_cpu_loss_evaluator(model, data, 2);
}

// `frame` with made-up smooth labels (the s-th of a set), so that every loss term is non-zero.
LabelledFrame labelled(const Frame& frame, int s) {
  LabelledFrame lf;
  lf.frame = frame;
  const std::size_t n = lf.frame.size();
  lf.labels.energy = -4.0 * static_cast<double>(n) + std::sin(s);
  std::vector<Vec3> f(n);
  for (std::size_t i = 0; i < n; ++i) f[i] = Vec3{std::cos(0.3 * i + s), 0.2 * std::sin(1.0 * i), 0.05 * s - 0.5};
  lf.labels.forces = f;
  lf.labels.virial = Mat3{Vec3{0.5 * s, 0.1, 0.0}, Vec3{0.1, -1.0, 0.2}, Vec3{0.0, 0.2, 0.3}};
  return lf;
}

// A deeper mtanh model normalised on `frames`, and their training data: forces on two thirds,
// virials on half, some frames without the Jacobian at all, unequal weights.
TrainableModel normalised_model(const std::vector<LabelledFrame>& frames) {
  ModelSpec spec;
  spec.species = {kO, kTi};
  spec.chebyshev = {5.0, 8, 4.0, 4};
  spec.hidden = {12, 7, 5};
  spec.activation = nnp::Activation::mtanh;
  spec.atomic_energies = {{kO, -1.5}, {kTi, -2.5}};
  TrainableModel model = TrainableModel::from_spec(spec, 5);
  std::vector<DescriptorStatistics> stats;
  for (const LabelledFrame& lf : frames) accumulate_descriptor_statistics(model, lf.frame, stats);
  set_normalisation(model, stats);
  model.set_energy_scaling(0.3, -0.2);
  return model;
}

TrainingData training_data(const TrainableModel& model, const std::vector<LabelledFrame>& frames) {
  TrainingData data;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const int s = static_cast<int>(i);
    const bool forces = s % 3 != 0, virial = s % 2 == 0;
    data.features.push_back(compute_features(model, frames[i].frame, forces || s % 5 == 0, virial));
    data.frames.push_back(&frames[i]);
    data.weights.push_back(0.3 + 0.1 * (s % 7));
    data.use_forces.push_back(forces ? 1 : 0);
    data.use_virial.push_back(virial ? 1 : 0);
  }
  return data;
}

// All frames of `data`, last first.
std::vector<std::size_t> reversed(const TrainingData& data) {
  std::vector<std::size_t> all(data.size());
  for (std::size_t s = 0; s < all.size(); ++s) all[s] = all.size() - 1 - s;
  return all;
}

struct Agreement {
  double loss = 0.0, gradient = 0.0;  // relative differences (gradient: max-norm)
};

// The backend against loss_reference on the frames `indices` of `data`.
Agreement expect_backend_equals_reference(LossEvaluator& backend, const TrainableModel& model,
                                          const std::vector<double>& params, const TrainingData& data,
                                          const std::vector<std::size_t>& indices, const LossWeights& w,
                                          const std::string& what) {
  std::vector<BatchFrame> batch;
  for (std::size_t i : indices) batch.push_back(data.batch_frame(i));
  std::vector<double> g_ref(params.size(), 0.0), g(params.size(), 0.0);
  const LossResult ref = loss_reference(model, params, batch, w, g_ref);
  const LossResult got = backend.evaluate(params, indices, w, g);
  EXPECT_EQ(got.errors.energies, ref.errors.energies) << what;
  EXPECT_EQ(got.errors.force_components, ref.errors.force_components) << what;
  EXPECT_EQ(got.errors.virial_components, ref.errors.virial_components) << what;
  EXPECT_NEAR(got.errors.energy_per_atom, ref.errors.energy_per_atom, 1e-10 * ref.errors.energy_per_atom) << what;
  EXPECT_NEAR(got.errors.forces, ref.errors.forces, 1e-10 * ref.errors.forces) << what;
  EXPECT_NEAR(got.errors.virial_per_atom, ref.errors.virial_per_atom, 1e-10 * ref.errors.virial_per_atom) << what;
  Agreement a;
  a.loss = std::abs(got.loss - ref.loss) / ref.loss;
  double norm = 0.0, diff = 0.0;
  for (std::size_t k = 0; k < params.size(); ++k) {
    norm = std::max(norm, std::abs(g_ref[k]));
    diff = std::max(diff, std::abs(g[k] - g_ref[k]));
  }
  EXPECT_GT(norm, 0.0) << what;
  for (std::size_t k = 0; k < params.size(); ++k)
    EXPECT_NEAR(g[k], g_ref[k], 1e-10 * std::abs(g_ref[k]) + 1e-13 * norm) << what << " parameter " << k;
  a.gradient = diff / norm;
  EXPECT_LT(a.loss, 1e-10) << what;
  EXPECT_LT(a.gradient, 1e-10) << what;
  // The loss alone (no gradient asked for) is the same.
  const LossResult plain = backend.evaluate(params, indices, w, {});
  EXPECT_NEAR(plain.loss, ref.loss, 1e-10 * ref.loss) << what;
  return a;
}

class LossConsistency : public testing::TestWithParam<LossBackend> {};

TEST_P(LossConsistency, EqualsReferenceOnSmallBatches) {
  SLHMC_REQUIRE_BACKEND(GetParam());
  for (auto act : {nnp::Activation::tanh, nnp::Activation::sigmoid, nnp::Activation::twist}) {
    const TrainableModel model = small_model({4, 3}, act);
    const PreparedBatch p = prepare(model, 5);
    const TrainingData data = training_data(p);
    auto backend = make_backend(GetParam(), model, data);
    const std::string what = nnp::activation_name(act);
    const LossWeights w{1.0, 0.3, 0.2};
    const Agreement all =
        expect_backend_equals_reference(*backend, model, model.parameters(), data, {0, 1, 2, 3, 4}, w, what);
    // A subset in another order, then other parameters: the batch tables are rebuilt each call.
    expect_backend_equals_reference(*backend, model, model.parameters(), data, {4, 2, 1}, w, what);
    std::vector<double> other = model.parameters();
    Rng rng(11);
    for (double& x : other) x += 0.1 * rng.normal();
    expect_backend_equals_reference(*backend, model, other, data, {3, 0}, {0.5, 1.0, 0.0}, what);
    RecordProperty(std::string("relative_gradient_difference_") + what, std::to_string(all.gradient));
  }
}

// 24 frames of 20–43 atoms in slightly different triclinic cells.
TEST_P(LossConsistency, EqualsReferenceOnALargerRandomBatch) {
  SLHMC_REQUIRE_BACKEND(GetParam());
  std::vector<LabelledFrame> frames;
  for (int s = 0; s < 24; ++s) {
    const double a = 7.0 + 0.05 * s;
    const Cell cell(Mat3{Vec3{a, 0, 0}, Vec3{0.4, a, 0}, Vec3{-0.3, 0.2, a}}, {true, true, true});
    frames.push_back(
        labelled(test::random_frame(cell, 20 + static_cast<std::size_t>(s), {kTi, kO, kO}, 1.5, 900u + s), s));
  }
  const TrainableModel model = normalised_model(frames);
  const TrainingData data = training_data(model, frames);
  auto backend = make_backend(GetParam(), model, data);
  const Agreement a = expect_backend_equals_reference(*backend, model, model.parameters(), data, reversed(data),
                                                      {1.0, 0.1, 0.05}, "larger batch");
  RecordProperty("relative_loss_difference", std::to_string(a.loss));
  RecordProperty("relative_gradient_difference", std::to_string(a.gradient));
}

// The cells of every shape of consistency_structures.hpp, and the real structures when
// ../shared is present.
TEST_P(LossConsistency, EqualsReferenceOnCellsOfEveryShapeAndRealStructures) {
  SLHMC_REQUIRE_BACKEND(GetParam());
  std::vector<test::consistency::NamedFrame> structures = test::consistency::random_structures();
  const auto real = test::consistency::real_structures();
  if (real.empty()) RecordProperty("real_structures", test::consistency::missing_real_structures());
  structures.insert(structures.end(), real.begin(), real.end());
  std::vector<LabelledFrame> frames;
  for (std::size_t s = 0; s < structures.size(); ++s)
    frames.push_back(labelled(structures[s].frame, static_cast<int>(s)));
  const TrainableModel model = normalised_model(frames);
  const TrainingData data = training_data(model, frames);
  auto backend = make_backend(GetParam(), model, data);
  expect_backend_equals_reference(*backend, model, model.parameters(), data, reversed(data), {1.0, 0.1, 0.05},
                                  "every shape");
}

// A batch may lack a species (here Ti): its networks are skipped, and later batches with it work.
TEST_P(LossConsistency, BatchesWithoutASpecies) {
  SLHMC_REQUIRE_BACKEND(GetParam());
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
  auto backend = make_backend(GetParam(), model, data);
  expect_backend_equals_reference(*backend, model, model.parameters(), data, {3}, {1.0, 0.5, 0.0}, "oxygen only");
  expect_backend_equals_reference(*backend, model, model.parameters(), data, {0, 3, 1}, {1.0, 0.5, 0.0}, "mixed");
}

INSTANTIATE_TEST_SUITE_P(Backends, LossConsistency, testing::Values(LossBackend::cpu_threaded, LossBackend::cuda),
                         backend_name);

}  // namespace
