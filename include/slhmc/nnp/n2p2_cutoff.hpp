// n2p2's cutoff functions f_c(r) with inner cutoff r_ci = α·rc
// (nnp-formats.md §B4), in the Horner forms n2p2 evaluates. Inline because
// they sit in the innermost descriptor loops.
#pragma once

#include <cmath>
#include <numbers>

#include "slhmc/nnp/n2p2_settings.hpp"

namespace slhmc::nnp::n2p2 {

class CutoffFunction {
 public:
  // coth³(1) = ((e + 1/e)/(e − 1/e))³, the prefactor that gives CT_TANH f(0) = 1.
  static constexpr double kE = std::numbers::e;
  static constexpr double kTanhNorm =
      ((kE + 1.0 / kE) / (kE - 1.0 / kE)) * ((kE + 1.0 / kE) / (kE - 1.0 / kE)) * ((kE + 1.0 / kE) / (kE - 1.0 / kE));

  CutoffFunction() = default;
  // rc > 0 in any length unit; alpha in [0, 1) (ignored by types hard, tanhu, tanh).
  CutoffFunction(CutoffType type, double rc, double alpha) : type_(type), rc_(rc), alpha_(alpha) {
    const bool uses_alpha = !(type == CutoffType::hard || type == CutoffType::tanhu || type == CutoffType::tanh);
    rci_ = uses_alpha ? alpha * rc : 0.0;
    inv_width_ = 1.0 / (rc - rci_);
  }

  double rc() const { return rc_; }
  double alpha() const { return alpha_; }
  CutoffType type() const { return type_; }

  // f = f_c(r) and df = df_c/dr (1/length) for r ≥ 0; both 0 for r ≥ rc.
  void evaluate(double r, double& f, double& df) const {
    if (r >= rc_) {
      f = 0.0;
      df = 0.0;
      return;
    }
    switch (type_) {
      case CutoffType::hard:
        f = 1.0;
        df = 0.0;
        return;
      case CutoffType::tanhu:
      case CutoffType::tanh: {
        const double t = std::tanh(1.0 - r / rc_);
        const double k = type_ == CutoffType::tanh ? kTanhNorm : 1.0;
        f = k * t * t * t;
        df = k * 3.0 * t * t * (t * t - 1.0) / rc_;
        return;
      }
      default: break;
    }
    if (r < rci_) {
      f = 1.0;
      df = 0.0;
      return;
    }
    const double x = (r - rci_) * inv_width_;
    double fx = 0.0, dfx = 0.0;
    switch (type_) {
      case CutoffType::cos: {
        const double px = std::numbers::pi * x;
        fx = 0.5 * (std::cos(px) + 1.0);
        dfx = -0.5 * std::numbers::pi * std::sin(px);
        break;
      }
      case CutoffType::exp: {
        const double q = 1.0 - x * x;  // > 0 for x < 1
        fx = std::exp(1.0 - 1.0 / q);
        dfx = -2.0 * x * fx / (q * q);
        break;
      }
      case CutoffType::poly1:
        fx = (2.0 * x - 3.0) * x * x + 1.0;
        dfx = 6.0 * x * (x - 1.0);
        break;
      case CutoffType::poly2:
        fx = ((15.0 - 6.0 * x) * x - 10.0) * x * x * x + 1.0;
        dfx = x * x * ((60.0 - 30.0 * x) * x - 30.0);
        break;
      case CutoffType::poly3: {
        const double x2 = x * x;
        fx = (x * (x * (20.0 * x - 70.0) + 84.0) - 35.0) * x2 * x2 + 1.0;
        dfx = x2 * x * (x * (x * (140.0 * x - 420.0) + 420.0) - 140.0);
        break;
      }
      case CutoffType::poly4: {
        const double x2 = x * x;
        fx = (x * (x * ((315.0 - 70.0 * x) * x - 540.0) + 420.0) - 126.0) * x2 * x2 * x + 1.0;
        dfx = x2 * x2 * (x * (x * ((2520.0 - 630.0 * x) * x - 3780.0) + 2520.0) - 630.0);
        break;
      }
      default: break;
    }
    f = fx;
    df = dfx * inv_width_;
  }

 private:
  CutoffType type_ = CutoffType::hard;
  double rc_ = 1.0;
  double alpha_ = 0.0;
  double rci_ = 0.0;
  double inv_width_ = 1.0;
};

}  // namespace slhmc::nnp::n2p2
