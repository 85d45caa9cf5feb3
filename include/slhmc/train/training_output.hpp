// What a training run leaves behind: the model in the native format (with
// its lineage and the digest of its training data), the per-species aenet
// ASCII exports, and the learning curve as CSV. Every file is written
// atomically, so a reader (a walker hot-swapping models) never sees half of one.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "slhmc/nnp/native_model.hpp"
#include "slhmc/train/trainer.hpp"

namespace slhmc::train {

// Metadata for a model trained by `result`: version = parent + 1 (1 from scratch), the digest,
// a description with the errors reached, and the main settings under `trainer.*`.
nnp::NativeModelMetadata training_metadata(const TrainResult& result, const TrainOptions& options,
                                           std::optional<long long> parent_version);

void write_trained_model(const std::string& path, const TrainableModel& model,
                         const nnp::NativeModelMetadata& metadata);

// <directory>/<Symbol>.nn.ascii for every species (aenet's ASCII interchange layout, §A12);
// returns the paths written.
std::vector<std::string> export_aenet_networks(const std::string& directory, const TrainableModel& model);

// epoch, learning_rate, train_loss, train/validation RMSEs (meV/atom, meV/Å), seconds.
std::string format_learning_curve_csv(const std::vector<EpochRecord>& curve);

// A native model file read back for a warm start (Chebyshev version 0 networks).
TrainableModel load_trainable_model(const std::string& path, std::optional<long long>* model_version = nullptr);

}  // namespace slhmc::train
