// The training settings of a config file: [data], [model], [loss],
// [optimizer], [run] and [output] for `slhmc train`; the learning loop of
// `slhmc run` reads the same [model], [loss] and [optimizer] tables from its
// [training] section. Every key is documented in docs/config.md.
#pragma once

#include <string>

#include "slhmc/io/config.hpp"
#include "slhmc/train/trainer.hpp"
#include "slhmc/train/training_set.hpp"

namespace slhmc::train {

struct TrainOutputOptions {
  std::string directory = "train-out";
  std::string model = "model.nnp";            // native model file
  bool export_aenet = true;                   // <Symbol>.nn.ascii beside it
  std::string learning_curve = "learning_curve.csv";
  bool plots = true;                          // learning_curve.svg, parity_energy.svg, parity_forces.svg
};

struct TrainJob {
  TrainingSetOptions data;
  std::string init_model;   // warm start from this model file (resolved path); empty: from scratch
  ModelSpec spec;
  TrainOptions options;
  TrainOutputOptions output;
};

// [model] (spec or `init`), [loss], [optimizer] of `root`; relative paths resolve against base_dir.
void read_model_section(const Config& model, const std::string& base_dir, TrainJob& job);
void read_loss_section(const Config& loss, TrainOptions& options);
void read_optimizer_section(const Config& optimizer, TrainOptions& options);

// A whole `slhmc train` config.
TrainJob read_train_config(const Config& root, const std::string& base_dir);

}  // namespace slhmc::train
