// Training features (see features.hpp). The Jacobian of a centre's descriptor
// is obtained one descriptor component at a time through the descriptor's own
// back-propagation (h_e = ∂G_k/∂R_e for a unit gradient on component k), the
// same code that computes forces at inference, so training and evaluation can
// never disagree on a derivative.
#include "slhmc/train/features.hpp"

#include <algorithm>
#include <cmath>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"

namespace slhmc::train {

namespace {

constexpr double kCoincident = 1e-8;  // Å, as the evaluator

// ENV index of every species of the model, seen from centre species s (−1: not in its ENV).
std::vector<std::vector<int>> env_indices(const TrainableModel& model) {
  std::vector<std::vector<int>> table(model.num_species(), std::vector<int>(model.num_species(), -1));
  for (std::size_t s = 0; s < model.num_species(); ++s) {
    const auto& env = model.species(s).file.envtypes;
    for (std::size_t t = 0; t < model.num_species(); ++t) {
      const auto it = std::find(env.begin(), env.end(), model.species(t).symbol);
      if (it != env.end()) table[s][t] = static_cast<int>(it - env.begin());
    }
  }
  return table;
}

std::vector<int> species_of_atoms(const TrainableModel& model, const Frame& frame) {
  std::vector<int> species(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    species[i] = model.species_index(frame.numbers[i]);
    if (species[i] < 0)
      throw Error("atom " + std::to_string(i) + " is " + element_symbol(frame.numbers[i]) +
                  ", which the model has no network for");
  }
  return species;
}

// Entries of atom i within its descriptor's cutoff; `atoms` gets their atom indices.
void gather(const TrainableModel& model, const std::vector<std::vector<int>>& env_index, const Frame& frame,
            const NeighborList& list, const std::vector<int>& species, std::size_t i, nnp::AenetEnvironment& env,
            std::vector<int>& atoms) {
  env.clear();
  atoms.clear();
  const int s = species[i];
  const double rc = model.species(static_cast<std::size_t>(s)).descriptor->cutoff();
  for (const auto& e : list.neighbors(i)) {
    const Vec3 r = frame.positions[static_cast<std::size_t>(e.j)] + e.shift - frame.positions[i];
    const double d = norm(r);
    if (d > rc) continue;
    if (d < kCoincident)
      throw Error("atoms " + std::to_string(i) + " and " + std::to_string(e.j) + " coincide");
    const int t = env_index[static_cast<std::size_t>(s)][static_cast<std::size_t>(species[static_cast<std::size_t>(e.j)])];
    if (t < 0)
      throw Error("atom " + std::to_string(e.j) + " (" + element_symbol(frame.numbers[static_cast<std::size_t>(e.j)]) +
                  ") is not in the environment species of " + model.species(static_cast<std::size_t>(s)).symbol);
    env.r.push_back(r);
    env.d.push_back(d);
    env.type.push_back(t);
    atoms.push_back(e.j);
  }
}

NeighborList build_list(const TrainableModel& model, const Frame& frame) {
  NeighborList list({model.cutoff(), 0.0, false});
  list.build(frame);
  return list;
}

}  // namespace

std::size_t FrameFeatures::bytes() const {
  return x.size() * sizeof(double) + jacobian.size() * sizeof(double) + strain.size() * sizeof(double) +
         block_atom.size() * (sizeof(int) + sizeof(std::size_t)) + (x_offset.size() + block_begin.size()) * sizeof(std::size_t);
}

void accumulate_descriptor_statistics(const TrainableModel& model, const Frame& frame,
                                      std::vector<DescriptorStatistics>& per_species) {
  per_species.resize(model.num_species());
  const auto env_index = env_indices(model);
  const auto species = species_of_atoms(model, frame);
  const NeighborList list = build_list(model, frame);
  nnp::AenetEnvironment env;
  std::vector<int> atoms;
  std::vector<double> G;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto s = static_cast<std::size_t>(species[i]);
    const auto& desc = *model.species(s).descriptor;
    gather(model, env_index, frame, list, species, i, env, atoms);
    G.assign(static_cast<std::size_t>(desc.size()), 0.0);
    desc.compute(env, G);
    DescriptorStatistics& st = per_species[s];
    if (st.count == 0) {
      st.sum.assign(G.size(), 0.0);
      st.sum_squares.assign(G.size(), 0.0);
      st.min = G;
      st.max = G;
    }
    for (std::size_t k = 0; k < G.size(); ++k) {
      st.sum[k] += G[k];
      st.sum_squares[k] += G[k] * G[k];
      st.min[k] = std::min(st.min[k], G[k]);
      st.max[k] = std::max(st.max[k], G[k]);
    }
    ++st.count;
  }
}

