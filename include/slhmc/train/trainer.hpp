// The trainer: from a training set to a model, on the CPU or a CUDA GPU.
//
//   TrainResult r = train(spec, data, options);       // from scratch
//   TrainResult r = train(std::move(model), data, o); // warm start (the learning loop)
//
// From scratch, the input normalisation and the energy scale/shift come from
// the training split, and atomic reference energies missing from the spec
// are fitted by least squares. A warm start keeps all of them (changing them
// would change the model's function) and continues from its weights.
// With a fixed seed, training on the CPU is deterministic (independent of
// the thread count).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "slhmc/train/features.hpp"
#include "slhmc/train/loss.hpp"
#include "slhmc/train/optimizer.hpp"
#include "slhmc/train/trainable_model.hpp"
#include "slhmc/train/training_set.hpp"

namespace slhmc::train {

struct EpochRecord {
  int epoch = 0;                 // 1-based
  double learning_rate = 0.0;
  double train_loss = 0.0;       // mean over the epoch's batches, as trained
  ErrorSums train;               // running errors over the epoch's batches
  double validation_loss = 0.0;  // with the evaluated weights (EMA if on), 0 without validation set
  ErrorSums validation;
  double seconds = 0.0;          // since training started
};

// Features kept between training runs on a growing data set (the learning loop): entry i holds
// the features of data.frames[i]. Valid only while the frames keep their order and the model
// keeps its normalisation (true for warm starts); frames with forces get their Jacobian, frames
// with virials their strain derivative when virials are used.
struct FeatureCache {
  std::vector<FrameFeatures> features;
  void drop_front(std::size_t count);
};

struct TrainOptions {
  int epochs = 1000;
  int batch_size = 32;               // frames per step (Adam); L-BFGS uses the whole training split
  double validation_fraction = 0.1;
  std::uint64_t seed = 1;
  LossWeights loss;
  // Frames whose forces enter the loss: `force_frames` of them (if >= 0) or else this fraction of
  // the training frames that have forces, chosen once by the seed.
  double force_fraction = 1.0;
  long long force_frames = -1;
  bool use_virial = false;           // train on virials where frames have them
  OptimizerOptions optimizer;
  int patience = 0;                  // stop after this many epochs without a better validation loss; 0: never
  double ema_decay = 0.0;            // exponential moving average of the weights (0: off), e.g. 0.999
  int threads = 0;                   // CPU threads (≤ 0: all)
  std::string device = "cpu";        // "cpu", "cuda", or "auto" (cuda if available)
  double max_seconds = 0.0;          // stop after this wall time (0: no limit)
  // Stop as soon as the validation RMSEs reach both targets (eV/atom, eV/Å; 0: no target).
  double target_energy_rmse = 0.0, target_force_rmse = 0.0;
  std::function<void(const EpochRecord&)> on_epoch;  // progress, called after every epoch
  FeatureCache* feature_cache = nullptr;  // reuse and extend (see FeatureCache); null: compute all
};

struct TrainResult {
  TrainableModel model;              // the best weights (lowest validation loss, else the last)
  std::vector<EpochRecord> curve;
  int best_epoch = 0;
  std::string data_digest;           // training_set_digest of the data
  Split split;
  std::string device;                // what computed the loss ("cpu", "cuda")
  std::size_t feature_bytes = 0;     // memory of the stored features
  double feature_seconds = 0.0;      // time to compute them
  std::string stop_reason;

  // The best epoch's record (the first epoch's if none was better than nothing, a default one
  // when no epoch ran), and its errors: on the validation split, or on the training batches
  // when there is none.
  EpochRecord best() const {
    if (curve.empty()) return {};
    return curve[static_cast<std::size_t>(std::clamp(best_epoch, 1, static_cast<int>(curve.size())) - 1)];
  }
  ErrorSums best_errors() const { return split.validation.empty() ? best().train : best().validation; }
};

TrainResult train(TrainableModel model, const TrainingSet& data, const TrainOptions& options);
TrainResult train(const ModelSpec& spec, const TrainingSet& data, const TrainOptions& options);

// A committee: `members` models from scratch with seeds seed, seed + 1, ... (different initial
// weights and different validation splits, hence different training subsets). Use them together
// through the "committee" ForceProvider (mean and spread).
std::vector<TrainResult> train_committee(const ModelSpec& spec, const TrainingSet& data, const TrainOptions& options,
                                         int members);

// The from-scratch set-up on the given frames: normalisation, atomic energies (given or fitted),
// energy scale and shift. Exposed for tests and for the learning loop's first model.
void initialise_from_data(TrainableModel& model, const TrainingSet& data, const std::vector<std::size_t>& frames,
                          const std::map<int, double>& given_atomic_energies);

// Least-squares atomic energies: E_s ≈ Σ_Z n_Z(s) e_Z over `frames`, with `given` ones fixed.
std::map<int, double> fit_atomic_energies(const TrainingSet& data, const std::vector<std::size_t>& frames,
                                          const std::vector<int>& species, const std::map<int, double>& given);

}  // namespace slhmc::train
