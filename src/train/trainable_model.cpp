// TrainableModel: building untrained networks from a spec, importing aenet
// networks for warm starts, and writing the parameters back into them.
#include "slhmc/train/trainable_model.hpp"

#include <algorithm>
#include <cmath>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"

namespace slhmc::train {

namespace {

std::size_t layer_parameters(const std::vector<int>& nodes) {
  std::size_t n = 0;
  for (std::size_t l = 0; l + 1 < nodes.size(); ++l)
    n += static_cast<std::size_t>(nodes[l] + 1) * static_cast<std::size_t>(nodes[l + 1]);
  return n;
}

int chebyshev_size(const ChebyshevSetup& c, std::size_t num_env) {
  const int n = (c.radial_order + 1) + (c.angular_order + 1);
  return num_env > 1 ? 2 * n : n;
}

// Chebyshev version 0 (aenet ≥ 2.0.4) is what slhmc trains.
constexpr int kChebyshevVersion = 0;

}  // namespace

bool trainable_activation(nnp::Activation a) {
  using nnp::Activation;
  return a == Activation::linear || a == Activation::tanh || a == Activation::sigmoid || a == Activation::mtanh ||
         a == Activation::twist;
}

TrainableModel TrainableModel::from_spec(const ModelSpec& spec, std::uint64_t seed) {
  if (spec.species.empty()) throw Error("model: no species");
  const ChebyshevSetup& c = spec.chebyshev;
  if (!(c.radial_cutoff > 0) || !(c.angular_cutoff > 0) || c.radial_order < 0 || c.angular_order < 0)
    throw Error("model: Chebyshev cutoffs must be > 0 and orders >= 0");
  if (c.radial_order > 100 || c.angular_order > 100) throw Error("model: Chebyshev orders above 100 are not supported");
  if (spec.hidden.empty()) throw Error("model: at least one hidden layer is needed");
  for (int h : spec.hidden)
    if (h < 1 || h > 4096) throw Error("model: hidden layer sizes must be in 1..4096, got " + std::to_string(h));
  if (!trainable_activation(spec.activation))
    throw Error(std::string("model: activation '") + nnp::activation_name(spec.activation) + "' cannot be trained");
  std::vector<std::string> env;
  for (int z : spec.species) {
    if (z < 1 || z > kMaxAtomicNumber) throw Error("model: unknown atomic number " + std::to_string(z));
    env.emplace_back(element_symbol(z));
  }

  std::vector<nnp::AenetNetFile> files;
  for (std::size_t s = 0; s < spec.species.size(); ++s) {
    nnp::AenetNetFile f;
    f.source = "trainer";
    const int nsf = chebyshev_size(c, env.size());
    f.nnodes.push_back(nsf);
    for (int h : spec.hidden) f.nnodes.push_back(h);
    f.nnodes.push_back(1);
    for (std::size_t l = 0; l < spec.hidden.size(); ++l) f.activation_codes.push_back(nnp::aenet_code(spec.activation));
    f.activation_codes.push_back(nnp::aenet_code(nnp::Activation::linear));
    f.weights.assign(layer_parameters(f.nnodes), 0.0);
    f.description = "trained by slhmc";
    f.atomtype = env[s];
    f.envtypes = env;
    f.rc_min = 0.0;
    f.rc_max = std::max(c.radial_cutoff, c.angular_cutoff);
    f.sftype = "Chebyshev";
    f.nsf = nsf;
    f.nsfparam = 4;
    f.sf.assign(nsf, 0);
    f.sfparam.assign(static_cast<std::size_t>(4) * nsf, 0.0);
    f.sfparam[0] = c.radial_cutoff;
    f.sfparam[1] = c.radial_order;
    f.sfparam[2] = c.angular_cutoff;
    f.sfparam[3] = c.angular_order;
    f.sfenv.assign(static_cast<std::size_t>(2) * nsf, 0);
    f.sfval_min.assign(nsf, 0.0);
    f.sfval_max.assign(nsf, 0.0);
    f.sfval_avg.assign(nsf, 0.0);
    f.sfval_cov.assign(nsf, 1.0);  // unit variance until set_normalisation
    f.trainset_file = "-";
    f.normalized = true;
    f.type_names = env;
    for (int z : spec.species) {
      const auto it = spec.atomic_energies.find(z);
      f.e_atom.push_back(it == spec.atomic_energies.end() ? 0.0 : it->second);
    }
    // Glorot-uniform weights: each species its own stream of the seed.
    Rng rng(seed, 1000 + s);
    std::size_t iw = 0;
    for (std::size_t l = 0; l + 1 < f.nnodes.size(); ++l) {
      const int n_in = f.nnodes[l], n_out = f.nnodes[l + 1];
      const double limit = std::sqrt(6.0 / (n_in + n_out));
      for (int q = 0; q < n_in; ++q)
        for (int p = 0; p < n_out; ++p) f.weights[iw + static_cast<std::size_t>(q) * n_out + p] = rng.uniform(-limit, limit);
      iw += static_cast<std::size_t>(n_in + 1) * n_out;  // biases stay 0
    }
    files.push_back(std::move(f));
  }
  return from_networks(std::move(files));
}

TrainableModel TrainableModel::from_networks(std::vector<nnp::AenetNetFile> files) {
  if (files.empty()) throw Error("model: no networks");
  TrainableModel m;
  for (auto& f : files) {
    SpeciesNetwork sp;
    sp.symbol = f.atomtype;
    sp.z = atomic_number_or_zero(f.atomtype);
    if (sp.z <= 0) throw Error(f.source + ": unknown species '" + f.atomtype + "'");
    if (m.species_index(sp.z) >= 0) throw Error(f.source + ": species " + f.atomtype + " appears twice");
    const nnp::Network net = f.network();  // validates the layout
    sp.nodes = f.nnodes;
    for (const auto& layer : net.layers()) {
      if (!trainable_activation(layer.activation))
        throw Error(f.source + ": activation '" + nnp::activation_name(layer.activation) + "' cannot be trained");
      sp.activations.push_back(layer.activation);
    }
    sp.descriptor = nnp::make_aenet_descriptor(f, kChebyshevVersion);
    if (sp.descriptor->size() != sp.num_inputs())
      throw Error(f.source + ": the descriptor has " + std::to_string(sp.descriptor->size()) + " functions, the network " +
                  std::to_string(sp.num_inputs()) + " inputs");
    // Normalisation as the evaluator applies it (§A7).
    const std::size_t n = static_cast<std::size_t>(sp.num_inputs());
    sp.shift.resize(n);
    sp.scale.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
      sp.shift[k] = f.sfval_avg[k];
      const double var = f.sfval_cov[k] - f.sfval_avg[k] * f.sfval_avg[k];
      const double sd = var > 0 ? std::sqrt(var) : 0.0;
      sp.scale[k] = sd <= 1e-10 ? 0.0 : 1.0 / sd;
    }
    sp.e_scale = 1.0 / f.scale;
    sp.e_shift = f.shift;
    const auto it = std::find(f.type_names.begin(), f.type_names.end(), f.atomtype);
    sp.e_atom = it == f.type_names.end() ? 0.0 : f.e_atom[static_cast<std::size_t>(it - f.type_names.begin())];
    sp.offset = m.params_.size();
    sp.size = f.weights.size();
    m.params_.insert(m.params_.end(), f.weights.begin(), f.weights.end());
    sp.file = std::move(f);
    m.species_.push_back(std::move(sp));
  }
  for (const auto& sp : m.species_)
    for (const auto& e : sp.file.envtypes)
      if (m.species_index(atomic_number_or_zero(e)) < 0)
        throw Error(sp.file.source + ": environment species " + e + " has no network");
  return m;
}

