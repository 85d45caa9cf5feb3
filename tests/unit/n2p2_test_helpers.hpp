// Test helpers for the n2p2 model: a ForceProvider adapter that builds a
// fresh neighbour list per call (so finite differences see exact geometry),
// and a small synthetic model (all symmetry function types, any cutoff type)
// written into a directory.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/nnp/model.hpp"
#include "slhmc/nnp/n2p2_model.hpp"
#include "test_support.hpp"

namespace slhmc::test {

class ModelProvider final : public ForceProvider {
 public:
  explicit ModelProvider(const nnp::Model& model) : model_(model) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    NeighborList nl(NeighborListOptions{model_.cutoff(), 0.0, false});
    nl.build(frame);
    return model_.compute(frame, nl, request);
  }
  double cutoff() const override { return model_.cutoff(); }
  std::string description() const override { return model_.description(); }

 private:
  const nnp::Model& model_;
};

// Writes a 2-element (H, O) model with SF types 2, 3, 9, 12, 13, cutoff type
// `cutoff` with inner fraction `alpha`, ST_SCALE with Smin −1, 7-6-5-1 networks
// (tanh, logistic, linear) and random weights into `dir`. `extra` lines are
// appended to input.nn (e.g. normalisation keywords).
inline void write_synthetic_n2p2_model(const std::string& dir, int cutoff, double alpha,
                                       const std::string& extra = "") {
  std::string in =
      "# synthetic test model\nnumber_of_elements 2\nelements O H\n"
      "cutoff_type " + std::to_string(cutoff) + " " + std::to_string(alpha) + "\n"
      "scale_symmetry_functions\nscale_min_short -1.0\nscale_max_short 1.0\n"
      "global_hidden_layers_short 2\nglobal_nodes_short 6 5\nglobal_activation_short t s l\n"
      "atom_energy H -0.5\natom_energy O -3.25\n" + extra;
  for (const char* e : {"H", "O"}) {
    const std::string p = std::string("symfunction_short ") + e + " ";
    in += p + "2 H 0.5 0.8 4.0\n" + p + "2 O 0.3 0.0 4.0\n" + p + "3 H O 0.1 1.0 2.0 3.8 0.2\n" + p +
          "3 O O 0.05 -1.0 1.5 3.8\n" + p + "9 H H 0.1 -1.0 3.0 4.0 0.3\n" + p + "12 0.2 0.5 4.0\n" + p +
          "13 0.05 0.3 1.0 2.0 3.5\n";
  }
  write_text(dir + "/input.nn", in);
  std::string sc = "# scaling\n";
  for (int e = 1; e <= 2; ++e)
    for (int s = 1; s <= 7; ++s)
      sc += std::to_string(e) + " " + std::to_string(s) + " 0.0 " + std::to_string(1.0 + s) + " 0.5 0.3\n";
  write_text(dir + "/scaling.data", sc);
  Rng rng(42);
  for (const char* z : {"001", "008"}) {
    std::string w;
    for (int k = 0; k < (7 + 1) * 6 + (6 + 1) * 5 + (5 + 1) * 1; ++k) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g a %d\n", rng.uniform(-0.8, 0.8), k + 1);
      w += buf;
    }
    write_text(dir + "/weights." + z + ".data", w);
  }
}

// Rewrites scaling.data of a model written by write_synthetic_n2p2_model so
// that Gmin/Gmax span the raw values seen in `frames` (padded by 10 %):
// otherwise the networks saturate and forces are too small to test anything.
inline void calibrate_synthetic_n2p2_scaling(const std::string& dir, const std::vector<Frame>& frames) {
  const auto model = nnp::n2p2::N2p2Model::load(dir);
  std::vector<std::vector<double>> lo(2, std::vector<double>(7, 1e300)), hi(2, std::vector<double>(7, -1e300));
  for (const Frame& f : frames) {
    NeighborList nl(NeighborListOptions{model->cutoff(), 0.0, false});
    nl.build(f);
    for (const auto& a : model->atom_details(f, nl))
      for (std::size_t s = 0; s < 7; ++s) {
        const double g = (a.g_scaled[s] + 1.0) / 2.0;  // the placeholder scaling maps [0, 1] to [−1, 1]
        lo[a.element][s] = std::min(lo[a.element][s], g);
        hi[a.element][s] = std::max(hi[a.element][s], g);
      }
  }
  std::string sc;
  for (int e = 0; e < 2; ++e)
    for (int s = 0; s < 7; ++s) {
      double a = lo[e][s], b = hi[e][s];
      if (!(b > a)) {
        a = 0.0;
        b = 1.0;
      }
      const double pad = 0.1 * (b - a);
      char buf[160];
      std::snprintf(buf, sizeof buf, "%d %d %.17g %.17g %.17g %.17g\n", e + 1, s + 1, a - pad, b + pad,
                    0.5 * (a + b), 0.3 * (b - a));
      sc += buf;
    }
  write_text(dir + "/scaling.data", sc);
}

}  // namespace slhmc::test