FrameFeatures compute_features(const TrainableModel& model, const Frame& frame, bool with_jacobian,
                               bool with_strain) {
  FrameFeatures f;
  const std::size_t n = frame.size();
  f.num_atoms = n;
  f.species = species_of_atoms(model, frame);
  f.has_jacobian = with_jacobian;
  f.has_strain = with_strain;
  f.x_offset.resize(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i)
    f.x_offset[i + 1] = f.x_offset[i] + static_cast<std::size_t>(model.species(static_cast<std::size_t>(f.species[i])).num_inputs());
  f.x.assign(f.x_offset[n], 0.0);
  if (with_strain) f.strain.assign(9 * f.x_offset[n], 0.0);
  if (with_jacobian) f.block_begin.assign(n + 1, 0);

  const auto env_index = env_indices(model);
  const NeighborList list = build_list(model, frame);
  nnp::AenetEnvironment env;
  std::vector<int> atoms;
  std::vector<double> G, unit;
  std::vector<Vec3> h;
  std::vector<int> block_of(n, -1);  // atom j → its block of the current centre
  for (std::size_t i = 0; i < n; ++i) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[i]));
    const auto& desc = *sp.descriptor;
    const auto D = static_cast<std::size_t>(desc.size());
    gather(model, env_index, frame, list, f.species, i, env, atoms);
    G.assign(D, 0.0);
    desc.compute(env, G);
    double* x = f.x.data() + f.x_offset[i];
    for (std::size_t k = 0; k < D; ++k) x[k] = sp.scale[k] * (G[k] - sp.shift[k]);
    if (!with_jacobian && !with_strain) continue;

    // Blocks of this centre: itself first, then its neighbours in order of appearance.
    const std::size_t first_block = f.block_atom.size();
    auto block_for = [&](int j) -> std::size_t {
      if (block_of[static_cast<std::size_t>(j)] < 0) {
        block_of[static_cast<std::size_t>(j)] = static_cast<int>(f.block_atom.size() - first_block);
        f.block_atom.push_back(j);
        f.block_data.push_back(f.jacobian.size());
        f.jacobian.resize(f.jacobian.size() + 3 * D, 0.0);
      }
      return f.block_data[first_block + static_cast<std::size_t>(block_of[static_cast<std::size_t>(j)])];
    };
    if (with_jacobian) {
      (void)block_for(static_cast<int>(i));
      for (int j : atoms) (void)block_for(j);
    }
    double* K = with_strain ? f.strain.data() + 9 * f.x_offset[i] : nullptr;
    unit.assign(D, 0.0);
    h.resize(env.r.size());
    for (std::size_t k = 0; k < D; ++k) {
      if (sp.scale[k] == 0.0) continue;  // a degenerate input: x_k is constant
      unit[k] = 1.0;
      std::fill(h.begin(), h.end(), Vec3{});
      desc.backprop(env, unit, h);
      unit[k] = 0.0;
      for (std::size_t e = 0; e < env.r.size(); ++e) {
        const Vec3 he = sp.scale[k] * h[e];  // ∂x_k/∂R_e
        if (with_jacobian) {
          double* Jj = f.jacobian.data() + block_for(atoms[e]);
          double* Ji = f.jacobian.data() + block_for(static_cast<int>(i));
          for (int c = 0; c < 3; ++c) {
            Jj[3 * k + static_cast<std::size_t>(c)] += he[c];
            Ji[3 * k + static_cast<std::size_t>(c)] -= he[c];
          }
        }
        if (K)
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) K[9 * k + static_cast<std::size_t>(3 * a + b)] += he[a] * env.r[e][b];
      }
    }
    if (with_jacobian) {
      for (std::size_t b = first_block; b < f.block_atom.size(); ++b) block_of[static_cast<std::size_t>(f.block_atom[b])] = -1;
      f.block_begin[i + 1] = f.block_atom.size();
    }
  }
  return f;
}

}  // namespace slhmc::train
