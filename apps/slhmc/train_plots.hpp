// Pictures of a training run: the learning curve (train/validation RMSE of
// energies and forces per epoch) and parity plots of the final model's
// predictions against the reference labels, evaluated through the same
// inference code a user runs (the aenet evaluator of the trained networks).
#pragma once

#include <string>
#include <vector>

#include "slhmc/train/trainer.hpp"
#include "slhmc/train/training_set.hpp"

namespace slhmc::cli {

// Writes learning_curve.svg, parity_energy.svg and (with force labels) parity_forces.svg into
// `directory`; returns the paths written.
std::vector<std::string> write_training_plots(const std::string& directory, const train::TrainResult& result,
                                              const train::TrainingSet& data);

}  // namespace slhmc::cli
