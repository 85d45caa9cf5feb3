// Drawing a move per trial from a weighted mix, and reading the mix from [sampler].
#include "slhmc/sampling/move_mix.hpp"

#include <algorithm>
#include <cmath>

#include "slhmc/core/error.hpp"

namespace slhmc::sampling {

std::vector<MoveChoice> in_draw_order(std::vector<MoveChoice> choices) {
  std::stable_sort(choices.begin(), choices.end(), [](const MoveChoice& a, const MoveChoice& b) {
    const bool a_hmc = a.name == "hmc", b_hmc = b.name == "hmc";
    if (a_hmc != b_hmc) return b_hmc;
    return a.name < b.name;
  });
  return choices;
}

std::vector<MoveChoice> hmc_and_volume(double f, MoveMaker hmc, MoveMaker volume) {
  std::vector<MoveChoice> choices;
  // "volume if u < f", HMC otherwise.
  if (f > 0) choices.push_back({"volume", f, std::move(volume)});
  choices.push_back({"hmc", 1.0 - f, std::move(hmc)});
  return choices;
}

std::vector<MoveChoice> read_move_mix(const Config& s) {
  const std::optional<Config> table = s.optional_section("moves");
  if (table && s.has("volume_move_fraction"))
    throw ConfigError(s.key_path("volume_move_fraction"), "give either this or [sampler.moves], not both");
  if (!table) {
    // Today's keys: HMC, plus volume moves with probability volume_move_fraction. The volume
    // options are read even for NVT, as they always were (a pressure there is not an error).
    const double f = s.get_double("volume_move_fraction", 0.0);
    if (!(f >= 0 && f <= 1)) throw ConfigError(s.key_path("volume_move_fraction"), "must be in [0, 1]");
    MoveMaker hmc = move_maker("hmc", s, s.path());
    return hmc_and_volume(f, std::move(hmc), move_maker("volume", s, s.path()));
  }
  std::vector<MoveChoice> choices;
  double total = 0;
  for (const std::string& name : table->keys()) {
    const double w = table->get_double(name);
    if (!(w >= 0) || !std::isfinite(w)) throw ConfigError(table->key_path(name), "a move weight must be a number >= 0");
    MoveMaker make = move_maker(name, s, table->key_path(name));
    if (w > 0) {
      choices.push_back({name, w, std::move(make)});
      total += w;
    }
  }
  if (choices.empty()) throw ConfigError(table->path(), "give at least one move a positive weight");
  for (auto& c : choices) c.probability /= total;
  return in_draw_order(std::move(choices));
}

MoveMix::MoveMix(const std::vector<MoveChoice>& choices) {
  if (choices.empty()) throw Error("a sampler needs at least one move");
  double cumulative = 0;
  for (const MoveChoice& c : choices) {
    if (!(c.probability >= 0)) throw Error("move '" + c.name + "': probability must be >= 0");
    moves_.push_back(c.make());
    cumulative += c.probability;
    upper_.push_back(cumulative);
  }
}

Move& MoveMix::choose(Rng& rng) {
  if (moves_.size() == 1) return *moves_.front();
  const double u = rng.uniform();
  for (std::size_t i = 0; i + 1 < moves_.size(); ++i)
    if (u < upper_[i]) return *moves_[i];
  return *moves_.back();
}

Move* MoveMix::find(const std::string& name) const {
  for (const auto& m : moves_)
    if (m->name() == name) return m.get();
  return nullptr;
}

}  // namespace slhmc::sampling
