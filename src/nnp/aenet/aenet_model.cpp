// Evaluation of aenet models (nnp-formats §A1–§A10, Part C): per atom gather
// the neighbour entries, compute the raw descriptor of the atom's own setup,
// normalise, run the network, assemble E_i = y/scale + shift + E_atom, then
// back-propagate dE_i/dG into per-entry gradients h_e and accumulate forces
// F_j −= h_e, F_i += h_e and the virial W −= h_e ⊗ R_e.
#include "slhmc/nnp/aenet_model.hpp"

#include <atomic>
#include <cmath>
#include <exception>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::nnp {

namespace {

constexpr double kCoincident = 1e-8;  // Å (§A2)
constexpr int kMaxZ = 128;

int z_of(const std::string& symbol, const std::string& source) {
  const int z = atomic_number_or_zero(symbol);
  if (z <= 0) throw Error(source + ": unknown element symbol '" + symbol + "'");
  return z;
}

// Per-thread work buffers, reused between atoms and calls.
struct Work {
  AenetEnvironment env;
  std::vector<int> atoms;  // positions in the centre's neighbour-list span of the gathered entries
  std::vector<double> G, x, dy_dx, g;
  std::vector<Vec3> h;
};

Work& work() {
  thread_local Work w;
  return w;
}

// Per-structure buffers of the calling thread (kept between calls: no allocation per MD step).
struct EdgeBuffers {
  std::vector<double> atom_energy;     // N
  std::vector<Vec3> edge_h;            // one per neighbour-list entry: ∂E_i/∂R_e in eV/Å
  std::vector<unsigned char> edge_used;  // entry inside the cutoff
};

EdgeBuffers& edge_buffers() {
  thread_local EdgeBuffers b;
  return b;
}

}  // namespace

AenetModel::AenetModel(std::vector<AenetNetFile> files, AenetModelOptions options) : options_(options) {
  if (files.empty()) throw Error("aenet model: no network files");
  if (!(options_.length_unit_angstrom > 0) || !(options_.energy_unit_ev > 0))
    throw Error("aenet model: length and energy units must be positive");
  index_of_z_.assign(kMaxZ, -1);
  for (auto& f : files) {
    Species sp;
    sp.symbol = f.atomtype;
    sp.source = f.source;
    sp.z = z_of(f.atomtype, f.source);
    if (index_of_z_[sp.z] >= 0)
      throw Error(f.source + ": species " + sp.symbol + " already has a network (" + species_[index_of_z_[sp.z]].source + ")");
    sp.descriptor = make_aenet_descriptor(f, options_.chebyshev_version, options_.angular_moments);
    sp.network = f.network();
    if (sp.descriptor->size() != sp.network.num_inputs())
      throw Error(f.source + ": descriptor has " + std::to_string(sp.descriptor->size()) + " functions, network " +
                  std::to_string(sp.network.num_inputs()) + " inputs");
    // Input normalisation (§A7): s = √(⟨G²⟩ − μ²), scale 0 for degenerate or negative variance.
    sp.shift = f.sfval_avg;
    sp.scale.resize(f.nsf);
    for (int k = 0; k < f.nsf; ++k) {
      const double var = f.sfval_cov[k] - f.sfval_avg[k] * f.sfval_avg[k];
      const double s = var < 0.0 ? 0.0 : std::sqrt(var);
      sp.scale[k] = s <= 1e-10 ? 0.0 : 1.0 / s;
    }
    int degenerate = 0;
    for (double sc : sp.scale) degenerate += sc == 0.0;
    if (degenerate > 0)
      warnings_.push_back(f.source + ": " + std::to_string(degenerate) +
                          " descriptor(s) have zero training variance and enter with scale 0 (as in aenet)");
    if (f.sftype == "Chebyshev" && f.sfparam.size() >= 4 && f.sfparam[2] > f.sfparam[0] && f.envtypes.size() > 1)
      warnings_.push_back(f.source + ": angular cutoff > radial cutoff: aenet computed the weighted angular "
                          "block with a stale species weight (nnp-formats Part D #3); slhmc uses the correct one");
    if (f.sftype == "Behler2011")
      for (int k = 0; k < f.nsf; ++k)
        if ((f.sf[k] == 4 || f.sf[k] == 5) && f.sfparam[4 * static_cast<std::size_t>(k) + 2] < 1.0) {
          warnings_.push_back(f.source + ": a G4/G5 function has zeta < 1; its derivative is singular at 1 + lambda·cos = 0");
          break;
        }
    sp.e_scale = 1.0 / f.scale;
    sp.e_shift = f.shift;
    bool found = false;
    for (std::size_t t = 0; t < f.type_names.size(); ++t)
      if (f.type_names[t] == f.atomtype) {
        sp.e_atom = f.e_atom[t];
        found = true;
      }
    if (!found) throw Error(f.source + ": the training-set species list does not contain the central species " + f.atomtype);
    sp.local_type.assign(kMaxZ, -1);
    for (std::size_t l = 0; l < f.envtypes.size(); ++l) {
      const int z = z_of(f.envtypes[l], f.source);
      if (sp.local_type[z] >= 0) throw Error(f.source + ": species " + f.envtypes[l] + " listed twice in ENV");
      sp.local_type[z] = static_cast<int>(l);
    }
    sp.env = f.envtypes;
    cutoff_model_ = std::max(cutoff_model_, sp.descriptor->cutoff());
    sources_.push_back(f.source);
    index_of_z_[sp.z] = static_cast<int>(species_.size());
    species_.push_back(std::move(sp));
  }
}

