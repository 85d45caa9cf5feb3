// The n2p2 model: loading a model directory and the reference evaluation of
// energy, forces, virial and per-atom energies (nnp-formats.md §B7–B10, Part C).
// Per atom: symmetry functions → scaling → network → dE/dG; a second pass
// over the symmetry functions weighted by dE/dG·s gives the edge gradients
// h_e = ∂E_i/∂R_e, which are assembled into forces and virial.
#include "slhmc/nnp/n2p2_model.hpp"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "fast_descriptor.hpp"
#include "parse_util.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/nnp/n2p2_weights.hpp"

namespace slhmc::nnp::n2p2 {

namespace {

std::string weights_file_name(int z) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "weights.%03d.data", z);
  return buf;
}

}  // namespace

std::unique_ptr<N2p2Model> N2p2Model::load(const std::string& dir, const LoadOptions& options) {
  if (!(options.length_unit_in_angstrom > 0.0) || !(options.energy_unit_in_ev > 0.0))
    throw Error("n2p2 model '" + dir + "': the length and energy units must be positive");
  const std::filesystem::path base(dir);
  if (!std::filesystem::is_directory(base)) throw Error("n2p2 model '" + dir + "' is not a directory");
  std::unique_ptr<N2p2Model> m(new N2p2Model());
  m->dir_ = dir;
  m->options_ = options;
  m->settings_ = read_input_nn((base / "input.nn").string(), options.dialect);
  const Settings& s = m->settings_;

  std::vector<std::size_t> counts;
  for (const auto& list : s.sfs) counts.push_back(list.size());
  const std::string scaling_path = (base / "scaling.data").string();
  const auto stats = parse_scaling_data(detail::read_file_text(scaling_path), scaling_path, counts);

  // Internal units (§B10): r* = c_L·r, so rc* = c_L·rc, rs* = c_L·rs, η* = η/c_L².
  const double cl = s.conv_length;
  m->to_internal_length_ = cl / options.length_unit_in_angstrom;
  m->energy_factor_ = options.energy_unit_in_ev / s.conv_energy;
  const std::string act_where = s.source + ":" + std::to_string(s.activation_line);
  for (std::size_t e = 0; e < s.elements.size(); ++e) {
    ElementModel em;
    for (std::size_t k = 0; k < s.sfs[e].size(); ++k) {
      SymmetryFunctionSpec spec = s.sfs[e][k];
      if (s.normalized) {
        spec.rc *= cl;
        spec.rs *= cl;
        spec.eta /= cl * cl;
      }
      em.sfs.emplace_back(spec, s.cutoff_type, s.cutoff_alpha);
      em.max_rc = std::max(em.max_rc, spec.rc);
      em.scaling.push_back(make_scaling(s.scaling, s.scale_min, s.scale_max, stats[e][k],
                                        scaling_path + ":" + std::to_string(stats[e][k].line)));
    }
    {
      std::vector<SymmetryFunctionSpec> internal;
      for (const auto& sf : em.sfs) internal.push_back(sf.spec());
      em.fast = std::make_shared<const FastDescriptor>(internal, static_cast<int>(s.elements.size()), s.cutoff_type,
                                                       s.cutoff_alpha);
    }
    const std::string wpath = (base / weights_file_name(s.elements[e])).string();
    auto layers = parse_weights(detail::read_file_text(wpath), wpath, static_cast<int>(em.sfs.size()),
                                s.topology[e], act_where);
    em.network = Network(std::move(layers), s.normalize_nodes);
    m->elements_.push_back(std::move(em));
  }
  return m;
}

double N2p2Model::cutoff() const {
  return settings_.max_cutoff() * options_.length_unit_in_angstrom;
}

std::vector<int> N2p2Model::species() const { return settings_.elements; }

std::string N2p2Model::description() const {
  std::ostringstream os;
  os << "n2p2 2G-HDNNP '" << dir_ << "' (elements";
  for (const auto& sym : settings_.symbols) os << ' ' << sym;
  os << ", cutoff " << cutoff() << " A, " << cutoff_type_name(settings_.cutoff_type) << ", "
     << scaling_mode_name(settings_.scaling) << ", units " << options_.length_unit_in_angstrom << " A / "
     << options_.energy_unit_in_ev << " eV)";
  return os.str();
}

