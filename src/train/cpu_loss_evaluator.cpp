// The CPU loss evaluator, and the stand-in for the CUDA one in builds without
// CUDA (the real one is in cuda/ and replaces these two functions there).
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/train/loss_evaluator.hpp"

namespace slhmc::train {

std::size_t TrainingData::bytes() const {
  std::size_t b = 0;
  for (const auto& f : features) b += f.bytes();
  return b;
}

namespace {

class CpuLossEvaluator final : public LossEvaluator {
 public:
  CpuLossEvaluator(const TrainableModel& model, const TrainingData& data, int threads)
      : model_(model), data_(data), threads_(threads) {}

  LossResult evaluate(std::span<const double> parameters, std::span<const std::size_t> indices,
                      const LossWeights& weights, std::span<double> gradient) override {
    batch_.clear();
    for (std::size_t i : indices) batch_.push_back(data_.batch_frame(i));
    return loss_threaded(model_, parameters, batch_, weights, gradient, threads_);
  }
  std::string name() const override { return "cpu"; }

 private:
  const TrainableModel& model_;
  const TrainingData& data_;
  int threads_;
  std::vector<BatchFrame> batch_;
};

}  // namespace

std::unique_ptr<LossEvaluator> make_cpu_loss_evaluator(const TrainableModel& model, const TrainingData& data,
                                                       int threads) {
  return std::make_unique<CpuLossEvaluator>(model, data, threads);
}

#ifndef SLHMC_HAVE_CUDA
bool cuda_device_available() { return false; }
std::unique_ptr<LossEvaluator> make_cuda_loss_evaluator(const TrainableModel&, const TrainingData&) {
  throw Error("this slhmc was built without CUDA (configure with -DSLHMC_CUDA=ON on a machine with nvcc)");
}
#endif

}  // namespace slhmc::train