TrainableModel TrainableModel::clone() const {
  TrainableModel copy = from_networks(networks());
  return copy;
}

int TrainableModel::species_index(int z) const {
  for (std::size_t s = 0; s < species_.size(); ++s)
    if (species_[s].z == z) return static_cast<int>(s);
  return -1;
}

std::vector<int> TrainableModel::atomic_numbers() const {
  std::vector<int> zs;
  for (const auto& sp : species_) zs.push_back(sp.z);
  return zs;
}

double TrainableModel::cutoff() const {
  double rc = 0;
  for (const auto& sp : species_) rc = std::max(rc, sp.descriptor->cutoff());
  return rc;
}

void TrainableModel::set_normalisation(std::size_t s, const std::vector<double>& mean,
                                       const std::vector<double>& mean_square, const std::vector<double>& min,
                                       const std::vector<double>& max, long long count) {
  SpeciesNetwork& sp = species_.at(s);
  const std::size_t n = static_cast<std::size_t>(sp.num_inputs());
  if (mean.size() != n || mean_square.size() != n || min.size() != n || max.size() != n)
    throw Error("model: normalisation statistics of the wrong size");
  sp.file.sfval_avg = mean;
  sp.file.sfval_cov = mean_square;
  sp.file.sfval_min = min;
  sp.file.sfval_max = max;
  sp.file.neval = static_cast<int>(std::min<long long>(count, 2147483647LL));
  for (std::size_t k = 0; k < n; ++k) {
    sp.shift[k] = mean[k];
    const double var = mean_square[k] - mean[k] * mean[k];
    const double sd = var > 0 ? std::sqrt(var) : 0.0;
    sp.scale[k] = sd <= 1e-10 ? 0.0 : 1.0 / sd;
  }
}

