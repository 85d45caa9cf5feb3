// The [training] table of `slhmc run`: when present, the surrogate is an NNP
// learned on the fly (LearningSurrogate) instead of a fixed [surrogate].
// Sub-tables [training.model], [training.loss] and [training.optimizer] take
// the keys of `slhmc train`'s [model], [loss] and [optimizer] (docs/config.md).
#pragma once

#include <string>

#include "slhmc/io/config.hpp"
#include "slhmc/learning/walker/learning_surrogate.hpp"
#include "slhmc/train/train_config.hpp"

namespace slhmc::learning {

// `temperature_K` and `seed` come from the sampler; relative paths resolve against base_dir.
LearningOptions read_learning_options(const Config& training, const std::string& base_dir, double temperature_K,
                                      std::uint64_t seed);

// The keys shared by every [training] table: validation_fraction, threads and the sub-tables
// [training.model], [training.loss], [training.optimizer] (whose `epochs` is refused: rounds set it).
train::TrainJob read_training_tables(const Config& training, const std::string& base_dir,
                                     const train::TrainOptions& defaults);

}  // namespace slhmc::learning
