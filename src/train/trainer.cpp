// The training loop (see trainer.hpp).
#include "slhmc/train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <numeric>

#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/train/features.hpp"
#include "slhmc/train/loss_evaluator.hpp"

namespace slhmc::train {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Solves the symmetric positive (semi)definite system M x = b in place (Gaussian elimination with
// partial pivoting; M is small: one row per species).
std::vector<double> solve(std::vector<std::vector<double>> M, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < n; ++r)
      if (std::abs(M[r][c]) > std::abs(M[piv][c])) piv = r;
    std::swap(M[c], M[piv]);
    std::swap(b[c], b[piv]);
    if (M[c][c] == 0.0) throw Error("atomic energy fit: singular system");
    for (std::size_t r = c + 1; r < n; ++r) {
      const double f = M[r][c] / M[c][c];
      for (std::size_t k = c; k < n; ++k) M[r][k] -= f * M[c][k];
      b[r] -= f * b[c];
    }
  }
  std::vector<double> x(n);
  for (std::size_t c = n; c-- > 0;) {
    double s = b[c];
    for (std::size_t k = c + 1; k < n; ++k) s -= M[c][k] * x[k];
    x[c] = s / M[c][c];
  }
  return x;
}

std::vector<std::size_t> choose_force_frames(const TrainingSet& data, const std::vector<std::size_t>& train,
                                             const TrainOptions& o) {
  std::vector<std::size_t> with_forces;
  for (std::size_t i : train)
    if (data.frames[i].labels.forces) with_forces.push_back(i);
  std::size_t count = with_forces.size();
  if (o.force_frames >= 0) {
    count = std::min<std::size_t>(count, static_cast<std::size_t>(o.force_frames));
  } else {
    if (!(o.force_fraction >= 0 && o.force_fraction <= 1)) throw Error("the force fraction must be in [0, 1]");
    count = static_cast<std::size_t>(std::llround(o.force_fraction * static_cast<double>(with_forces.size())));
  }
  if (o.loss.forces == 0.0) count = 0;
  Rng rng(o.seed, 0x7f0ce5ULL);
  for (std::size_t i = with_forces.size(); i > 1; --i) std::swap(with_forces[i - 1], with_forces[rng.below(i)]);
  with_forces.resize(count);
  std::sort(with_forces.begin(), with_forces.end());
  return with_forces;
}

TrainingData build_training_data(const TrainableModel& model, const TrainingSet& data, const Split& split,
                                  const std::vector<std::size_t>& force_frames, const TrainOptions& o) {
  TrainingData td;
  const std::size_t n = data.size();
  td.frames.resize(n);
  td.weights = data.weights;
  td.use_forces.assign(n, 0);
  td.use_virial.assign(n, 0);
  for (std::size_t i : force_frames) td.use_forces[i] = 1;
  for (std::size_t i : split.validation)
    if (data.frames[i].labels.forces) td.use_forces[i] = 1;  // for the validation force errors
  if (o.use_virial)
    for (std::size_t i = 0; i < n; ++i)
      if (data.frames[i].labels.virial) td.use_virial[i] = 1;
  // With a cache every frame gets everything its labels allow, so that the entry stays valid
  // whatever later splits choose.
  FeatureCache* cache = o.feature_cache;
  if (cache && cache->features.size() > n) throw Error("training: the feature cache holds more frames than the data");
  const std::size_t first_new = cache ? cache->features.size() : 0;
  std::vector<FrameFeatures> computed(n - first_new);
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::size_t i = first_new; i < n; ++i) {
    try {
      const LabelledFrame& f = data.frames[i];
      const bool jac = cache ? f.labels.forces.has_value() : td.use_forces[i] != 0;
      const bool strain = cache ? (o.use_virial && f.labels.virial.has_value()) : td.use_virial[i] != 0;
      computed[i - first_new] = compute_features(model, f.frame, jac, strain);
    } catch (const std::exception& e) {
#pragma omp critical(slhmc_train_features_failure)
      if (!failure) failure = std::make_exception_ptr(Error(data.origins[i] + ": " + e.what()));
    }
  }
  if (failure) std::rethrow_exception(failure);
  for (std::size_t i = 0; i < n; ++i) td.frames[i] = &data.frames[i];
  if (cache) {
    for (auto& f : computed) cache->features.push_back(std::move(f));
    // Lent to this run (no copy); train() gives them back at the end. If training throws, the
    // cache is left empty and the next run recomputes: slower, never wrong.
    td.features = std::move(cache->features);
    cache->features.clear();
  } else {
    td.features = std::move(computed);
  }
  return td;
}

bool better(const EpochRecord& r, double best_loss, bool have_validation) {
  return (have_validation ? r.validation_loss : r.train_loss) < best_loss;
}

}  // namespace

void FeatureCache::drop_front(std::size_t count) {
  features.erase(features.begin(), features.begin() + static_cast<std::ptrdiff_t>(std::min(count, features.size())));
}

