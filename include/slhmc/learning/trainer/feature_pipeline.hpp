// Descriptor features of new samples, computed in a thread of their own while
// the trainer trains on the samples it already has. A round of the trainer is
// otherwise features of the new samples (CPU), then epochs (GPU): with many
// walkers the GPU would idle through the first part. The features depend on
// the model's input normalisation only, which warm starts keep, so one model
// snapshot serves until the trainer adopts someone else's model (then the
// trainer makes a new pipeline).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "slhmc/train/features.hpp"
#include "slhmc/train/trainable_model.hpp"

namespace slhmc::learning {

class FeaturePipeline {
 public:
  // `use_virial`: strain derivatives for frames with virials (as the training loss uses them);
  // `threads`: OpenMP threads of the worker (<= 0: all).
  FeaturePipeline(train::TrainableModel model, bool use_virial, int threads);
  ~FeaturePipeline();
  FeaturePipeline(const FeaturePipeline&) = delete;
  FeaturePipeline& operator=(const FeaturePipeline&) = delete;

  // Queues the sample with absolute number `index` (copied). Indices must rise.
  void add(std::size_t index, const LabelledFrame& frame);
  // The features of samples first, first+1, ... as far as they are ready without a gap (moved
  // out), waiting until there are at least `at_least` of them (they must have been added).
  // Rethrows the worker's error, naming the sample.
  std::vector<train::FrameFeatures> take_from(std::size_t first, std::size_t at_least = 0);

 private:
  void work();

  train::TrainableModel model_;
  bool use_virial_;
  int threads_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  std::deque<std::pair<std::size_t, LabelledFrame>> pending_;
  std::map<std::size_t, train::FrameFeatures> ready_;
  std::exception_ptr failure_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace slhmc::learning
