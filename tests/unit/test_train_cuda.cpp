// The GPU loss evaluator's own behaviour: without a device the library says
// clearly why it cannot train on the GPU, and it refuses bad input. Its
// agreement with the plain reference (loss_reference, 1e-10 relative in FP64)
// is tested in tests/consistency/test_loss_consistency.cpp (backend Cuda).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/train/loss_evaluator.hpp"
#include "test_support.hpp"
#include "train_test_helpers.hpp"

using namespace slhmc;
using namespace slhmc::train;
using namespace slhmc::test::train_helpers;

#define SLHMC_REQUIRE_CUDA_DEVICE() \
  if (!cuda_device_available()) GTEST_SKIP() << "no CUDA device"

TEST(TrainCuda, WithoutADeviceTheGpuEvaluatorRefusesClearly) {
  if (cuda_device_available()) GTEST_SKIP() << "a CUDA device is present";
  const TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 2);
  const TrainingData data = training_data(p);
  try {
    make_cuda_loss_evaluator(model, data);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_TRUE(msg.find("CUDA") != std::string::npos) << msg;
    EXPECT_TRUE(msg.find("no CUDA device") != std::string::npos || msg.find("without CUDA") != std::string::npos)
        << msg;
  }
}

TEST(TrainCuda, RefusesBadInput) {
  SLHMC_REQUIRE_CUDA_DEVICE();
  const TrainableModel model = small_model();
  const PreparedBatch p = prepare(model, 2);
  const TrainingData data = training_data(p);
  auto gpu = make_cuda_loss_evaluator(model, data);
  std::vector<double> params = model.parameters();
  EXPECT_THROW(gpu->evaluate(params, std::vector<std::size_t>{5}, {}, {}), Error);
  params.pop_back();
  EXPECT_THROW(gpu->evaluate(params, std::vector<std::size_t>{0}, {}, {}), Error);
}
