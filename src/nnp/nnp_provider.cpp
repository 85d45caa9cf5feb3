// The "nnp" ForceProvider (see nnp_provider.hpp) and its registration.
#include "slhmc/nnp/nnp_provider.hpp"

#include "slhmc/core/error.hpp"
#include "slhmc/forces/registry.hpp"
#include "slhmc/nnp/model_loader.hpp"

namespace slhmc::nnp {

NnpProvider::NnpProvider(std::shared_ptr<const Model> model, double skin)
    : model_(std::move(model)), list_(NeighborListOptions{model_ ? model_->cutoff() : 0.0, skin, false}) {
  if (!model_) throw Error("nnp provider needs a model");
  if (!(skin >= 0)) throw Error("nnp provider: skin must be ≥ 0");
}

ComputeResult NnpProvider::compute(const Frame& frame, const ComputeRequest& request) {
  list_.update(frame);
  return model_->compute(frame, list_, request);
}

std::string NnpProvider::description() const {
  return "nnp: " + model_->description() + ", skin " + std::to_string(list_.options().skin) + " Å";
}

namespace {

std::unique_ptr<ForceProvider> make_nnp(const Config& c, const ProviderContext& context) {
  ModelSpec spec;
  spec.path = resolve_path(context, c.get_string("model"));
  std::vector<std::string> formats{"auto"};
  for (const auto* f : registered_model_formats()) formats.push_back(f->name);
  spec.format = c.get_choice("format", formats, "auto");
  if (c.has("chebyshev_version")) {
    const long v = c.get_int("chebyshev_version");
    if (v != 0 && v != 1) throw ConfigError(c.key_path("chebyshev_version"), "must be 0 (aenet ≥ 2.0.4) or 1 (aenet ≤ 2.0.3)");
    spec.chebyshev_version = static_cast<int>(v);
  }
  try {
    spec.length_unit_angstrom = length_unit_in_angstrom(c.get_string("length_unit", "angstrom"));
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(c.key_path("length_unit"), e.what());
  }
  try {
    spec.energy_unit_ev = energy_unit_in_ev(c.get_string("energy_unit", "eV"));
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(c.key_path("energy_unit"), e.what());
  }
  const double skin = c.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(c.key_path("skin"), "must be ≥ 0 Å");
  return std::make_unique<NnpProvider>(std::shared_ptr<const Model>(load_model(spec)), skin);
}

const ProviderRegistration reg("nnp", "Neural-network potential (aenet, n2p2 or native model)", &make_nnp);

}  // namespace

}  // namespace slhmc::nnp