std::map<std::string, std::string> N2p2Model::metadata() const {
  std::map<std::string, std::string> md;
  md["format"] = "n2p2";
  md["path"] = dir_;
  std::string species;
  for (const auto& sym : settings_.symbols) species += (species.empty() ? "" : " ") + sym;
  md["species"] = species;
  md["length_unit_in_angstrom"] = std::to_string(options_.length_unit_in_angstrom);
  md["energy_unit_in_ev"] = std::to_string(options_.energy_unit_in_ev);
  md["cutoff_type"] = cutoff_type_name(settings_.cutoff_type);
  md["scaling"] = scaling_mode_name(settings_.scaling);
  md["normalized"] = settings_.normalized ? "true" : "false";
  md["normalize_nodes"] = settings_.normalize_nodes ? "true" : "false";
  md["load_warnings"] = std::to_string(settings_.warnings.size());
  return md;
}

std::vector<int> N2p2Model::element_indices(const Frame& frame) const {
  std::vector<int> out(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    out[i] = settings_.element_index(frame.numbers[i]);
    if (out[i] < 0)
      throw Error("n2p2 model '" + dir_ + "' has no network for atom " + std::to_string(i) + " (Z = " +
                  std::to_string(frame.numbers[i]) + ")");
  }
  return out;
}

void N2p2Model::gather(const Frame& frame, const NeighborList& neighbors, std::size_t i, int element,
                       Environment& env, std::vector<int>& atom_of_entry) const {
  env.clear();
  atom_of_entry.clear();
  const double rmax = elements_[element].max_rc;
  const Vec3& ri = frame.positions[i];
  for (const NeighborEntry& en : neighbors.neighbors(i)) {
    const std::size_t j = static_cast<std::size_t>(en.j);
    const Vec3 r = to_internal_length_ * (frame.positions[j] + en.shift - ri);
    const double d = norm(r);
    if (d >= rmax) continue;
    const int ej = settings_.element_index(frame.numbers[j]);
    if (ej < 0) throw Error("n2p2 model '" + dir_ + "' has no element Z = " + std::to_string(frame.numbers[j]));
    env.add(r, d, ej, frame.numbers[j]);
    atom_of_entry.push_back(en.j);
  }
}

namespace {

// Scratch space of the evaluation, per thread so that a shared immutable model
// can be evaluated concurrently; it only grows, so MD steps do not allocate.
struct Scratch {
  Environment env;
  std::vector<int> atom_of_entry;
  std::vector<double> g, gs, dy, w;
  std::vector<Vec3> grad;
  FastWorkspace fast;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

ComputeResult N2p2Model::compute(const Frame& frame, const NeighborList& neighbors,
                                 const ComputeRequest& request) const {
  return compute_impl(frame, neighbors, request, true);
}

ComputeResult N2p2Model::compute_reference(const Frame& frame, const NeighborList& neighbors,
                                           const ComputeRequest& request) const {
  return compute_impl(frame, neighbors, request, false);
}

ComputeResult N2p2Model::compute_impl(const Frame& frame, const NeighborList& neighbors,
                                      const ComputeRequest& request, bool fast) const {
  if (neighbors.num_atoms() != frame.size())
    throw Error("n2p2 model: neighbour list has " + std::to_string(neighbors.num_atoms()) + " atoms, frame " +
                std::to_string(frame.size()));
  if (neighbors.list_radius() < cutoff() * (1.0 - 1e-12))
    throw Error("n2p2 model: neighbour list radius " + std::to_string(neighbors.list_radius()) +
                " A is below the model cutoff " + std::to_string(cutoff()) + " A");
  const std::vector<int> elem = element_indices(frame);
  const std::size_t n = frame.size();
  const bool need_grad = request.forces || request.virial;

  ComputeResult res;
  std::vector<Vec3> forces_internal(need_grad ? n : 0, Vec3{});
  Mat3 virial_internal{};
  std::vector<double> outputs(n, 0.0);
  std::size_t warnings = 0;

  Scratch& sc = scratch();
  Environment& env = sc.env;
  std::vector<int>& atom_of_entry = sc.atom_of_entry;
  std::vector<double>&g = sc.g, &gs = sc.gs, &dy = sc.dy, &w = sc.w;
  std::vector<Vec3>& grad = sc.grad;
  double e_internal = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const ElementModel& em = elements_[elem[i]];
    gather(frame, neighbors, i, elem[i], env, atom_of_entry);
    const std::size_t ns = em.sfs.size();
    g.resize(ns);
    gs.resize(ns);
    dy.resize(ns);
    w.resize(ns);
    if (fast) em.fast->values(env, sc.fast, g.data());
    for (std::size_t s = 0; s < ns; ++s) {
      if (!fast) g[s] = em.sfs[s].evaluate(env, 0.0, nullptr);
      if (em.scaling[s].extrapolates(g[s])) ++warnings;
      gs[s] = em.scaling[s].apply(g[s]);
    }
    const double y = need_grad ? em.network.evaluate(gs, dy) : em.network.evaluate(gs);
    outputs[i] = y;
    e_internal += y;
    if (!need_grad) continue;
    grad.assign(env.size(), Vec3{});
    for (std::size_t s = 0; s < ns; ++s) w[s] = dy[s] * em.scaling[s].factor;  // ∂E_i/∂G_s (raw G)
    if (fast) {
      em.fast->gradient(env, sc.fast, w.data(), grad.data());
    } else {
      for (std::size_t s = 0; s < ns; ++s)
        if (w[s] != 0.0) em.sfs[s].evaluate(env, w[s], grad.data());
    }
    for (std::size_t e = 0; e < env.size(); ++e) {
      const Vec3& h = grad[e];
      forces_internal[static_cast<std::size_t>(atom_of_entry[e])] -= h;
      forces_internal[i] += h;
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) virial_internal[a][b] -= h[a] * env.r[e][b];
    }
  }

