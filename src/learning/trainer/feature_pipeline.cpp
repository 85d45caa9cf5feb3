// The trainer's feature worker (see feature_pipeline.hpp).
#include "slhmc/learning/trainer/feature_pipeline.hpp"

#include <string>

#include "slhmc/core/error.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace slhmc::learning {

FeaturePipeline::FeaturePipeline(train::TrainableModel model, bool use_virial, int threads)
    : model_(std::move(model)), use_virial_(use_virial), threads_(threads) {
  thread_ = std::thread([this] { work(); });
}

FeaturePipeline::~FeaturePipeline() {
  {
    const std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void FeaturePipeline::add(std::size_t index, const LabelledFrame& frame) {
  {
    const std::lock_guard lock(mutex_);
    pending_.emplace_back(index, frame);
  }
  wake_.notify_all();
}

std::vector<train::FrameFeatures> FeaturePipeline::take_from(std::size_t first, std::size_t at_least) {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [&] {
    if (failure_) return true;
    std::size_t run = 0;
    for (auto it = ready_.find(first); it != ready_.end() && it->first == first + run && run < at_least; ++it) ++run;
    return run >= at_least;
  });
  if (failure_) std::rethrow_exception(failure_);
  std::vector<train::FrameFeatures> out;
  for (auto it = ready_.find(first); it != ready_.end() && it->first == first + out.size(); it = ready_.erase(it))
    out.push_back(std::move(it->second));
  // Anything before `first` is no longer wanted (dropped by max_samples).
  ready_.erase(ready_.begin(), ready_.lower_bound(first));
  return out;
}

void FeaturePipeline::work() {
  for (;;) {
    std::vector<std::pair<std::size_t, LabelledFrame>> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (stop_) return;
      batch.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
      pending_.clear();
    }
    std::vector<train::FrameFeatures> computed(batch.size());
    std::exception_ptr failure;
#ifdef _OPENMP
    const int threads = threads_ > 0 ? threads_ : omp_get_max_threads();
#endif
    // Same rule as the trainer's own cache: everything the labels allow.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
    for (std::size_t i = 0; i < batch.size(); ++i) {
      try {
        const LabelledFrame& f = batch[i].second;
        computed[i] = train::compute_features(model_, f.frame, f.labels.forces.has_value(),
                                              use_virial_ && f.labels.virial.has_value());
      } catch (const std::exception& e) {
#pragma omp critical(slhmc_feature_pipeline_failure)
        if (!failure) failure = std::make_exception_ptr(Error("sample " + std::to_string(batch[i].first) + ": " + e.what()));
      }
    }
    {
      const std::lock_guard lock(mutex_);
      if (failure && !failure_) failure_ = failure;
      for (std::size_t i = 0; i < batch.size(); ++i) ready_[batch[i].first] = std::move(computed[i]);
    }
    done_.notify_all();
  }
}

}  // namespace slhmc::learning