void TrainableModel::set_energy_scaling(double e_scale, double e_shift) {
  if (!(e_scale > 0) || !std::isfinite(e_scale) || !std::isfinite(e_shift))
    throw Error("model: the energy scale must be finite and > 0");
  for (auto& sp : species_) {
    sp.e_scale = e_scale;
    sp.e_shift = e_shift;
    sp.file.scale = 1.0 / e_scale;
    sp.file.shift = e_shift;
  }
}

void TrainableModel::set_atomic_energy(std::size_t s, double e_atom) {
  SpeciesNetwork& target = species_.at(s);
  target.e_atom = e_atom;
  // Every file carries the whole list (aenet looks the central species up by name).
  for (auto& sp : species_) {
    auto it = std::find(sp.file.type_names.begin(), sp.file.type_names.end(), target.symbol);
    if (it == sp.file.type_names.end()) {
      sp.file.type_names.push_back(target.symbol);
      sp.file.e_atom.push_back(e_atom);
    } else {
      sp.file.e_atom[static_cast<std::size_t>(it - sp.file.type_names.begin())] = e_atom;
    }
  }
}

void TrainableModel::set_training_info(const std::string& name, long long num_atoms, long long num_structures,
                                       double e_min, double e_max, double e_mean) {
  for (auto& sp : species_) {
    sp.file.trainset_file = name.empty() ? "-" : name;
    sp.file.natoms_tot = static_cast<int>(std::min<long long>(num_atoms, 2147483647LL));
    sp.file.nstrucs = static_cast<int>(std::min<long long>(num_structures, 2147483647LL));
    sp.file.e_min = e_min;
    sp.file.e_max = e_max;
    sp.file.e_av = e_mean;
  }
}

std::vector<nnp::AenetNetFile> TrainableModel::networks() const {
  std::vector<nnp::AenetNetFile> files;
  for (const auto& sp : species_) {
    nnp::AenetNetFile f = sp.file;
    f.weights.assign(params_.begin() + static_cast<std::ptrdiff_t>(sp.offset),
                     params_.begin() + static_cast<std::ptrdiff_t>(sp.offset + sp.size));
    files.push_back(std::move(f));
  }
  return files;
}

}  // namespace slhmc::train
