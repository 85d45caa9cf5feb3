// The "delayed" provider: another provider plus a fixed wait per call. It
// stands in for an expensive reference (a DFT code costs seconds per call)
// when the balance between walkers and a trainer is measured with a cheap
// potential; the numbers are the inner provider's, unchanged. Config:
//   [reference]  type = "delayed"  delay_ms = 200
//   [reference.inner]  type = "sw"  file = "Si.sw"
#include <chrono>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc {

namespace {

class Delayed final : public ForceProvider {
 public:
  Delayed(std::unique_ptr<ForceProvider> inner, double delay_ms) : inner_(std::move(inner)), delay_ms_(delay_ms) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay_ms_));
    return inner_->compute(frame, request);
  }
  double cutoff() const override { return inner_->cutoff(); }
  std::string description() const override {
    return inner_->description() + " (+ " + std::to_string(delay_ms_) + " ms per call)";
  }

 private:
  std::unique_ptr<ForceProvider> inner_;
  double delay_ms_;
};

std::unique_ptr<ForceProvider> make_delayed(const Config& c, const ProviderContext& context) {
  const double delay = c.get_double("delay_ms");
  if (!(delay >= 0) || delay > 3.6e6) throw ConfigError(c.key_path("delay_ms"), "must be in [0, 3600000] ms");
  return std::make_unique<Delayed>(make_provider(c.section("inner"), context), delay);
}

const ProviderRegistration reg("delayed",
                               "Another provider ([.inner]) plus a fixed wait per call: an expensive reference "
                               "stand-in for balance measurements",
                               &make_delayed);

}  // namespace

}  // namespace slhmc
