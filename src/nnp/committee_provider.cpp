// The "committee" ForceProvider (see committee_provider.hpp).
#include "slhmc/nnp/committee_provider.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/nnp/model_loader.hpp"

namespace slhmc::nnp {

namespace {
double largest_cutoff(const std::vector<std::shared_ptr<const Model>>& members) {
  double rc = 0;
  for (const auto& m : members) {
    if (!m) throw Error("committee: a member model is missing");
    rc = std::max(rc, m->cutoff());
  }
  return rc;
}
}  // namespace

CommitteeProvider::CommitteeProvider(std::vector<std::shared_ptr<const Model>> members, double skin)
    : members_(std::move(members)), cutoff_(largest_cutoff(members_)), list_({cutoff_, skin, false}) {
  if (members_.size() < 2) throw Error("committee: at least two models are needed");
  if (!(skin >= 0)) throw Error("committee: skin must be >= 0");
  for (const auto& m : members_)
    if (m->species() != members_.front()->species())
      throw Error("committee: the models cover different species");
}

ComputeResult CommitteeProvider::compute(const Frame& frame, const ComputeRequest& request) {
  list_.update(frame);
  const std::size_t n = frame.size();
  const auto k = static_cast<double>(members_.size());
  ComputeResult mean;
  if (request.forces) mean.forces.assign(n, Vec3{});
  if (request.atomic_energies) mean.atomic_energies.assign(n, 0.0);
  std::vector<double> energies;
  std::vector<Vec3> f_sq(request.forces ? n : 0, Vec3{});
  bool all_virials = request.virial;
  for (const auto& m : members_) {
    const ComputeResult r = m->compute(frame, list_, request);
    energies.push_back(r.energy);
    mean.energy += r.energy / k;
    for (std::size_t i = 0; i < mean.forces.size(); ++i) {
      mean.forces[i] += (1.0 / k) * r.forces[i];
      for (int c = 0; c < 3; ++c) f_sq[i][c] += r.forces[i][c] * r.forces[i][c] / k;
    }
    for (std::size_t i = 0; i < mean.atomic_energies.size(); ++i) mean.atomic_energies[i] += r.atomic_energies[i] / k;
    if (r.has_virial) mean.virial += (1.0 / k) * r.virial;
    all_virials = all_virials && r.has_virial;
  }
  mean.has_virial = all_virials;
  double var_e = 0;
  for (double e : energies) var_e += (e - mean.energy) * (e - mean.energy) / (k - 1);
  spread_ = {std::sqrt(var_e), 0.0, 0.0};
  for (std::size_t i = 0; i < mean.forces.size(); ++i) {
    double v = 0;
    for (int c = 0; c < 3; ++c) v += std::max(0.0, f_sq[i][c] - mean.forces[i][c] * mean.forces[i][c]) * k / (k - 1);
    const double s = std::sqrt(v);
    spread_.force_std_max = std::max(spread_.force_std_max, s);
    spread_.force_std_mean += s / static_cast<double>(n);
  }
  char json[200];
  std::snprintf(json, sizeof json, "{\"energy_std_eV\": %.10g, \"force_std_max_eV_A\": %.10g, \"force_std_mean_eV_A\": %.10g}",
                spread_.energy_std, spread_.force_std_max, spread_.force_std_mean);
  mean.extras = json;
  return mean;
}

std::string CommitteeProvider::description() const {
  return "committee of " + std::to_string(members_.size()) + " models: " + members_.front()->description() +
         ", ... (mean; spread in extras)";
}

namespace {

std::unique_ptr<ForceProvider> make_committee(const Config& c, const ProviderContext& context) {
  const auto paths = c.get_string_array("models");
  if (paths.size() < 2) throw ConfigError(c.key_path("models"), "needs at least two model files");
  std::vector<std::shared_ptr<const Model>> members;
  for (const auto& p : paths) {
    ModelSpec spec;
    spec.path = resolve_path(context, p);
    members.push_back(std::shared_ptr<const Model>(load_model(spec)));
  }
  const double skin = c.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(c.key_path("skin"), "must be >= 0 Å");
  return std::make_unique<CommitteeProvider>(std::move(members), skin);
}

const ProviderRegistration reg("committee", "Committee of NNP models: mean, with the spread as uncertainty",
                               &make_committee);

}  // namespace

}  // namespace slhmc::nnp
