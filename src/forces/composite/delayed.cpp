// The "delayed" provider: another provider plus a fixed wait per call, and
// optionally a gate. It stands in for an expensive reference (a DFT code
// costs seconds per call) when the balance between walkers and a trainer is
// measured with a cheap potential; the numbers are the inner provider's,
// unchanged. The gate (`wait_for_file`) holds every call after the first
// `wait_after_calls` until a file exists: a run can then be made to wait for an
// event (a trainer publishing a model) instead of hoping that its timing works
// out. Config:
//   [reference]  type = "delayed"  delay_ms = 200
//                wait_for_file = "exchange/model-v2.nnp"  wait_after_calls = 40  wait_timeout_s = 600
//   [reference.inner]  type = "sw"  file = "Si.sw"
#include <chrono>
#include <filesystem>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"

namespace slhmc {

namespace {

struct Gate {
  std::string file;  // "" : no gate
  long after_calls = 0;
  double timeout_s = 600.0;
};

class Delayed final : public ForceProvider {
 public:
  Delayed(std::unique_ptr<ForceProvider> inner, double delay_ms, Gate gate)
      : inner_(std::move(inner)), delay_ms_(delay_ms), gate_(std::move(gate)) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    if (!gate_.file.empty() && calls_++ >= gate_.after_calls) wait_for_gate();
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(delay_ms_));
    return inner_->compute(frame, request);
  }
  double cutoff() const override { return inner_->cutoff(); }
  std::string description() const override {
    std::string d = inner_->description() + " (+ " + std::to_string(delay_ms_) + " ms per call";
    if (!gate_.file.empty())
      d += "; after " + std::to_string(gate_.after_calls) + " calls, each waits for " + gate_.file;
    return d + ")";
  }

 private:
  void wait_for_gate() const {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(gate_.timeout_s);
    while (!std::filesystem::exists(gate_.file)) {
      if (std::chrono::steady_clock::now() > until)
        throw EngineError("delayed provider: '" + gate_.file + "' did not appear within " +
                          std::to_string(gate_.timeout_s) + " s (wait_timeout_s)");
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }

  std::unique_ptr<ForceProvider> inner_;
  double delay_ms_;
  Gate gate_;
  long calls_ = 0;
};

std::unique_ptr<ForceProvider> make_delayed(const Config& c, const ProviderContext& context) {
  const double delay = c.get_double("delay_ms", 0.0);
  if (!(delay >= 0) || delay > 3.6e6) throw ConfigError(c.key_path("delay_ms"), "must be in [0, 3600000] ms");
  Gate gate;
  if (c.has("wait_for_file")) {
    gate.file = resolve_path(context, c.get_string("wait_for_file"));
    gate.after_calls = c.get_int("wait_after_calls", 0);
    if (gate.after_calls < 0) throw ConfigError(c.key_path("wait_after_calls"), "must be >= 0");
    gate.timeout_s = c.get_double("wait_timeout_s", gate.timeout_s);
    if (!(gate.timeout_s > 0)) throw ConfigError(c.key_path("wait_timeout_s"), "must be > 0 seconds");
  } else {
    for (const char* key : {"wait_after_calls", "wait_timeout_s"})
      if (c.has(key)) throw ConfigError(c.key_path(key), "only with wait_for_file");
  }
  return std::make_unique<Delayed>(make_provider(c.section("inner"), context), delay, std::move(gate));
}

const ProviderRegistration reg("delayed",
                               "Another provider ([.inner]) plus a fixed wait per call, optionally held until a "
                               "file exists: an expensive reference stand-in for balance measurements and tests",
                               &make_delayed);

}  // namespace

}  // namespace slhmc
