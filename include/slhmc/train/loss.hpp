// The training loss of a batch of frames and its exact gradient with respect
// to every network parameter.
//
//   L = w_E · Σ_s ω_s (ΔE_s/N_s)² / Σ_s ω_s                       (energy frames of the batch)
//     + w_F · Σ_s ω_s Σ_j |ΔF_sj|² / Σ_s ω_s 3 N_s                 (frames whose forces are used)
//     + w_V · Σ_s ω_s |ΔW_s/N_s|² / Σ_s 9 ω_s                       (frames whose virial is used)
//
// with ω_s the frame weights, Δ = prediction − reference (eV, eV/Å, eV). The
// force and virial terms depend on the weights through ∂y/∂x; their gradient
// is computed exactly by differentiating the network's forward pass along
// the direction v_a = −e_scale Σ_j (∂x_a/∂r_j)·r_j (r_j the force residuals,
// plus the strain term), i.e. a Hessian-vector product per atom: two extra
// passes through each network instead of a second full back-propagation.
// docs/training.md derives it; the finite-difference test checks it.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/trainable_model.hpp"

namespace slhmc::train {

struct LossWeights {
  double energy = 1.0;  // w_E, 1/(eV/atom)²
  double forces = 0.1;  // w_F, 1/(eV/Å)²
  double virial = 0.0;  // w_V, 1/(eV/atom)²
};

// One frame of a batch. Forces (virial) enter only if `use_forces` (`use_virial`) and the frame
// has those labels and the features have the Jacobian (strain derivative).
struct BatchFrame {
  const FrameFeatures* features = nullptr;
  const LabelledFrame* frame = nullptr;
  double weight = 1.0;
  bool use_forces = false;
  bool use_virial = false;
};

// Sums of squared errors (unweighted) for root-mean-square errors.
struct ErrorSums {
  double energy_per_atom = 0.0;  // Σ (ΔE/N)², eV²
  std::size_t energies = 0;
  double forces = 0.0;  // Σ |ΔF|² over components, (eV/Å)²
  std::size_t force_components = 0;
  double virial_per_atom = 0.0;  // Σ |ΔW/N|² over components
  std::size_t virial_components = 0;
  ErrorSums& operator+=(const ErrorSums& o);
  double energy_rmse() const;  // eV/atom
  double force_rmse() const;   // eV/Å
  double virial_rmse() const;  // eV/atom
};

struct LossResult {
  double loss = 0.0;
  ErrorSums errors;
};

// Predictions of one frame (the model's energy, forces if the features have a Jacobian, virial if
// they have the strain derivative), with `parameters` in place of the model's own.
struct FramePrediction {
  double energy = 0.0;
  std::vector<Vec3> forces;
  Mat3 virial{};
};
FramePrediction predict_frame(const TrainableModel& model, std::span<const double> parameters,
                              const FrameFeatures& features);

// The plain reference implementation: one atom at a time, in order, single-threaded. If `gradient`
// is non-empty (size = parameters.size()) the gradient of L is added to it.
LossResult loss_reference(const TrainableModel& model, std::span<const double> parameters,
                          std::span<const BatchFrame> batch, const LossWeights& weights, std::span<double> gradient);

// The same loss and gradient, frames spread over `threads` OpenMP threads (≤ 0: all cores). The
// sums are formed per frame and added in frame order, so the result does not depend on the thread
// count.
LossResult loss_threaded(const TrainableModel& model, std::span<const double> parameters,
                         std::span<const BatchFrame> batch, const LossWeights& weights, std::span<double> gradient,
                         int threads = 0);

}  // namespace slhmc::train
