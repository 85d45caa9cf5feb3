// Where the loss of a batch is computed: on the CPU (threaded, the reference)
// or on a CUDA GPU (features resident in GPU memory, one GEMM per species per
// batch). The trainer sees only this interface; both take the same data and
// give the same loss and gradient (FP64, to 1e-10 relative; tested on a GPU).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "slhmc/train/features.hpp"
#include "slhmc/train/loss.hpp"
#include "slhmc/train/trainable_model.hpp"

namespace slhmc::train {

// Every frame the trainer may put in a batch, with its features (built with the model's
// normalisation) and whether its forces/virial enter the loss.
struct TrainingData {
  std::vector<const LabelledFrame*> frames;
  std::vector<FrameFeatures> features;
  std::vector<double> weights;
  std::vector<char> use_forces, use_virial;

  std::size_t size() const { return frames.size(); }
  std::size_t bytes() const;
  BatchFrame batch_frame(std::size_t i) const {
    return {&features[i], frames[i], weights[i], use_forces[i] != 0, use_virial[i] != 0};
  }
};

class LossEvaluator {
 public:
  virtual ~LossEvaluator() = default;
  // Loss over the frames `indices` (into TrainingData) with `parameters`; adds the gradient
  // to `gradient` when it is not empty.
  virtual LossResult evaluate(std::span<const double> parameters, std::span<const std::size_t> indices,
                              const LossWeights& weights, std::span<double> gradient) = 0;
  virtual std::string name() const = 0;
};

// The CPU evaluator (loss_threaded over the batch). `model` and `data` must outlive it.
std::unique_ptr<LossEvaluator> make_cpu_loss_evaluator(const TrainableModel& model, const TrainingData& data,
                                                       int threads);

// True if slhmc was built with CUDA and a CUDA device is present.
bool cuda_device_available();
// The GPU evaluator: copies the features to the GPU once. Throws Error if slhmc was built without
// CUDA or no device is present (the message says which).
std::unique_ptr<LossEvaluator> make_cuda_loss_evaluator(const TrainableModel& model, const TrainingData& data);

}  // namespace slhmc::train
