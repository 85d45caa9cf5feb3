// The isotropic volume move for NPT and its registration as "volume".
#include "slhmc/sampling/volume_move.hpp"

#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/sampling/cell_trial.hpp"

namespace slhmc::sampling {

namespace {
const MoveRegistration reg("volume", "isotropic volume move (NPT): random walk in ln V at fixed fractional coordinates",
                           [](const Config& sampler) -> MoveMaker {
                             const VolumeMoveOptions o = read_volume_move_options(sampler);
                             return [o] { return std::make_unique<VolumeMove>(o); };
                           });
}  // namespace

void VolumeMoveOptions::validate() const {
  if (!(temperature_K > 0)) throw Error("volume move: temperature must be positive");
  if (!std::isfinite(pressure_GPa)) throw Error("volume move: pressure must be finite");
  if (!(max_log_volume_change > 0 && max_log_volume_change < 1))
    throw Error("volume move: the maximum ln-volume change must be in (0, 1)");
}

VolumeMoveOptions read_volume_move_options(const Config& s) {
  VolumeMoveOptions o;
  o.temperature_K = s.get_double("temperature_K");
  o.pressure_GPa = s.get_double("pressure_GPa", 0.0);
  o.max_log_volume_change = s.get_double("max_log_volume_change", 0.02);
  try {
    o.validate();
  } catch (const Error& e) {
    throw ConfigError(s.path(), e.what());
  }
  return o;
}

VolumeMove::VolumeMove(VolumeMoveOptions options) : options_(options) { options_.validate(); }

TrialRecord VolumeMove::attempt(ChainState& state, const MoveProviders& providers, Rng& rng) {
  if (!state.frame.cell.fully_periodic()) throw Error("volume moves need a cell periodic in all three directions");
  const double kT = units::kBoltzmann * options_.temperature_K;
  TrialRecord rec;
  rec.trial = ++state.trials;
  rec.move = "volume";

  // Random walk in ln V at fixed fractional coordinates.
  const double d = rng.uniform(-options_.max_log_volume_change, options_.max_log_volume_change);
  const double v_old = state.frame.cell.volume();
  const double factor = std::exp(d);
  const double v_new = v_old * factor;
  const double linear = std::cbrt(factor);
  Frame x = state.frame;
  x.cell = state.frame.cell.scaled_volume(factor);
  for (auto& r : x.positions) r *= linear;  // isotropic scaling keeps fractional coordinates

  // N from the scaled coordinates, +1 because the walk is uniform in ln V.
  const double n = static_cast<double>(state.frame.size());
  finish_cell_trial(state, std::move(x), {v_old, v_new, options_.pressure_GPa, kT, (n + 1.0) * d}, providers.reference,
                    rng, rec);
  return rec;
}

}  // namespace slhmc::sampling
