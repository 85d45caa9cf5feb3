// Batch loss and exact gradient (see loss.hpp): per frame, (1) every atom's
// network output y_a and input gradient g_a; (2) energy, forces
// F_j = −Σ_a e_scale_a J_aj^T g_a and virial W = −Σ_a e_scale_a K_a·g_a;
// (3) residual adjoints c_a (energy) and input directions
// v_a = −e_scale_a (Σ_j J_aj r_j + K_a : ρ) (forces, virial); (4) per atom the
// parameter gradient of c_a y_a + g_a · v_a.
#include "slhmc/train/loss.hpp"

#include <cmath>
#include <exception>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "network_pass.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::train {

ErrorSums& ErrorSums::operator+=(const ErrorSums& o) {
  energy_per_atom += o.energy_per_atom;
  energies += o.energies;
  forces += o.forces;
  force_components += o.force_components;
  virial_per_atom += o.virial_per_atom;
  virial_components += o.virial_components;
  return *this;
}
double ErrorSums::energy_rmse() const { return energies ? std::sqrt(energy_per_atom / energies) : 0.0; }
double ErrorSums::force_rmse() const { return force_components ? std::sqrt(forces / force_components) : 0.0; }
double ErrorSums::virial_rmse() const {
  return virial_components ? std::sqrt(virial_per_atom / virial_components) : 0.0;
}

namespace {

struct Denominators {
  double energy = 0.0, forces = 0.0, virial = 0.0;
};

bool uses_forces(const BatchFrame& b) {
  return b.use_forces && b.frame->labels.forces && b.features->has_jacobian;
}
bool uses_virial(const BatchFrame& b) {
  return b.use_virial && b.frame->labels.virial && b.features->has_strain;
}

Denominators denominators(std::span<const BatchFrame> batch) {
  Denominators d;
  for (const auto& b : batch) {
    d.energy += b.weight;
    if (uses_forces(b)) d.forces += b.weight * 3.0 * static_cast<double>(b.features->num_atoms);
    if (uses_virial(b)) d.virial += b.weight * 9.0;
  }
  return d;
}

void check_batch(const TrainableModel& model, std::span<const double> parameters, std::span<const BatchFrame> batch,
                 std::span<double> gradient) {
  if (parameters.size() != model.parameters().size()) throw Error("loss: parameter vector of the wrong size");
  if (!gradient.empty() && gradient.size() != parameters.size()) throw Error("loss: gradient vector of the wrong size");
  for (const auto& b : batch) {
    if (!b.features || !b.frame) throw Error("loss: batch frame without features or labels");
    if (b.features->num_atoms != b.frame->frame.size()) throw Error("loss: features and frame differ in atom count");
    if (!b.frame->labels.energy) throw Error("loss: a frame without an energy label");
  }
}

struct FrameScratch {
  detail::PassScratch pass;
  std::vector<double> y, g, u;
  std::vector<Vec3> force_residual;
  FramePrediction prediction;
  bool fast = false;  // energy-only frames by the short passes (loss_threaded); the plain ones otherwise
};

// Steps (1) and (2): predictions, keeping y and g for the gradient.
void predict(const TrainableModel& model, std::span<const double> params, const FrameFeatures& f, FrameScratch& s) {
  const std::size_t n = f.num_atoms;
  s.y.resize(n);
  s.g.resize(f.x.size());
  FramePrediction& out = s.prediction;
  out.energy = 0.0;
  for (std::size_t a = 0; a < n; ++a) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[a]));
    s.y[a] = detail::forward_gradient(sp, params.data() + sp.offset, f.x.data() + f.x_offset[a],
                                      s.g.data() + f.x_offset[a], s.pass);
    out.energy += sp.e_scale * s.y[a] + sp.e_shift + sp.e_atom;
  }
  out.forces.assign(f.has_jacobian ? n : 0, Vec3{});
  out.virial = Mat3{};
  for (std::size_t a = 0; a < n; ++a) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[a]));
    const std::size_t D = f.x_offset[a + 1] - f.x_offset[a];
    const double* g = s.g.data() + f.x_offset[a];
    if (f.has_jacobian)
      for (std::size_t b = f.block_begin[a]; b < f.block_begin[a + 1]; ++b) {
        const double* J = f.jacobian.data() + f.block_data[b];
        Vec3 sum{};
        for (std::size_t k = 0; k < D; ++k)
          for (int c = 0; c < 3; ++c) sum[c] += J[3 * k + static_cast<std::size_t>(c)] * g[k];
        out.forces[static_cast<std::size_t>(f.block_atom[b])] -= sp.e_scale * sum;
      }
    if (f.has_strain) {
      const double* K = f.strain.data() + 9 * f.x_offset[a];
      for (std::size_t k = 0; k < D; ++k)
        for (int c = 0; c < 9; ++c) out.virial[c / 3][c % 3] -= sp.e_scale * K[9 * k + static_cast<std::size_t>(c)] * g[k];
    }
  }
}