std::unique_ptr<AenetModel> AenetModel::from_files(const std::vector<std::string>& paths, AenetModelOptions options) {
  std::vector<AenetNetFile> files;
  for (const auto& p : paths) files.push_back(read_aenet_nn(p));
  return std::make_unique<AenetModel>(std::move(files), options);
}

double AenetModel::cutoff() const { return cutoff_model_ * options_.length_unit_angstrom; }

std::vector<int> AenetModel::species() const {
  std::vector<int> out;
  for (const auto& sp : species_) out.push_back(sp.z);
  return out;
}

std::string AenetModel::description() const {
  std::ostringstream s;
  s << "aenet model (";
  for (std::size_t i = 0; i < species_.size(); ++i)
    s << (i ? ", " : "") << species_[i].symbol << ": " << species_[i].source << " " << species_[i].descriptor->summary();
  s << "; Chebyshev version " << options_.chebyshev_version << ")";
  return s.str();
}

std::map<std::string, std::string> AenetModel::metadata() const {
  std::map<std::string, std::string> m;
  m["format"] = "aenet";
  m["chebyshev_version"] = std::to_string(options_.chebyshev_version);
  std::ostringstream len, en, files, sp;
  len.precision(17);
  en.precision(17);
  len << options_.length_unit_angstrom;
  en << options_.energy_unit_ev;
  m["length_unit_angstrom"] = len.str();
  m["energy_unit_ev"] = en.str();
  for (std::size_t i = 0; i < species_.size(); ++i) {
    files << (i ? " " : "") << species_[i].source;
    sp << (i ? " " : "") << species_[i].symbol;
  }
  m["files"] = files.str();
  for (std::size_t i = 0; i < warnings_.size(); ++i) m["warning." + std::to_string(i + 1)] = warnings_[i];
  m["species"] = sp.str();
  return m;
}

const AenetModel::Species& AenetModel::species_of(int z, std::size_t atom) const {
  if (z <= 0 || z >= kMaxZ || index_of_z_[z] < 0)
    throw Error("aenet model has no network for atom " + std::to_string(atom) + " (Z = " + std::to_string(z) + ")");
  return species_[index_of_z_[z]];
}