  // Physical model units first, exactly as n2p2 assembles them (§B10), then eV.
  const Settings& s = settings_;
  std::vector<std::size_t> count(s.elements.size(), 0);
  for (int e : elem) ++count[static_cast<std::size_t>(e)];
  double offsets = 0.0;
  for (std::size_t e = 0; e < s.elements.size(); ++e) offsets += static_cast<double>(count[e]) * s.atom_energy[e];
  const double e_model = e_internal / s.conv_energy + static_cast<double>(n) * s.mean_energy + offsets;
  res.energy = e_model * options_.energy_unit_in_ev;

  if (request.forces) {
    const double f = energy_factor_ * to_internal_length_;  // (E_unit/c_E)·(c_L/L)
    res.forces.resize(n);
    for (std::size_t i = 0; i < n; ++i) res.forces[i] = f * forces_internal[i];
  }
  if (request.virial) {
    res.virial = energy_factor_ * virial_internal;
    res.has_virial = true;
  }
  if (request.atomic_energies) {
    res.atomic_energies.resize(n);
    for (std::size_t i = 0; i < n; ++i)
      res.atomic_energies[i] = (outputs[i] / s.conv_energy + s.mean_energy + s.atom_energy[elem[i]]) *
                               options_.energy_unit_in_ev;
  }
  res.extras = "{\"extrapolation_warnings\": " + std::to_string(warnings) + "}";
  return res;
}

std::vector<N2p2Model::AtomDetail> N2p2Model::atom_details(const Frame& frame, const NeighborList& neighbors) const {
  const std::vector<int> elem = element_indices(frame);
  std::vector<AtomDetail> out(frame.size());
  Environment env;
  std::vector<int> atom_of_entry;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const ElementModel& em = elements_[elem[i]];
    gather(frame, neighbors, i, elem[i], env, atom_of_entry);
    AtomDetail& d = out[i];
    d.element = elem[i];
    d.g_scaled.resize(em.sfs.size());
    d.de_dg.resize(em.sfs.size());
    for (std::size_t s = 0; s < em.sfs.size(); ++s)
      d.g_scaled[s] = em.scaling[s].apply(em.sfs[s].evaluate(env, 0.0, nullptr));
    d.output = em.network.evaluate(d.g_scaled, d.de_dg);
  }
  return out;
}

std::unique_ptr<Model> load_n2p2_model(const std::string& dir, double length_unit_in_angstrom,
                                       double energy_unit_in_ev) {
  LoadOptions o;
  o.length_unit_in_angstrom = length_unit_in_angstrom;
  o.energy_unit_in_ev = energy_unit_in_ev;
  return N2p2Model::load(dir, o);
}

}  // namespace slhmc::nnp::n2p2
