// The trainer's mathematics: features and predictions agree with the aenet
// evaluator that will run the trained model (energies, forces, virial), the
// gradient of the full loss (energy + forces + virial) equals central finite
// differences in FP64 for every parameter, and the threaded loss equals the
// plain one.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/loss.hpp"
#include "slhmc/train/trainable_model.hpp"
#include "test_support.hpp"
#include "train_test_helpers.hpp"

using namespace slhmc;
using namespace slhmc::train;
using namespace slhmc::test::train_helpers;

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

TEST(TrainFeatures, NormalisationNeedsAtomsOfEverySpecies) {
  TrainableModel model = small_model();
  const Cell cell(Mat3{Vec3{5.0, 0, 0}, Vec3{0, 5.0, 0}, Vec3{0, 0, 5.0}}, {true, true, true});
  std::vector<DescriptorStatistics> stats;
  accumulate_descriptor_statistics(model, test::random_frame(cell, 6, {kO}, 1.6, 5), stats);
  try {
    set_normalisation(model, stats);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no atoms of Ti"), std::string::npos) << e.what();
  }
}

// Frames whose forces and virial do not enter the loss take a shorter path in the threaded
// evaluator (no input gradients, no tangents): it must give the plain path's numbers.
TEST(TrainLoss, EnergyOnlyFramesTakeTheShortPathToTheSameNumbers) {
  TrainableModel model = small_model();
  PreparedBatch p = prepare(model, 5);
  for (std::size_t i = 0; i < p.batch.size(); i += 2) p.batch[i].use_forces = p.batch[i].use_virial = false;
  const LossWeights w{1.0, 0.1, 0.05};
  std::vector<double> g1(model.parameters().size(), 0.0), g2 = g1;
  const LossResult a = loss_reference(model, model.parameters(), p.batch, w, g1);
  const LossResult b = loss_threaded(model, model.parameters(), p.batch, w, g2, 1);
  EXPECT_NEAR(a.loss, b.loss, 1e-14 * a.loss);
  for (std::size_t k = 0; k < g1.size(); ++k) EXPECT_NEAR(g1[k], g2[k], 1e-13 * (1 + std::abs(g1[k]))) << k;
  EXPECT_EQ(a.errors.energies, b.errors.energies);
  EXPECT_EQ(a.errors.force_components, b.errors.force_components);
}