void AenetModel::gather(const Frame& frame, const NeighborList& neighbors, std::size_t i, const Species& sp,
                        AenetEnvironment& env, std::vector<int>& list_positions) const {
  env.clear();
  list_positions.clear();
  const double to_model = 1.0 / options_.length_unit_angstrom;
  const double rc = cutoff_model_;
  const Vec3& ri = frame.positions[i];
  const auto entries = neighbors.neighbors(i);
  for (std::size_t pos = 0; pos < entries.size(); ++pos) {
    const NeighborEntry& e = entries[pos];
    const Vec3 r_a = frame.positions[e.j] + e.shift - ri;
    const Vec3 r = options_.length_unit_angstrom == 1.0 ? r_a : to_model * r_a;
    const double d = norm(r);
    if (d > rc) continue;  // beyond every function's cutoff (entries from a skin)
    if (norm(r_a) < kCoincident)
      throw Error("atoms " + std::to_string(i) + " and " + std::to_string(e.j) + " coincide (distance " +
                  std::to_string(norm(r_a)) + " Å < 1e-8 Å)");
    const int z = frame.numbers[e.j];
    const int t = (z > 0 && z < kMaxZ) ? sp.local_type[z] : -1;
    if (t < 0)
      throw Error("atom " + std::to_string(e.j) + " (Z = " + std::to_string(z) + ") is a neighbour of a " + sp.symbol +
                  " atom but not in the ENV list of " + sp.source);
    env.r.push_back(r);
    env.d.push_back(d);
    env.type.push_back(t);
    list_positions.push_back(static_cast<int>(pos));
  }
}

std::vector<std::vector<double>> AenetModel::descriptors(const Frame& frame, const NeighborList& neighbors) const {
  if (neighbors.num_atoms() != frame.size()) throw Error("aenet model: neighbour list does not match the frame");
  std::vector<std::vector<double>> out(frame.size());
  Work& w = work();
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const Species& sp = species_of(frame.numbers[i], i);
    gather(frame, neighbors, i, sp, w.env, w.atoms);
    out[i].assign(sp.descriptor->size(), 0.0);
    sp.descriptor->compute(w.env, out[i]);
  }
  return out;
}