std::map<int, double> fit_atomic_energies(const TrainingSet& data, const std::vector<std::size_t>& frames,
                                          const std::vector<int>& species, const std::map<int, double>& given) {
  std::vector<int> unknown;
  for (int z : species)
    if (!given.count(z)) unknown.push_back(z);
  std::map<int, double> result = given;
  if (unknown.empty()) return result;
  const std::size_t K = unknown.size();
  std::vector<std::vector<double>> M(K, std::vector<double>(K, 0.0));
  std::vector<double> b(K, 0.0);
  for (std::size_t s : frames) {
    const LabelledFrame& f = data.frames[s];
    double rhs = *f.labels.energy;
    std::vector<double> counts(K, 0.0);
    for (int z : f.frame.numbers) {
      const auto it = given.find(z);
      if (it != given.end()) {
        rhs -= it->second;
      } else {
        counts[static_cast<std::size_t>(std::find(unknown.begin(), unknown.end(), z) - unknown.begin())] += 1.0;
      }
    }
    for (std::size_t a = 0; a < K; ++a) {
      b[a] += counts[a] * rhs;
      for (std::size_t c = 0; c < K; ++c) M[a][c] += counts[a] * counts[c];
    }
  }
  // A tiny ridge makes compositions that never vary (e.g. only stoichiometric TiO2) solvable; the
  // network absorbs whatever split of the energy between the species results.
  double trace = 0;
  for (std::size_t a = 0; a < K; ++a) trace += M[a][a];
  if (trace == 0) throw Error("atomic energy fit: no frames");
  for (std::size_t a = 0; a < K; ++a) M[a][a] += 1e-9 * trace / static_cast<double>(K);
  const auto e = solve(M, b);
  for (std::size_t a = 0; a < K; ++a) result[unknown[a]] = e[a];
  return result;
}

void initialise_from_data(TrainableModel& model, const TrainingSet& data, const std::vector<std::size_t>& frames,
                          const std::map<int, double>& given_atomic_energies) {
  if (frames.empty()) throw Error("training: no training frames");
  std::vector<DescriptorStatistics> stats;
  for (std::size_t s : frames) accumulate_descriptor_statistics(model, data.frames[s].frame, stats);
  try {
    set_normalisation(model, stats);
  } catch (const Error& e) {
    throw Error(std::string("training: ") + e.what() + " in the training frames");
  }
  const auto e_atom = fit_atomic_energies(data, frames, model.atomic_numbers(), given_atomic_energies);
  for (std::size_t sp = 0; sp < model.num_species(); ++sp) model.set_atomic_energy(sp, e_atom.at(model.species(sp).z));
  // Per-atom cohesive energies set the output scale: the networks then fit numbers of order one.
  double sum = 0, sum_sq = 0, lo = 1e300, hi = -1e300;
  long long atoms = 0;
  for (std::size_t s : frames) {
    const LabelledFrame& f = data.frames[s];
    double e = *f.labels.energy;
    for (int z : f.frame.numbers) e -= e_atom.at(z);
    const double per_atom = e / static_cast<double>(f.frame.size());
    sum += per_atom, sum_sq += per_atom * per_atom;
    lo = std::min(lo, per_atom), hi = std::max(hi, per_atom);
    atoms += static_cast<long long>(f.frame.size());
  }
  const double n = static_cast<double>(frames.size());
  const double mean = sum / n;
  const double sd = std::sqrt(std::max(0.0, sum_sq / n - mean * mean));
  model.set_energy_scaling(std::max(sd, 1e-2), mean);
  model.set_training_info("slhmc", atoms, static_cast<long long>(frames.size()), lo, hi, mean);
}

TrainResult train(const ModelSpec& spec_in, const TrainingSet& data, const TrainOptions& options) {
  ModelSpec spec = spec_in;
  if (spec.species.empty()) spec.species = data.species();
  TrainableModel model = TrainableModel::from_spec(spec, options.seed);
  const Split split = split_training_set(data.size(), options.validation_fraction, options.seed);
  initialise_from_data(model, data, split.train, spec.atomic_energies);
  return train(std::move(model), data, options);
}

std::vector<TrainResult> train_committee(const ModelSpec& spec, const TrainingSet& data, const TrainOptions& options,
                                         int members) {
  if (members < 1) throw Error("training: a committee needs at least one member");
  std::vector<TrainResult> results;
  for (int k = 0; k < members; ++k) {
    TrainOptions o = options;
    o.seed = options.seed + static_cast<std::uint64_t>(k);
    o.feature_cache = nullptr;  // the splits differ, the features do not; recomputed for clarity
    results.push_back(train(spec, data, o));
  }
  return results;
}