// A frame whose forces and virial do not enter the loss, the fast way: no input gradients, no
// tangents (what they would add is exactly zero).
ErrorSums energy_frame_loss(const TrainableModel& model, std::span<const double> params, const BatchFrame& b,
                            const LossWeights& w, const Denominators& den, double& loss, double* grad,
                            FrameScratch& s) {
  const FrameFeatures& f = *b.features;
  const std::size_t n = f.num_atoms;
  const auto N = static_cast<double>(n);
  double energy = 0.0;
  for (std::size_t a = 0; a < n; ++a) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[a]));
    energy += sp.e_scale * detail::forward_value(sp, params.data() + sp.offset, f.x.data() + f.x_offset[a], s.pass) +
              sp.e_shift + sp.e_atom;
  }
  ErrorSums err;
  const double dE = (energy - *b.frame->labels.energy) / N;
  err.energy_per_atom = dE * dE;
  err.energies = 1;
  loss += w.energy * b.weight * dE * dE / den.energy;
  if (!grad) return err;
  const double c_energy = w.energy * b.weight * 2.0 * dE / (N * den.energy);
  for (std::size_t a = 0; a < n; ++a) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[a]));
    detail::energy_parameter_gradient(sp, params.data() + sp.offset, f.x.data() + f.x_offset[a], c_energy * sp.e_scale,
                                      grad + sp.offset, s.pass);
  }
  return err;
}

// Loss terms of one frame; adds its gradient to `grad` (if not null).
ErrorSums frame_loss(const TrainableModel& model, std::span<const double> params, const BatchFrame& b,
                     const LossWeights& w, const Denominators& den, double& loss, double* grad, FrameScratch& s) {
  const FrameFeatures& f = *b.features;
  const Labels& labels = b.frame->labels;
  const std::size_t n = f.num_atoms;
  const auto N = static_cast<double>(n);
  if (s.fast && !uses_forces(b) && !uses_virial(b)) return energy_frame_loss(model, params, b, w, den, loss, grad, s);
  predict(model, params, f, s);
  const FramePrediction& p = s.prediction;

  ErrorSums err;
  const double dE = (p.energy - *labels.energy) / N;
  err.energy_per_atom = dE * dE;
  err.energies = 1;
  loss += w.energy * b.weight * dE * dE / den.energy;
  const double c_energy = w.energy * b.weight * 2.0 * dE / (N * den.energy);  // ∂L/∂E

  const bool forces = uses_forces(b), virial = uses_virial(b);
  std::vector<Vec3>& r = s.force_residual;  // ∂L/∂F_j
  if (forces) {
    r.resize(n);
    for (std::size_t j = 0; j < n; ++j) {
      const Vec3 d = p.forces[j] - (*labels.forces)[j];
      err.forces += dot(d, d);
      loss += w.forces * b.weight * dot(d, d) / den.forces;
      r[j] = (w.forces * b.weight * 2.0 / den.forces) * d;
    }
    err.force_components = 3 * n;
  }
  Mat3 rho{};  // ∂L/∂W
  if (virial) {
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double d = (p.virial[i][j] - (*labels.virial)[i][j]) / N;
        err.virial_per_atom += d * d;
        loss += w.virial * b.weight * d * d / den.virial;
        rho[i][j] = w.virial * b.weight * 2.0 * d / (N * den.virial);
      }
    err.virial_components = 9;
  }
  if (!grad) return err;

  for (std::size_t a = 0; a < n; ++a) {
    const SpeciesNetwork& sp = model.species(static_cast<std::size_t>(f.species[a]));
    const std::size_t D = f.x_offset[a + 1] - f.x_offset[a];
    s.u.assign(D, 0.0);
    if (forces)
      for (std::size_t bl = f.block_begin[a]; bl < f.block_begin[a + 1]; ++bl) {
        const double* J = f.jacobian.data() + f.block_data[bl];
        const Vec3& rj = r[static_cast<std::size_t>(f.block_atom[bl])];
        for (std::size_t k = 0; k < D; ++k) s.u[k] += J[3 * k] * rj[0] + J[3 * k + 1] * rj[1] + J[3 * k + 2] * rj[2];
      }
    if (virial) {
      const double* K = f.strain.data() + 9 * f.x_offset[a];
      for (std::size_t k = 0; k < D; ++k)
        for (int c = 0; c < 9; ++c) s.u[k] += K[9 * k + static_cast<std::size_t>(c)] * rho[c / 3][c % 3];
    }
    for (double& u : s.u) u *= -sp.e_scale;  // v_a
    detail::parameter_gradient(sp, params.data() + sp.offset, f.x.data() + f.x_offset[a], c_energy * sp.e_scale,
                               s.u.data(), grad + sp.offset, s.pass);
  }
  return err;
}

}  // namespace

