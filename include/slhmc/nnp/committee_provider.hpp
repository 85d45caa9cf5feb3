// A committee of NNP models as one ForceProvider: the mean of the members'
// energies, forces and virials, and in `extras` (JSON) their spread — the
// standard deviation of the energy, and the largest and mean per-atom force
// deviation — an uncertainty estimate for the prediction. Config ([potential]):
//   type = "committee"  models = ["m0.nnp", "m1.nnp", ...]  skin = 1.0
// (the models need not share cutoffs; one neighbour list of the largest serves all).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/nnp/model.hpp"

namespace slhmc::nnp {

struct CommitteeSpread {
  double energy_std = 0.0;      // eV, standard deviation of the members' energies
  double force_std_max = 0.0;   // eV/Å, largest over atoms of sqrt(Σ_c var(F_ic))
  double force_std_mean = 0.0;  // eV/Å, its mean over atoms
};

class CommitteeProvider final : public ForceProvider {
 public:
  CommitteeProvider(std::vector<std::shared_ptr<const Model>> members, double skin);
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;
  double cutoff() const override { return cutoff_; }
  std::string description() const override;
  std::size_t size() const { return members_.size(); }
  // The spread of the last compute() (forces part zero unless forces were requested).
  const CommitteeSpread& last_spread() const { return spread_; }

 private:
  std::vector<std::shared_ptr<const Model>> members_;
  double cutoff_ = 0.0;
  NeighborList list_;
  CommitteeSpread spread_;
};

}  // namespace slhmc::nnp