TrainResult train(TrainableModel model, const TrainingSet& data, const TrainOptions& o) {
  if (o.epochs < 0) throw Error("training: epochs must be >= 0");
  if (o.batch_size < 1) throw Error("training: the batch size must be >= 1");
  if (!(o.ema_decay >= 0 && o.ema_decay < 1)) throw Error("training: the EMA decay must be in [0, 1)");
  for (const auto& f : data.frames) {
    const std::string reason = bad_frame_reason(f, model.atomic_numbers());
    if (!reason.empty()) throw Error("training: " + reason);
  }
  const auto t0 = Clock::now();
  TrainResult result;
  result.data_digest = training_set_digest(data);
  result.split = split_training_set(data.size(), o.validation_fraction, o.seed);
  const Split& split = result.split;
  if (split.train.empty()) throw Error("training: no training frames left after the validation split");
  const auto force_frames = choose_force_frames(data, split.train, o);
  TrainingData td = build_training_data(model, data, split, force_frames, o);
  result.feature_bytes = td.bytes();
  result.feature_seconds = seconds_since(t0);

  std::string device = o.device;
  if (device == "auto") device = cuda_device_available() ? "cuda" : "cpu";
  std::unique_ptr<LossEvaluator> evaluator;
  if (device == "cpu") {
    evaluator = make_cpu_loss_evaluator(model, td, o.threads);
  } else if (device == "cuda") {
    evaluator = make_cuda_loss_evaluator(model, td);
  } else {
    throw Error("training: unknown device '" + o.device + "' (expected cpu, cuda or auto)");
  }
  result.device = evaluator->name();

  std::vector<double>& theta = model.parameters();
  const std::size_t P = theta.size();
  std::vector<double> grad(P), ema = theta, best = theta;
  double best_loss = std::numeric_limits<double>::infinity();
  int since_best = 0;
  Adam adam(P, o.optimizer);
  Lbfgs lbfgs(P, o.optimizer.lbfgs_history);
  Rng shuffle(o.seed, 0x5b0ffULL);
  std::vector<std::size_t> order = split.train;
  const bool have_validation = !split.validation.empty();
  const bool lbfgs_mode = o.optimizer.method == OptimizerMethod::lbfgs;
  result.stop_reason = "epochs done";

  for (int epoch = 0; epoch < o.epochs; ++epoch) {
    EpochRecord rec;
    rec.epoch = epoch + 1;
    rec.learning_rate = scheduled_learning_rate(o.optimizer, epoch, o.epochs);
    if (lbfgs_mode) {
      ErrorSums errors;
      rec.train_loss = lbfgs.iterate(theta, [&](std::span<const double> p, std::span<double> g) {
        const LossResult r = evaluator->evaluate(p, order, o.loss, g);
        errors = r.errors;
        return r.loss;
      });
      rec.train = errors;
    } else {
      for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle.below(i)]);
      std::size_t batches = 0;
      for (std::size_t start = 0; start < order.size(); start += static_cast<std::size_t>(o.batch_size)) {
        const std::size_t end = std::min(order.size(), start + static_cast<std::size_t>(o.batch_size));
        std::fill(grad.begin(), grad.end(), 0.0);
        const LossResult r = evaluator->evaluate(
            theta, std::span<const std::size_t>(order.data() + start, end - start), o.loss, grad);
        if (!std::isfinite(r.loss)) throw Error("training diverged: the loss is not finite at epoch " + std::to_string(epoch + 1));
        adam.step(theta, grad, rec.learning_rate);
        rec.train_loss += r.loss;
        rec.train += r.errors;
        ++batches;
        if (o.ema_decay > 0)
          for (std::size_t k = 0; k < P; ++k) ema[k] = o.ema_decay * ema[k] + (1 - o.ema_decay) * theta[k];
      }
      rec.train_loss /= static_cast<double>(std::max<std::size_t>(batches, 1));
    }
    const std::vector<double>& evaluated = o.ema_decay > 0 ? ema : theta;
    if (have_validation) {
      const LossResult v = evaluator->evaluate(evaluated, split.validation, o.loss, {});
      rec.validation_loss = v.loss;
      rec.validation = v.errors;
    }
    rec.seconds = seconds_since(t0);
    result.curve.push_back(rec);
    if (better(rec, best_loss, have_validation)) {
      best_loss = have_validation ? rec.validation_loss : rec.train_loss;
      best = evaluated;
      result.best_epoch = rec.epoch;
      since_best = 0;
    } else {
      ++since_best;
    }
    if (o.on_epoch) o.on_epoch(rec);
    if (o.patience > 0 && since_best >= o.patience) {
      result.stop_reason = "early stopping: no better validation loss for " + std::to_string(o.patience) + " epochs";
      break;
    }
    if (have_validation && (o.target_energy_rmse > 0 || o.target_force_rmse > 0) &&
        (o.target_energy_rmse <= 0 || rec.validation.energy_rmse() <= o.target_energy_rmse) &&
        (o.target_force_rmse <= 0 || rec.validation.force_rmse() <= o.target_force_rmse)) {
      result.stop_reason = "validation targets reached";
      best = evaluated;  // the model that meets the targets, even if an earlier loss was lower
      result.best_epoch = rec.epoch;
      break;
    }
    if (o.max_seconds > 0 && rec.seconds >= o.max_seconds) {
      result.stop_reason = "time limit";
      break;
    }
  }
  if (result.curve.empty()) best = theta;
  theta = best;
  evaluator.reset();
  if (o.feature_cache) o.feature_cache->features = std::move(td.features);
  result.model = std::move(model);
  return result;
}

}  // namespace slhmc::train
