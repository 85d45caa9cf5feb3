// The automatic balance of a TrainerDaemon (see trainer_daemon.hpp): the
// epochs of the next round from the measured sample rate and epoch cost.
#include <algorithm>
#include <cmath>

#include "slhmc/learning/trainer/trainer_daemon.hpp"

namespace slhmc::learning {

void TrainerDaemon::choose_epochs(const train::TrainResult& r, double round_seconds, std::size_t samples) {
  const auto& curve = r.curve;
  if (!options_.auto_balance || arrivals_.size() < 2 || curve.empty() || samples == 0) return;
  const auto& [t0, n0] = arrivals_.front();
  const auto& [t1, n1] = arrivals_.back();
  if (!(t1 > t0) || n1 <= n0) return;
  const double rate = static_cast<double>(n1 - n0) / (t1 - t0);  // samples per second, recently
  const double wanted_s = std::clamp(options_.refresh_fraction * static_cast<double>(data_.size()) / rate,
                                     options_.min_round_s, options_.max_round_s);
  // Epochs cost in proportion to the samples they train on; the rest of a round (features of the
  // new samples, writing and publishing the model) is taken as it was.
  const double per_epoch = curve.size() > 1 ? (curve.back().seconds - curve.front().seconds) / (curve.size() - 1)
                                            : curve.front().seconds;
  const double epoch_s = per_epoch * static_cast<double>(data_.size()) / static_cast<double>(samples);
  const double fixed_s = std::max(0.0, round_seconds - per_epoch * static_cast<double>(curve.size()));
  const double epochs = (wanted_s - fixed_s) / std::max(epoch_s, 1e-9);
  next_epochs_ = static_cast<int>(std::clamp(std::round(epochs), static_cast<double>(options_.min_epochs),
                                             static_cast<double>(options_.max_epochs)));
}

}  // namespace slhmc::learning
