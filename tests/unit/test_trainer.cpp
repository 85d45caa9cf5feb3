// The trainer end to end on small silicon data labelled by Stillinger–Weber:
// it learns (validation errors fall several-fold), it is deterministic for a
// seed whatever the thread count, it warm-starts, L-BFGS and EMA work, the
// written model and its aenet exports give the trainer's own numbers, and
// atomic energies are recovered by the least-squares fit.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/committee_provider.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/nnp_provider.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/trainer.hpp"
#include "slhmc/train/training_output.hpp"
#include "learning_fixtures.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::train;

namespace {

// Diamond silicon cells, strained and rattled, with SW energies, forces and virials.
TrainingSet silicon_set(int count, unsigned seed) {
  TrainingSet set;
  int s = 0;
  for (auto& lf : test::sw_silicon_frames(count, seed, 0.97, 0.06, 0.15)) set.add(std::move(lf), 1.0, "sw-" + std::to_string(s++));
  return set;
}

ModelSpec small_spec() {
  ModelSpec spec;
  spec.species = {14};
  spec.chebyshev = {4.0, 8, 3.5, 4};
  spec.hidden = {8, 8};
  return spec;
}

TrainOptions quick_options(int epochs) {
  TrainOptions o;
  o.epochs = epochs;
  o.batch_size = 4;
  o.validation_fraction = 0.25;
  o.loss = {1.0, 0.1, 0.0};
  o.optimizer.learning_rate = 5e-3;
  o.threads = 1;
  return o;
}

}  // namespace

TEST(Trainer, LearnsSiliconFromScratch) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(32, 1);
  const TrainResult r = slhmc::train::train(small_spec(), data, quick_options(150));
  ASSERT_EQ(r.curve.size(), 150u);
  const EpochRecord& first = r.curve.front();
  const EpochRecord& best = r.curve[static_cast<std::size_t>(r.best_epoch - 1)];
  EXPECT_LT(best.validation.force_rmse(), 0.5 * first.validation.force_rmse());
  EXPECT_LT(best.validation.energy_rmse(), 0.5 * first.validation.energy_rmse());
  EXPECT_LT(best.validation.force_rmse(), 0.35);  // eV/Å; SW forces here are ~1 eV/Å
  EXPECT_EQ(r.split.validation.size(), 8u);
  EXPECT_EQ(r.data_digest, training_set_digest(data));
}

TEST(Trainer, IsDeterministicForASeedWhateverTheThreads) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(12, 2);
  TrainOptions o = quick_options(5);
  const TrainResult a = slhmc::train::train(small_spec(), data, o);
  o.threads = 2;
  const TrainResult b = slhmc::train::train(small_spec(), data, o);
  EXPECT_EQ(a.model.parameters(), b.model.parameters());
  o.seed = 2;
  const TrainResult c = slhmc::train::train(small_spec(), data, o);
  EXPECT_NE(a.model.parameters(), c.model.parameters());
}

TEST(Trainer, WarmStartKeepsNormalisationAndImproves) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(24, 3);
  TrainOptions o = quick_options(30);
  TrainResult first = slhmc::train::train(small_spec(), data, o);
  const auto scale = first.model.species(0).scale;
  const double e_atom = first.model.species(0).e_atom;
  const double first_best = first.curve[static_cast<std::size_t>(first.best_epoch - 1)].validation_loss;
  TrainResult second = slhmc::train::train(std::move(first.model), data, o);
  EXPECT_EQ(second.model.species(0).scale, scale);
  EXPECT_EQ(second.model.species(0).e_atom, e_atom);
  // The warm start begins where the first run ended, not from scratch.
  EXPECT_LT(second.curve.front().validation_loss, 2.0 * first_best);
  EXPECT_LT(second.curve[static_cast<std::size_t>(second.best_epoch - 1)].validation_loss, first_best);
}

TEST(Trainer, LbfgsAndEmaReduceTheLoss) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(12, 4);
  TrainOptions o = quick_options(25);
  o.optimizer.method = OptimizerMethod::lbfgs;
  const TrainResult l = slhmc::train::train(small_spec(), data, o);
  EXPECT_LT(l.curve.back().train_loss, 0.2 * l.curve.front().train_loss);
  o = quick_options(20);
  o.ema_decay = 0.9;
  const TrainResult e = slhmc::train::train(small_spec(), data, o);
  EXPECT_LT(e.curve.back().validation_loss, e.curve.front().validation_loss);
}

