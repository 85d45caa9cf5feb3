// Adam/AdamW and L-BFGS (see optimizer.hpp).
#include "slhmc/train/optimizer.hpp"

#include <cmath>
#include <numbers>
#include <numeric>

#include "slhmc/core/error.hpp"

namespace slhmc::train {

OptimizerMethod optimizer_method_from_name(const std::string& name) {
  if (name == "adam") return OptimizerMethod::adam;
  if (name == "adamw") return OptimizerMethod::adamw;
  if (name == "lbfgs") return OptimizerMethod::lbfgs;
  throw Error("unknown optimizer '" + name + "' (expected adam, adamw or lbfgs)");
}

LearningRateSchedule schedule_from_name(const std::string& name) {
  if (name == "constant") return LearningRateSchedule::constant;
  if (name == "exponential") return LearningRateSchedule::exponential;
  if (name == "cosine") return LearningRateSchedule::cosine;
  throw Error("unknown learning-rate schedule '" + name + "' (expected constant, exponential or cosine)");
}

double scheduled_learning_rate(const OptimizerOptions& o, int epoch, int epochs) {
  switch (o.schedule) {
    case LearningRateSchedule::constant: return o.learning_rate;
    case LearningRateSchedule::exponential: return o.learning_rate * std::pow(o.decay_rate, epoch);
    case LearningRateSchedule::cosine: {
      const double t = epochs > 1 ? static_cast<double>(epoch) / (epochs - 1) : 1.0;
      return o.min_learning_rate + (o.learning_rate - o.min_learning_rate) * 0.5 * (1 + std::cos(std::numbers::pi * t));
    }
  }
  return o.learning_rate;
}

Adam::Adam(std::size_t n, const OptimizerOptions& options) : options_(options), m_(n, 0.0), v_(n, 0.0) {}

void Adam::step(std::span<double> theta, std::span<const double> g, double lr) {
  if (theta.size() != m_.size() || g.size() != m_.size()) throw Error("Adam: vectors of the wrong size");
  ++t_;
  const double b1 = options_.beta1, b2 = options_.beta2;
  const double c1 = 1.0 - std::pow(b1, static_cast<double>(t_));
  const double c2 = 1.0 - std::pow(b2, static_cast<double>(t_));
  const double decay = options_.method == OptimizerMethod::adamw ? lr * options_.weight_decay : 0.0;
  for (std::size_t k = 0; k < theta.size(); ++k) {
    m_[k] = b1 * m_[k] + (1 - b1) * g[k];
    v_[k] = b2 * v_[k] + (1 - b2) * g[k] * g[k];
    const double mhat = m_[k] / c1, vhat = v_[k] / c2;
    theta[k] -= lr * mhat / (std::sqrt(vhat) + options_.epsilon) + decay * theta[k];
  }
}

Lbfgs::Lbfgs(std::size_t n, int history) : history_(history), g_(n), g_new_(n), dir_(n), trial_(n) {
  if (history < 1) throw Error("L-BFGS: the history must be >= 1");
}

double Lbfgs::iterate(std::span<double> theta, const Objective& objective) {
  const std::size_t n = theta.size();
  auto dot = [n](const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t k = 0; k < n; ++k) s += a[k] * b[k];
    return s;
  };
  if (!started_) {
    std::fill(g_.begin(), g_.end(), 0.0);
    f_ = objective(theta, g_);
    started_ = true;
  }
  // Two-loop recursion: dir = −H g.
  dir_ = g_;
  const std::size_t m = s_.size();
  std::vector<double> alpha(m);
  for (std::size_t i = m; i-- > 0;) {
    alpha[i] = rho_[i] * dot(s_[i], dir_);
    for (std::size_t k = 0; k < n; ++k) dir_[k] -= alpha[i] * y_[i][k];
  }
  if (m > 0) {
    const double gamma = dot(s_[m - 1], y_[m - 1]) / dot(y_[m - 1], y_[m - 1]);
    for (double& d : dir_) d *= gamma;
  } else {
    const double gn = std::sqrt(dot(g_, g_));
    if (gn > 0)
      for (double& d : dir_) d *= 1e-3 / gn;  // a cautious first step
  }
  for (std::size_t i = 0; i < m; ++i) {
    const double beta = rho_[i] * dot(y_[i], dir_);
    for (std::size_t k = 0; k < n; ++k) dir_[k] += (alpha[i] - beta) * s_[i][k];
  }
  for (double& d : dir_) d = -d;
  double slope = dot(g_, dir_);
  if (!(slope < 0)) {  // not a descent direction: restart from the gradient
    s_.clear(), y_.clear(), rho_.clear();
    for (std::size_t k = 0; k < n; ++k) dir_[k] = -1e-3 * g_[k];
    slope = dot(g_, dir_);
  }
  double step = 1.0, f_new = f_;
  bool accepted = false;
  for (int tries = 0; tries < 30; ++tries, step *= 0.5) {
    for (std::size_t k = 0; k < n; ++k) trial_[k] = theta[k] + step * dir_[k];
    std::fill(g_new_.begin(), g_new_.end(), 0.0);
    f_new = objective(trial_, g_new_);
    if (std::isfinite(f_new) && f_new <= f_ + 1e-4 * step * slope) {
      accepted = true;
      break;
    }
  }
  if (!accepted) {
    s_.clear(), y_.clear(), rho_.clear();
    return f_;  // no decrease found: keep the parameters
  }
  std::vector<double> s(n), y(n);
  for (std::size_t k = 0; k < n; ++k) {
    s[k] = trial_[k] - theta[k];
    y[k] = g_new_[k] - g_[k];
    theta[k] = trial_[k];
  }
  const double sy = dot(s, y);
  if (sy > 1e-12 * std::sqrt(dot(s, s) * dot(y, y))) {
    s_.push_back(std::move(s));
    y_.push_back(std::move(y));
    rho_.push_back(1.0 / sy);
    if (static_cast<int>(s_.size()) > history_) {
      s_.erase(s_.begin());
      y_.erase(y_.begin());
      rho_.erase(rho_.begin());
    }
  }
  g_ = g_new_;
  f_ = f_new;
  return f_;
}

}  // namespace slhmc::train
