// aenet's Behler2011 symmetry functions G1–G5 (nnp-formats §A6): values with
// each function's own cosine cutoff, the unordered species condition of the
// angular functions, the canonical re-ordering of §A6.3, and the contraction
// of dE/dG into per-entry gradients.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"

namespace slhmc::nnp {

namespace {

constexpr double kPiAenet = 3.14159265358979;  // aenet's truncated literal (§A3)

// Behler code form of the cosine cutoff: the product π_a·d is formed first.
inline double fc(double d, double rc) { return d >= rc ? 0.0 : 0.5 * (std::cos((kPiAenet * d) / rc) + 1.0); }
inline double dfc(double d, double rc) {
  return d >= rc ? 0.0 : -0.5 * (kPiAenet / rc) * std::sin((kPiAenet * d) / rc);
}

struct Function {
  int g = 0;          // 1 … 5
  double rc = 0.0;
  double p1 = 0, p2 = 0, p3 = 0;  // G2: Rs, η; G3: κ; G4/G5: λ, ζ, η
  int t2 = 0, t3 = 0;             // 0-based local ENV indices
};

class Behler2011Descriptor final : public AenetDescriptor {
 public:
  explicit Behler2011Descriptor(const AenetNetFile& f) {
    const std::string where = f.source + ": Behler2011 setup: ";
    if (f.nsfparam != 4) throw Error(where + "nsfparam = " + std::to_string(f.nsfparam) + ", expected 4");
    const int nenv = static_cast<int>(f.envtypes.size());
    std::vector<Function> file_order;
    for (int i = 0; i < f.nsf; ++i) {
      Function fn;
      fn.g = f.sf[i];
      const double* p = f.sfparam.data() + 4 * static_cast<std::size_t>(i);
      fn.rc = p[0];
      fn.t2 = f.sfenv[2 * i] - 1;
      fn.t3 = f.sfenv[2 * i + 1] - 1;
      const std::string fw = where + "function " + std::to_string(i + 1) + " (G" + std::to_string(fn.g) + "): ";
      if (fn.g < 1 || fn.g > 5) throw Error(where + "function " + std::to_string(i + 1) + " has unknown type G" + std::to_string(fn.g));
      if (!(fn.rc > 0)) throw Error(fw + "cutoff must be positive");
      if (fn.t2 < 0 || fn.t2 >= nenv) throw Error(fw + "type2 index out of the ENV list");
      switch (fn.g) {
        case 1: break;
        case 2: fn.p1 = p[1]; fn.p2 = p[2]; break;
        case 3: fn.p1 = p[1]; break;
        default:
          if (fn.t3 < 0 || fn.t3 >= nenv) throw Error(fw + "type3 index out of the ENV list");
          fn.p1 = p[1];
          fn.p2 = p[2];
          fn.p3 = p[3];
          if (!(fn.p2 > 0)) throw Error(fw + "zeta must be positive");
          if (fn.t3 < fn.t2) std::swap(fn.t2, fn.t3);  // the species condition is unordered
          break;
      }
      file_order.push_back(fn);
      rc_max_ = std::max(rc_max_, fn.rc);
    }
    // Canonical order (§A6.3).
    for (int t2 = 0; t2 < nenv; ++t2) {
      for (int g = 1; g <= 3; ++g)
        for (const auto& fn : file_order)
          if (fn.g == g && fn.t2 == t2) functions_.push_back(fn);
      for (int t3 = t2; t3 < nenv; ++t3)
        for (int g = 4; g <= 5; ++g)
          for (const auto& fn : file_order)
            if (fn.g == g && fn.t2 == t2 && fn.t3 == t3) functions_.push_back(fn);
    }
    if (functions_.size() != file_order.size()) throw Error(where + "internal error in canonical ordering");
  }

  int size() const override { return static_cast<int>(functions_.size()); }
  double cutoff() const override { return rc_max_; }
  std::string summary() const override {
    std::ostringstream s;
    s << "Behler2011(" << functions_.size() << " functions, Rc_max " << rc_max_ << ")";
    return s.str();
  }

  void compute(const AenetEnvironment& env, std::span<double> G) const override {
    run(env, &G, nullptr, nullptr);
  }
  void backprop(const AenetEnvironment& env, std::span<const double> g, std::span<Vec3> h) const override {
    run(env, nullptr, &g, &h);
  }

