// Reference evaluation of the n2p2 symmetry functions (nnp-formats.md §B5)
// and of their gradients with respect to the entry vectors R_e. Strict
// r < rc everywhere; rs enters every exponent (the r_jk term too).
#include "slhmc/nnp/n2p2_symmetry_functions.hpp"

#include <cmath>

namespace slhmc::nnp::n2p2 {

SymmetryFunction::SymmetryFunction(const SymmetryFunctionSpec& spec, CutoffType cutoff_type, double cutoff_alpha)
    : spec_(spec), fc_(cutoff_type, spec.rc, cutoff_alpha) {
  if (spec.type == 3 || spec.type == 9 || spec.type == 13) {
    prefactor_ = std::pow(2.0, 1.0 - spec.zeta);
    if (spec.zeta == std::round(spec.zeta) && spec.zeta >= 1.0 && spec.zeta <= 64.0)
      int_zeta_ = static_cast<int>(spec.zeta);
  }
}

double SymmetryFunction::power(double base) const {
  if (int_zeta_ < 0) return std::pow(base, spec_.zeta);
  double p = base;
  for (int n = 1; n < int_zeta_; ++n) p *= base;
  return p;
}

double SymmetryFunction::evaluate(const Environment& env, double weight, Vec3* grad) const {
  return (spec_.type == 2 || spec_.type == 12) ? radial(env, weight, grad) : angular(env, weight, grad);
}

double SymmetryFunction::radial(const Environment& env, double weight, Vec3* grad) const {
  const bool weighted = spec_.type == 12;
  const double eta = spec_.eta, rs = spec_.rs, rc = spec_.rc;
  double g = 0.0;
  for (std::size_t e = 0; e < env.size(); ++e) {
    const double d = env.d[e];
    if (d >= rc) continue;
    if (!weighted && env.elem[e] != spec_.e1) continue;
    double f, df;
    fc_.evaluate(d, f, df);
    const double dr = d - rs;
    const double ex = std::exp(-eta * dr * dr);
    const double w = weighted ? env.z[e] : 1.0;
    g += w * ex * f;
    if (grad) {
      // dt/dr = [f_c' − 2η(r − rs) f_c]·exp(−η(r − rs)²), along the unit vector R_e/d.
      const double dt = w * (df - 2.0 * eta * dr * f) * ex;
      grad[e] += (weight * dt / d) * env.r[e];
    }
  }
  return g;
}

double SymmetryFunction::angular(const Environment& env, double weight, Vec3* grad) const {
  const int type = spec_.type;
  const bool with_jk = type == 3 || type == 13;  // type 9 has no r_jk factor
  const bool weighted = type == 13;
  const double eta = spec_.eta, rs = spec_.rs, rc = spec_.rc, lambda = spec_.lambda, zeta = spec_.zeta;
  double g = 0.0;
  const std::size_t n = env.size();
  for (std::size_t j = 0; j < n; ++j) {
    const double dj = env.d[j];
    if (dj >= rc) continue;
    const int ej = env.elem[j];
    if (!weighted && ej != spec_.e1 && ej != spec_.e2) continue;
    double fj, dfj;
    fc_.evaluate(dj, fj, dfj);
    const Vec3& rj = env.r[j];
    for (std::size_t k = j + 1; k < n; ++k) {
      const double dk = env.d[k];
      if (dk >= rc) continue;
      const int ek = env.elem[k];
      if (!weighted && !((ej == spec_.e1 && ek == spec_.e2) || (ej == spec_.e2 && ek == spec_.e1))) continue;
      const Vec3& rk = env.r[k];
      const double inv_jk = 1.0 / (dj * dk);
      const double c = dot(rj, rk) * inv_jk;
      const double base = 1.0 + lambda * c;
      if (base <= 0.0) continue;  // the term and its derivative vanish (§B5)
      Vec3 rjk{};
      double djk = 0.0, fjk = 1.0, dfjk = 0.0;
      if (with_jk) {
        rjk = rk - rj;  // image-consistent, never a minimum image
        djk = norm(rjk);
        if (djk >= rc) continue;
        fc_.evaluate(djk, fjk, dfjk);
      }
      double fk, dfk;
      fc_.evaluate(dk, fk, dfk);
      const double aj = dj - rs, ak = dk - rs, ajk = djk - rs;
      double arg = aj * aj + ak * ak;
      if (with_jk) arg += ajk * ajk;
      const double ex = std::exp(-eta * arg);
      const double a = power(base);
      const double wz = weighted ? env.z[j] * env.z[k] : 1.0;
      const double fprod = fj * fk * fjk;
      const double t = wz * prefactor_ * a * ex * fprod;  // the pair's term
      g += t;
      if (!grad) continue;
      const double pe = wz * prefactor_ * a * ex;  // T = pe·fj·fk·fjk
      // ∂T/∂c through (1 + λc)^ζ: ζλ(1 + λc)^(ζ−1).
      const double dt_dc = wz * prefactor_ * zeta * lambda * (a / base) * ex * fprod;
      const double dt_ddj = pe * (dfj * fk * fjk - 2.0 * eta * aj * fprod);
      const double dt_ddk = pe * (fj * dfk * fjk - 2.0 * eta * ak * fprod);
      // ∂c/∂R_j = R_k/(dj dk) − c R_j/dj², and symmetrically for k.
      Vec3 gj = (dt_dc * inv_jk) * rk + (dt_ddj / dj - dt_dc * c / (dj * dj)) * rj;
      Vec3 gk = (dt_dc * inv_jk) * rj + (dt_ddk / dk - dt_dc * c / (dk * dk)) * rk;
      if (with_jk) {
        // r_jk = |R_k − R_j|: ∂/∂R_k = +R_jk/r_jk, ∂/∂R_j = −R_jk/r_jk.
        const double dt_ddjk = pe * (fj * fk * dfjk - 2.0 * eta * ajk * fprod);
        const Vec3 u = (dt_ddjk / djk) * rjk;
        gj -= u;
        gk += u;
      }
      grad[j] += weight * gj;
      grad[k] += weight * gk;
    }
  }
  return g;
}

}  // namespace slhmc::nnp::n2p2