TEST(Trainer, WrittenModelAndAenetExportGiveTheTrainersNumbers) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(8, 5);
  const TrainOptions o = quick_options(3);
  const TrainResult r = slhmc::train::train(small_spec(), data, o);
  test::TempDir dir;
  const std::string path = dir.file("model.nnp");
  const auto meta = training_metadata(r, o, 4);
  write_trained_model(path, r.model, meta);
  const auto exported = export_aenet_networks(dir.path().string(), r.model);
  ASSERT_EQ(exported.size(), 1u);

  nnp::ModelSpec native_spec;
  native_spec.path = path;
  const auto native = nnp::load_model(native_spec);
  EXPECT_EQ(native->metadata().at("model_version"), "5");
  EXPECT_EQ(native->metadata().at("parent_version"), "4");
  EXPECT_EQ(native->metadata().at("training_data_digest"), r.data_digest);
  nnp::ModelSpec aenet_spec;
  aenet_spec.path = dir.path().string();  // the directory of the .nn.ascii exports
  aenet_spec.format = "aenet";
  const auto aenet = nnp::load_model(aenet_spec);
  std::optional<long long> version;
  const TrainableModel reloaded = load_trainable_model(path, &version);
  EXPECT_EQ(version, 5);
  EXPECT_EQ(reloaded.parameters(), r.model.parameters());

  for (const auto& lf : data.frames) {
    const FrameFeatures f = compute_features(r.model, lf.frame, true, false);
    const FramePrediction p = predict_frame(r.model, r.model.parameters(), f);
    NeighborList list({native->cutoff(), 0.0, false});
    list.build(lf.frame);
    const ComputeResult a = native->compute(lf.frame, list, {true, false, false});
    const ComputeResult b = aenet->compute(lf.frame, list, {true, false, false});
    EXPECT_NEAR(a.energy, p.energy, 1e-10 * std::abs(p.energy));
    EXPECT_EQ(a.energy, b.energy);
    for (std::size_t i = 0; i < lf.frame.size(); ++i)
      for (int c = 0; c < 3; ++c) {
        EXPECT_NEAR(a.forces[i][c], p.forces[i][c], 1e-10);
        EXPECT_EQ(a.forces[i][c], b.forces[i][c]);
      }
  }
}

TEST(Trainer, AtomicEnergiesAreFittedByLeastSquares) {
  // E = 2 n_A − 3 n_B exactly, compositions varying: the fit recovers both; a given one is kept.
  TrainingSet set;
  for (int s = 0; s < 6; ++s) {
    LabelledFrame lf;
    const int na = 1 + s, nb = 3 + (s * 5) % 4;
    for (int i = 0; i < na; ++i) lf.frame.add_atom(8, Vec3{3.0 * i, 0, 0});
    for (int i = 0; i < nb; ++i) lf.frame.add_atom(22, Vec3{3.0 * i, 5, 0});
    lf.labels.energy = 2.0 * na - 3.0 * nb;
    set.add(std::move(lf), 1.0, "synthetic");
  }
  std::vector<std::size_t> all{0, 1, 2, 3, 4, 5};
  const auto e = fit_atomic_energies(set, all, {8, 22}, {});
  EXPECT_NEAR(e.at(8), 2.0, 1e-6);
  EXPECT_NEAR(e.at(22), -3.0, 1e-6);
  const auto given = fit_atomic_energies(set, all, {8, 22}, {{8, 2.0}});
  EXPECT_EQ(given.at(8), 2.0);
  EXPECT_NEAR(given.at(22), -3.0, 1e-6);  // the fit's 1e-9 ridge
}

TEST(Trainer, RefusesFramesWithUnknownElementsAndBadOptions) {
  REQUIRE_SW();
  TrainingSet data = silicon_set(4, 6);
  TrainOptions o = quick_options(1);
  o.batch_size = 0;
  EXPECT_THROW(slhmc::train::train(small_spec(), data, o), Error);
  o = quick_options(1);
  o.device = "tpu";
  EXPECT_THROW(slhmc::train::train(small_spec(), data, o), Error);
  ModelSpec carbon = small_spec();
  carbon.species = {6};
  EXPECT_THROW(slhmc::train::train(carbon, data, quick_options(1)), Error);
}

TEST(Trainer, CommitteeReportsTheMeanAndTheSpread) {
  REQUIRE_SW();
  const TrainingSet data = silicon_set(12, 7);
  const auto members = train_committee(small_spec(), data, quick_options(10), 3);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_NE(members[0].model.parameters(), members[1].model.parameters());
  EXPECT_NE(members[0].split.validation, members[1].split.validation);
  std::vector<std::shared_ptr<const nnp::Model>> models;
  for (const auto& m : members) models.push_back(std::make_shared<nnp::AenetModel>(m.model.networks(), nnp::AenetModelOptions{}));
  nnp::CommitteeProvider committee(models, 0.5);
  const Frame& frame = data.frames[0].frame;
  const ComputeResult mean = committee.compute(frame, {true, true, false});
  double e = 0;
  std::vector<double> es;
  for (const auto& m : models) {
    nnp::NnpProvider single(m, 0.5);
    const ComputeResult r = single.compute(frame, {true, true, false});
    e += r.energy / 3.0;
    es.push_back(r.energy);
  }
  EXPECT_NEAR(mean.energy, e, 1e-10 * std::abs(e));
  double var = 0;
  for (double x : es) var += (x - e) * (x - e) / 2.0;
  EXPECT_NEAR(committee.last_spread().energy_std, std::sqrt(var), 1e-9);
  EXPECT_GT(committee.last_spread().force_std_max, 0.0);
  EXPECT_NE(mean.extras.find("energy_std_eV"), std::string::npos);
  EXPECT_TRUE(mean.has_virial);
  // Identical members agree: no spread.
  nnp::CommitteeProvider same({models[0], models[0]}, 0.5);
  same.compute(frame, {true, false, false});
  EXPECT_EQ(same.last_spread().energy_std, 0.0);
  EXPECT_EQ(same.last_spread().force_std_max, 0.0);
}
