// One training round, the same for the synchronous learner of a walker and
// for the trainer daemon: train on a set (warm from the current model's file,
// or from scratch), stamp the new model's metadata (version, parent, the
// caller's marks) and write it as the next version of a ModelLineage. What a
// round trains on, and what happens to the model afterwards (swap it in,
// publish it, log it), stays with the caller.
#pragma once

#include <map>
#include <string>

#include "slhmc/learning/model_lineage.hpp"
#include "slhmc/train/trainer.hpp"

namespace slhmc::learning {

struct RoundInput {
  long long version = 0;                     // the current model's version; the new one is version + 1
  std::string base;                          // the current model's lineage entry; "" : from scratch
  const train::ModelSpec* scratch = nullptr; // the architecture of a model from scratch
  std::map<std::string, std::string> marks;  // further metadata keys of the new model
};

struct RoundOutput {
  train::TrainResult result;
  long long version = 0;  // of the new model
  std::string entry;      // its lineage entry ("models/model-vN.nnp")
};

// `options` holds the round's epochs, seed, device and feature cache. Throws Error (a bad base
// model, a failed write).
RoundOutput run_training_round(const ModelLineage& lineage, const RoundInput& input, const train::TrainingSet& set,
                        const train::TrainOptions& options);

}  // namespace slhmc::learning