 private:
  // One pass over all functions; values into *G, or gradients g contracted into *h.
  void run(const AenetEnvironment& env, std::span<double>* G, const std::span<const double>* g,
           std::span<Vec3>* h) const {
    const std::size_t m = env.r.size();
    for (std::size_t f = 0; f < functions_.size(); ++f) {
      const Function& fn = functions_[f];
      const double gf = g ? (*g)[f] : 0.0;
      if (g && gf == 0.0) continue;
      double value = 0.0;
      if (fn.g <= 3) {
        for (std::size_t j = 0; j < m; ++j) {
          if (env.type[j] != fn.t2) continue;
          const double d = env.d[j];
          if (d >= fn.rc) continue;
          const double c = fc(d, fn.rc);
          double v = 0.0, dv = 0.0;
          switch (fn.g) {
            case 1:
              v = c;
              if (h) dv = dfc(d, fn.rc);
              break;
            case 2: {
              const double e = std::exp(-fn.p2 * (d - fn.p1) * (d - fn.p1));
              v = e * c;
              if (h) dv = e * (dfc(d, fn.rc) - 2.0 * fn.p2 * (d - fn.p1) * c);
              break;
            }
            default: {
              const double cs = std::cos(fn.p1 * d);
              v = cs * c;
              if (h) dv = -fn.p1 * std::sin(fn.p1 * d) * c + cs * dfc(d, fn.rc);
              break;
            }
          }
          if (G) value += v;
          if (h) (*h)[j] += (gf * dv / d) * env.r[j];
        }
      } else {
        const double lambda = fn.p1, zeta = fn.p2, eta = fn.p3;
        for (std::size_t j = 0; j < m; ++j) {
          const int tj = env.type[j];
          if (tj != fn.t2 && tj != fn.t3) continue;
          const double dj = env.d[j];
          if (dj >= fn.rc) continue;
          const int want_k = tj == fn.t2 ? fn.t3 : fn.t2;
          const double fcj = fc(dj, fn.rc);
          const double Fj = std::exp(-eta * dj * dj) * fcj;
          for (std::size_t k = j + 1; k < m; ++k) {
            if (env.type[k] != want_k) continue;
            const double dk = env.d[k];
            if (dk >= fn.rc) continue;
            Vec3 rjk{};
            double djk = 0.0, Fjk = 1.0;
            if (fn.g == 4) {
              rjk = env.r[k] - env.r[j];
              djk = norm(rjk);
              if (djk >= fn.rc) continue;
              Fjk = std::exp(-eta * djk * djk) * fc(djk, fn.rc);
            }
            const double fck = fc(dk, fn.rc);
            const double Fk = std::exp(-eta * dk * dk) * fck;
            const double c_raw = dot(env.r[j], env.r[k]) / (dj * dk);
            const double c = std::clamp(c_raw, -1.0, 1.0);
            const double base = 0.5 * (1.0 + lambda * c);
            const double A = std::pow(base, zeta);
            const double v = fn.g == 4 ? 2.0 * A * Fj * Fk * Fjk : 2.0 * A * Fj * Fk;
            if (G) value += v;
            if (!h) continue;
            const double dA = 0.5 * zeta * lambda * std::pow(base, zeta - 1.0);
            const double dFj = std::exp(-eta * dj * dj) * (dfc(dj, fn.rc) - 2.0 * eta * dj * fcj);
            const double dFk = std::exp(-eta * dk * dk) * (dfc(dk, fn.rc) - 2.0 * eta * dk * fck);
            const Vec3 uj = (1.0 / dj) * env.r[j];
            const Vec3 uk = (1.0 / dk) * env.r[k];
            const double s = 2.0 * gf;
            // v = 2·A(c)·F_j·F_k·F_jk; chain rule through c, d_j, d_k and d_jk.
            const double dv_dc = s * dA * Fj * Fk * Fjk;
            Vec3 hj = (dv_dc / dj) * (uk - c_raw * uj) + (s * A * dFj * Fk * Fjk) * uj;
            Vec3 hk = (dv_dc / dk) * (uj - c_raw * uk) + (s * A * Fj * dFk * Fjk) * uk;
            if (fn.g == 4) {
              const double dFjk = std::exp(-eta * djk * djk) * (dfc(djk, fn.rc) - 2.0 * eta * djk * fc(djk, fn.rc));
              const Vec3 ujk = (1.0 / djk) * rjk;  // ∂d_jk/∂R_k = −∂d_jk/∂R_j
              const double t = s * A * Fj * Fk * dFjk;
              hk += t * ujk;
              hj -= t * ujk;
            }
            (*h)[j] += hj;
            (*h)[k] += hk;
          }
        }
      }
      if (G) (*G)[f] = value;
    }
  }

  std::vector<Function> functions_;  // canonical order
  double rc_max_ = 0.0;
};

}  // namespace

std::unique_ptr<AenetDescriptor> make_behler2011_descriptor(const AenetNetFile& file) {
  return std::make_unique<Behler2011Descriptor>(file);
}

std::unique_ptr<AenetDescriptor> make_aenet_descriptor(const AenetNetFile& file, int chebyshev_version) {
  if (file.sftype == "Chebyshev") return make_chebyshev_descriptor(file, chebyshev_version);
  if (file.sftype == "Behler2011") return make_behler2011_descriptor(file);
  throw Error(file.source + ": unsupported descriptor type '" + file.sftype + "' (expected Chebyshev or Behler2011)");
}

}  // namespace slhmc::nnp
