// The "nnp" ForceProvider: an NNP model plus a full neighbour list with a
// Verlet skin that is rebuilt only when atoms moved more than skin/2, so MD
// steps reuse it. Config ([potential]):
//   type = "nnp"  model = "path"  format = "auto"  chebyshev_version = 0
//   length_unit = "angstrom"  energy_unit = "eV"  skin = 1.0
#pragma once

#include <memory>
#include <string>

#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/nnp/model.hpp"

namespace slhmc::nnp {

class NnpProvider final : public ForceProvider {
 public:
  // skin in Å (≥ 0).
  NnpProvider(std::shared_ptr<const Model> model, double skin);
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;
  double cutoff() const override { return model_->cutoff(); }
  std::string description() const override;
  const Model& model() const { return *model_; }
  const NeighborList& neighbor_list() const { return list_; }

 private:
  std::shared_ptr<const Model> model_;
  NeighborList list_;
};

}  // namespace slhmc::nnp
