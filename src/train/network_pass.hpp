// One atomic network, one atom at a time: the plain reference passes the
// trainer's loss is built from (and the batched and GPU versions are tested
// against). Weights are in the aenet layout (trainable_model.hpp).
//
// forward_gradient: y = NN(x) and g = ∂y/∂x.
// parameter_gradient: ∂/∂θ [c·y + (∂y/∂x)·v] for a fixed scalar c and input
// direction v: a forward pass with tangents (ż = A ḣ, ḣ' = σ'(z) ż) and one
// reverse pass through both, which needs σ''.
#pragma once

#include <vector>

#include "slhmc/nnp/network.hpp"
#include "slhmc/train/trainable_model.hpp"

namespace slhmc::train::detail {

// f(z), f'(z), f''(z) of the trainable activations (nnp-formats §A8 constants).
void activation_derivatives(nnp::Activation a, double z, double& f, double& df, double& d2f);

struct PassScratch {
  std::vector<double> h, z, df, d2f, hdot, zdot, adj, adj_dot, next, next_dot;
};

double forward_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double* g,
                        PassScratch& s);

void parameter_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double c,
                        const double* v, double* grad, PassScratch& s);

// The fast path for frames whose forces and virial do not enter the loss (v = 0): y alone, and
// ∂(c·y)/∂θ without tangents. Both give exactly what the general passes give with v = 0 (the
// skipped terms are exact zeros); tested against them.
double forward_value(const SpeciesNetwork& net, const double* weights, const double* x, PassScratch& s);
void energy_parameter_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double c,
                               double* grad, PassScratch& s);

}  // namespace slhmc::train::detail
