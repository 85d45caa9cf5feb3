// The isotropic volume move for NPT (registered as "volume"): random walk in
// ln V at fixed fractional coordinates, accepted with
// min{1, exp(−β[ΔV_ref + PΔV] + (N+1) ln(V'/V))}. Needs a fully periodic cell.
#pragma once

#include <string>

#include "slhmc/sampling/move.hpp"

namespace slhmc::sampling {

struct VolumeMoveOptions {
  double temperature_K = 300.0;
  double pressure_GPa = 0.0;
  double max_log_volume_change = 0.02;  // Δ: ln V' − ln V uniform in [−Δ, Δ]
  void validate() const;
};

// Reads temperature_K, pressure_GPa and max_log_volume_change; throws ConfigError naming the key.
VolumeMoveOptions read_volume_move_options(const Config& sampler);

class VolumeMove final : public Move {
 public:
  explicit VolumeMove(VolumeMoveOptions options);
  const VolumeMoveOptions& options() const { return options_; }
  std::string name() const override { return "volume"; }
  // Uses only providers.reference.
  TrialRecord attempt(ChainState& state, const MoveProviders& providers, Rng& rng) override;

 private:
  VolumeMoveOptions options_;
};

}  // namespace slhmc::sampling