ComputeResult AenetModel::compute(const Frame& frame, const NeighborList& neighbors,
                                  const ComputeRequest& request) const {
  const std::size_t n = frame.size();
  if (neighbors.num_atoms() != n) throw Error("aenet model: neighbour list does not match the frame");
  if (neighbors.options().half) throw Error("aenet model: needs a full neighbour list, got a half list");
  if (neighbors.list_radius() < cutoff() * (1.0 - 1e-12))
    throw Error("aenet model: neighbour list radius " + std::to_string(neighbors.list_radius()) +
                " Å is below the model cutoff " + std::to_string(cutoff()) + " Å");
  ComputeResult result;
  const bool need_grad = request.forces || request.virial;
  const double e_unit = options_.energy_unit_ev;
  // h is in model energy per model length; forces in eV/Å.
  const double h_to_si = options_.energy_unit_ev / options_.length_unit_angstrom;
  // Atoms are evaluated in parallel (OpenMP); each writes only its own energy and the edge
  // gradients of its own entries. Sums and the force/virial scatter run serially afterwards
  // in a fixed order, so results do not depend on the number of threads.
  std::vector<double>& atom_energy = edge_buffers().atom_energy;
  std::vector<Vec3>& edge_h = edge_buffers().edge_h;
  std::vector<unsigned char>& edge_used = edge_buffers().edge_used;
  atom_energy.assign(n, 0.0);
  const std::size_t total = neighbors.total_entries();
  const NeighborEntry* first_entry = n ? neighbors.neighbors(0).data() : nullptr;
  if (need_grad) {
    edge_h.resize(total);
    edge_used.assign(total, 0);
  }
  std::exception_ptr failure;
  std::atomic<bool> failed{false};
#pragma omp parallel for schedule(dynamic, 8) if (n >= 32)
  for (long ii = 0; ii < static_cast<long>(n); ++ii) {
    if (failed.load(std::memory_order_relaxed)) continue;
    try {
      const std::size_t i = static_cast<std::size_t>(ii);
      Work& w = work();
      const Species& sp = species_of(frame.numbers[i], i);
      gather(frame, neighbors, i, sp, w.env, w.atoms);
      const std::size_t nsf = static_cast<std::size_t>(sp.descriptor->size());
      w.G.resize(nsf);
      w.x.resize(nsf);
      w.g.resize(nsf);
      w.dy_dx.resize(nsf);
      const std::size_t m = w.env.r.size();
      double y = 0.0;
      // G → x = scale·(G − μ) → y; with gradients also g = dE_i/dG_k = E_scale·scale_k·∂y/∂x_k.
      auto network = [&](std::span<const double> G, std::span<double> g) {
        for (std::size_t k = 0; k < nsf; ++k) w.x[k] = sp.scale[k] * (G[k] - sp.shift[k]);
        if (g.empty()) {
          y = sp.network.evaluate(w.x);
          return;
        }
        y = sp.network.evaluate(w.x, w.dy_dx);
        for (std::size_t k = 0; k < nsf; ++k) g[k] = sp.e_scale * sp.scale[k] * w.dy_dx[k];
      };
      if (need_grad) {
        w.h.assign(m, Vec3{0, 0, 0});
        if (options_.reference_evaluator) {
          sp.descriptor->compute(w.env, w.G);
          network(w.G, w.g);
          sp.descriptor->backprop(w.env, w.g, w.h);
        } else {
          sp.descriptor->evaluate(w.env, w.G, w.g, network, w.h);
        }
        const std::size_t offset = static_cast<std::size_t>(neighbors.neighbors(i).data() - first_entry);
        for (std::size_t e = 0; e < m; ++e) {
          edge_h[offset + static_cast<std::size_t>(w.atoms[e])] = h_to_si * w.h[e];
          edge_used[offset + static_cast<std::size_t>(w.atoms[e])] = 1;
        }
      } else {
        sp.descriptor->compute(w.env, w.G);
        network(w.G, std::span<double>());
      }
      atom_energy[i] = (sp.e_scale * y + sp.e_shift + sp.e_atom) * e_unit;
    } catch (...) {
#pragma omp critical(slhmc_aenet_failure)
      if (!failure) failure = std::current_exception();
      failed = true;
    }
  }
  if (failure) std::rethrow_exception(failure);

  double energy = 0.0;
  for (std::size_t i = 0; i < n; ++i) energy += atom_energy[i];
  if (request.atomic_energies) result.atomic_energies.assign(atom_energy.begin(), atom_energy.end());
  if (request.forces) result.forces.assign(n, Vec3{0, 0, 0});
  Mat3 virial{};
  if (need_grad) {
    // Part C: F_j −= h_e, F_i += h_e, W −= h_e ⊗ R_e for every entry e = (j, T) of i.
    for (std::size_t i = 0; i < n; ++i) {
      const auto entries = neighbors.neighbors(i);
      const std::size_t offset = static_cast<std::size_t>(entries.data() - first_entry);
      for (std::size_t pos = 0; pos < entries.size(); ++pos) {
        if (!edge_used[offset + pos]) continue;
        const Vec3& h = edge_h[offset + pos];
        const NeighborEntry& e = entries[pos];
        if (request.forces) {
          result.forces[e.j] -= h;
          result.forces[i] += h;
        }
        if (request.virial) virial += -1.0 * outer(h, frame.positions[e.j] + e.shift - frame.positions[i]);
      }
    }
  }
  result.energy = energy;
  if (request.virial) {
    result.virial = virial;
    result.has_virial = true;
  }
  return result;
}

}  // namespace slhmc::nnp
