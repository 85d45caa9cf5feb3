// The trainer's mathematics: features and predictions agree with the aenet
// evaluator that will run the trained model (energies, forces, virial), the
// gradient of the full loss (energy + forces + virial) equals central finite
// differences in FP64 for every parameter, and the threaded loss equals the
// plain one.
#include <gtest/gtest.h>

#include <cmath>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/loss.hpp"
#include "slhmc/train/trainable_model.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::train;

namespace {

constexpr int kTi = 22, kO = 8;

// Small TiO2-like frames: random positions in a skewed cell, labels from a made-up smooth function
// so that every loss term is non-zero.
std::vector<LabelledFrame> sample_frames(int count, unsigned seed) {
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

TrainableModel small_model(std::vector<int> hidden = {4, 3}, nnp::Activation act = nnp::Activation::tanh) {
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
  for (std::size_t s = 0; s < model.num_species(); ++s) {
    const auto& st = stats[s];
    std::vector<double> mean(st.sum.size()), sq(st.sum.size());
    for (std::size_t k = 0; k < mean.size(); ++k) {
      mean[k] = st.sum[k] / static_cast<double>(st.count);
      sq[k] = st.sum_squares[k] / static_cast<double>(st.count);
    }
    model.set_normalisation(s, mean, sq, st.min, st.max, st.count);
  }
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

PreparedBatch prepare(const TrainableModel& model, int count) {
  PreparedBatch p;
  p.frames = sample_frames(count, 200);
  for (const auto& f : p.frames) p.features.push_back(compute_features(model, f.frame, true, true));
  for (std::size_t i = 0; i < p.frames.size(); ++i)
    p.batch.push_back({&p.features[i], &p.frames[i], 0.5 + 0.25 * static_cast<double>(i), i != 1, i != 2});
  return p;
}

}  // namespace

TEST(TrainFeatures, PredictionsEqualTheAenetEvaluator) {
  const TrainableModel model = small_model();
  nnp::AenetModel evaluator(model.networks(), {});
  for (const auto& lf : sample_frames(3, 300)) {
    const FrameFeatures f = compute_features(model, lf.frame, true, true);
    const FramePrediction p = predict_frame(model, model.parameters(), f);
    NeighborList list({evaluator.cutoff(), 0.0, false});
    list.build(lf.frame);
    const ComputeResult r = evaluator.compute(lf.frame, list, {true, true, false});
    EXPECT_NEAR(p.energy, r.energy, 1e-10 * std::abs(r.energy));
    for (std::size_t i = 0; i < lf.frame.size(); ++i)
      for (int c = 0; c < 3; ++c) EXPECT_NEAR(p.forces[i][c], r.forces[i][c], 1e-10) << "atom " << i;
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) EXPECT_NEAR(p.virial[a][b], r.virial[a][b], 1e-9);
  }
}

TEST(TrainLoss, GradientEqualsFiniteDifferencesForEveryParameter) {
  for (auto act : {nnp::Activation::tanh, nnp::Activation::sigmoid, nnp::Activation::twist}) {
    TrainableModel model = small_model({4, 3}, act);
    const PreparedBatch p = prepare(model, 4);
    const LossWeights w{1.0, 0.3, 0.2};
    std::vector<double> params = model.parameters();
    std::vector<double> grad(params.size(), 0.0);
    const LossResult at = loss_reference(model, params, p.batch, w, grad);
    ASSERT_GT(at.errors.force_components, 0u);
    ASSERT_GT(at.errors.virial_components, 0u);
    double worst = 0.0;
    for (std::size_t k = 0; k < params.size(); ++k) {
      const double h = 1e-5;
      std::vector<double> q = params;
      q[k] = params[k] + h;
      const double up = loss_reference(model, q, p.batch, w, {}).loss;
      q[k] = params[k] - h;
      const double down = loss_reference(model, q, p.batch, w, {}).loss;
      const double fd = (up - down) / (2 * h);
      const double err = std::abs(fd - grad[k]) / std::max(1.0, std::abs(fd));
      worst = std::max(worst, err);
      EXPECT_LT(err, 1e-7) << nnp::activation_name(act) << " parameter " << k << ": analytic " << grad[k] << ", FD "
                           << fd;
    }
    RecordProperty(std::string("worst_relative_error_") + nnp::activation_name(act), std::to_string(worst));
  }
}

// A planted mistake must be caught: dropping the force term's second-order part (σ'') changes the
// gradient by far more than the tolerance above.
TEST(TrainLoss, TheForceTermDominatesTheGradientCheck) {
  TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 3);
  std::vector<double> g_all(model.parameters().size(), 0.0), g_energy(model.parameters().size(), 0.0);
  loss_reference(model, model.parameters(), p.batch, {1.0, 0.3, 0.2}, g_all);
  loss_reference(model, model.parameters(), p.batch, {1.0, 0.0, 0.0}, g_energy);
  double diff = 0.0;
  for (std::size_t k = 0; k < g_all.size(); ++k) diff = std::max(diff, std::abs(g_all[k] - g_energy[k]));
  EXPECT_GT(diff, 1e-3);  // the force/virial part is large compared with the 1e-7 tolerance
}

TEST(TrainLoss, ThreadedEqualsReference) {
  TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 5);
  const LossWeights w{1.0, 0.1, 0.05};
  std::vector<double> g1(model.parameters().size(), 0.0), g2 = g1, g3 = g1;
  const LossResult a = loss_reference(model, model.parameters(), p.batch, w, g1);
  const LossResult b = loss_threaded(model, model.parameters(), p.batch, w, g2, 2);
  const LossResult c = loss_threaded(model, model.parameters(), p.batch, w, g3, 1);
  EXPECT_NEAR(a.loss, b.loss, 1e-13 * a.loss);
  EXPECT_EQ(b.loss, c.loss);  // the same sums in the same order whatever the thread count
  for (std::size_t k = 0; k < g1.size(); ++k) {
    EXPECT_NEAR(g1[k], g2[k], 1e-12 * (1 + std::abs(g1[k])));
    EXPECT_EQ(g2[k], g3[k]);
  }
  EXPECT_EQ(a.errors.force_components, b.errors.force_components);
}

TEST(TrainableModelTest, NetworksRoundTripAndKeepWarmStartSettings) {
  TrainableModel model = small_model();
  TrainableModel again = TrainableModel::from_networks(model.networks());
  EXPECT_EQ(again.parameters(), model.parameters());
  for (std::size_t s = 0; s < model.num_species(); ++s) {
    EXPECT_EQ(again.species(s).scale, model.species(s).scale);
    EXPECT_EQ(again.species(s).shift, model.species(s).shift);
    EXPECT_DOUBLE_EQ(again.species(s).e_scale, model.species(s).e_scale);
    EXPECT_EQ(again.species(s).e_atom, model.species(s).e_atom);
  }
}