FramePrediction predict_frame(const TrainableModel& model, std::span<const double> parameters,
                              const FrameFeatures& features) {
  FrameScratch s;
  predict(model, parameters, features, s);
  return s.prediction;
}

LossResult loss_reference(const TrainableModel& model, std::span<const double> parameters,
                          std::span<const BatchFrame> batch, const LossWeights& weights, std::span<double> gradient) {
  check_batch(model, parameters, batch, gradient);
  const Denominators den = denominators(batch);
  LossResult result;
  FrameScratch scratch;
  for (const auto& b : batch)
    result.errors += frame_loss(model, parameters, b, weights, den, result.loss,
                                gradient.empty() ? nullptr : gradient.data(), scratch);
  return result;
}

LossResult loss_threaded(const TrainableModel& model, std::span<const double> parameters,
                         std::span<const BatchFrame> batch, const LossWeights& weights, std::span<double> gradient,
                         int threads) {
  check_batch(model, parameters, batch, gradient);
  const Denominators den = denominators(batch);
  const std::size_t n = batch.size(), P = parameters.size();
  const bool with_gradient = !gradient.empty();
  std::vector<double> losses(n, 0.0);
  std::vector<ErrorSums> errors(n);
  std::vector<double> per_frame(with_gradient ? n * P : 0, 0.0);
#ifdef _OPENMP
  const int use = threads > 0 ? threads : omp_get_max_threads();
#else
  const int use = 1;
#endif
  std::exception_ptr failure;
#pragma omp parallel num_threads(use) if (use != 1 && n > 1)
  {
    FrameScratch scratch;
    scratch.fast = true;
#pragma omp for schedule(dynamic, 1)
    for (std::size_t i = 0; i < n; ++i) {
      try {
        errors[i] = frame_loss(model, parameters, batch[i], weights, den, losses[i],
                               with_gradient ? per_frame.data() + i * P : nullptr, scratch);
      } catch (...) {
#pragma omp critical(slhmc_train_loss_failure)
        if (!failure) failure = std::current_exception();
      }
    }
  }
  if (failure) std::rethrow_exception(failure);
  LossResult result;
  for (std::size_t i = 0; i < n; ++i) {
    result.loss += losses[i];
    result.errors += errors[i];
    if (with_gradient)
      for (std::size_t k = 0; k < P; ++k) gradient[k] += per_frame[i * P + k];
  }
  return result;
}

}  // namespace slhmc::train
