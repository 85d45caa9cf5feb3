// Optimizers over the flat parameter vector: Adam and AdamW (decoupled weight
// decay) with a learning-rate schedule, and L-BFGS with a backtracking line
// search for small full-batch problems.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace slhmc::train {

enum class OptimizerMethod { adam, adamw, lbfgs };
enum class LearningRateSchedule { constant, exponential, cosine };

struct OptimizerOptions {
  OptimizerMethod method = OptimizerMethod::adamw;
  double learning_rate = 1e-3;
  double weight_decay = 1e-4;  // AdamW only: θ ← θ − lr·decay·θ each step
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  LearningRateSchedule schedule = LearningRateSchedule::constant;
  double decay_rate = 0.999;    // exponential: lr · decay_rate^epoch
  double min_learning_rate = 0.0;  // cosine: lr_min + (lr − lr_min)(1 + cos(π epoch/epochs))/2
  int lbfgs_history = 10;
};

OptimizerMethod optimizer_method_from_name(const std::string& name);  // "adam", "adamw", "lbfgs"
LearningRateSchedule schedule_from_name(const std::string& name);     // "constant", "exponential", "cosine"

// The learning rate of `epoch` (0-based) of `epochs`.
double scheduled_learning_rate(const OptimizerOptions& options, int epoch, int epochs);

// First-order methods: one step from a gradient.
class Adam {
 public:
  Adam(std::size_t num_parameters, const OptimizerOptions& options);
  void step(std::span<double> parameters, std::span<const double> gradient, double learning_rate);
  long long steps() const { return t_; }
  // The moment estimates and step count, for checkpoints.
  std::vector<double>& first_moment() { return m_; }
  std::vector<double>& second_moment() { return v_; }
  void set_steps(long long t) { t_ = t; }

 private:
  OptimizerOptions options_;
  std::vector<double> m_, v_;
  long long t_ = 0;
};

// L-BFGS on a full-batch objective f(θ, ∇f) → value (fills the gradient). One call of
// iterate() is one quasi-Newton step with an Armijo backtracking line search; returns the new
// value (the parameters are updated in place). Throws nothing on a failed line search: it
// resets the history and takes a small gradient step instead.
class Lbfgs {
 public:
  using Objective = std::function<double(std::span<const double> params, std::span<double> gradient)>;
  Lbfgs(std::size_t num_parameters, int history);
  double iterate(std::span<double> parameters, const Objective& objective);

 private:
  int history_;
  std::vector<std::vector<double>> s_, y_;
  std::vector<double> rho_;
  std::vector<double> g_, g_new_, dir_, trial_;
  double f_ = 0.0;
  bool started_ = false;
};

}  // namespace slhmc::train
