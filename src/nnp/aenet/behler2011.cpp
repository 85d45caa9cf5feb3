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
  int param_set = -1;             // G4/G5: index of (η, Rc) in the fast path's table
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
    // Fast-path tables: radial functions by type2; angular functions by unordered species
    // pair, each with its (η, Rc) set so that exp(−ηd²)·fc(d) is computed once per entry.
    nenv_ = nenv;
    radial_by_type_.assign(nenv, {});
    angular_by_pair_.assign(static_cast<std::size_t>(nenv) * nenv, {});
    for (std::size_t fi = 0; fi < functions_.size(); ++fi) {
      Function& fn = functions_[fi];
      if (fn.g <= 3) {
        radial_by_type_[fn.t2].push_back(static_cast<int>(fi));
        continue;
      }
      std::size_t ps = 0;
      while (ps < radial_params_.size() && !(radial_params_[ps].first == fn.p3 && radial_params_[ps].second == fn.rc)) ++ps;
      if (ps == radial_params_.size()) radial_params_.push_back({fn.p3, fn.rc});
      fn.param_set = static_cast<int>(ps);
      angular_by_pair_[static_cast<std::size_t>(fn.t2) * nenv + fn.t3].push_back(static_cast<int>(fi));
      angular_by_pair_[static_cast<std::size_t>(fn.t3) * nenv + fn.t2] = angular_by_pair_[static_cast<std::size_t>(fn.t2) * nenv + fn.t3];
    }
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

  // Fast path: geometry, cutoffs and exp(−ηd²)·fc(d) once per entry, cos θ and d_jk once
  // per pair; each term's partial derivatives are stored so that the gradient pass only
  // contracts them with g. Terms and their order per function equal the plain path.
  void evaluate(const AenetEnvironment& env, std::span<double> G, std::span<double> g, const GradientFunction& dE_dG,
                std::span<Vec3> h) const override {
    struct Term {
      int f;
      double dv_dc, dv_ddj, dv_ddk, dv_ddjk;
    };
    struct PairInfo {
      int j, k;
      std::size_t first, last;  // range in terms
      double c, djk;
      Vec3 rjk;
    };
    struct Cache {
      std::vector<double> rad_dv;          // per radial term: dv/dd
      std::vector<int> rad_entry, rad_f;
      std::vector<double> F, dF;           // entry × param set
      std::vector<Term> terms;
      std::vector<PairInfo> pairs;
    };
    thread_local Cache c;
    for (double& x : G) x = 0.0;
    const std::size_t m = env.r.size();
    c.rad_dv.clear();
    c.rad_entry.clear();
    c.rad_f.clear();
    // Radial functions, in the plain path's order per function (entries ascending).
    for (std::size_t j = 0; j < m; ++j) {
      const double d = env.d[j];
      for (int f : radial_by_type_[env.type[j]]) {
        const Function& fn = functions_[f];
        if (d >= fn.rc) continue;
        const double cut = fc(d, fn.rc);
        double v, dv;
        switch (fn.g) {
          case 1:
            v = cut;
            dv = dfc(d, fn.rc);
            break;
          case 2: {
            const double e = std::exp(-fn.p2 * (d - fn.p1) * (d - fn.p1));
            v = e * cut;
            dv = e * (dfc(d, fn.rc) - 2.0 * fn.p2 * (d - fn.p1) * cut);
            break;
          }
          default: {
            const double cs = std::cos(fn.p1 * d);
            v = cs * cut;
            dv = -fn.p1 * std::sin(fn.p1 * d) * cut + cs * dfc(d, fn.rc);
            break;
          }
        }
        G[f] += v;
        c.rad_dv.push_back(dv);
        c.rad_entry.push_back(static_cast<int>(j));
        c.rad_f.push_back(f);
      }
    }
    // Per entry and (η, Rc): F = exp(−ηd²)·fc(d), dF/dd.
    const std::size_t np = radial_params_.size();
    c.F.resize(m * np);
    c.dF.resize(m * np);
    for (std::size_t j = 0; j < m; ++j)
      for (std::size_t q = 0; q < np; ++q) {
        const auto [eta, rc] = radial_params_[q];
        const double d = env.d[j];
        const double cut = fc(d, rc);
        const double e = std::exp(-eta * d * d);
        c.F[j * np + q] = e * cut;
        c.dF[j * np + q] = e * (dfc(d, rc) - 2.0 * eta * d * cut);
      }
    c.terms.clear();
    c.pairs.clear();
    for (std::size_t j = 0; j < m; ++j) {
      const double dj = env.d[j];
      if (dj >= rc_max_) continue;
      for (std::size_t k = j + 1; k < m; ++k) {
        const double dk = env.d[k];
        if (dk >= rc_max_) continue;
        const auto& list = angular_by_pair_[static_cast<std::size_t>(env.type[j]) * nenv_ + env.type[k]];
        if (list.empty()) continue;
        PairInfo pi{static_cast<int>(j), static_cast<int>(k), c.terms.size(), 0, 0.0, 0.0, Vec3{0, 0, 0}};
        const double c_raw = dot(env.r[j], env.r[k]) / (dj * dk);
        const double cos_jk = std::clamp(c_raw, -1.0, 1.0);
        pi.c = c_raw;
        pi.rjk = env.r[k] - env.r[j];
        pi.djk = norm(pi.rjk);
        for (int f : list) {
          const Function& fn = functions_[f];
          if (dj >= fn.rc || dk >= fn.rc) continue;
          const std::size_t q = static_cast<std::size_t>(fn.param_set);
          double Fjk = 1.0, dFjk = 0.0;
          if (fn.g == 4) {
            if (pi.djk >= fn.rc) continue;
            const double e = std::exp(-fn.p3 * pi.djk * pi.djk);
            const double cut = fc(pi.djk, fn.rc);
            Fjk = e * cut;
            dFjk = e * (dfc(pi.djk, fn.rc) - 2.0 * fn.p3 * pi.djk * cut);
          }
          const double Fj = c.F[j * np + q], Fk = c.F[k * np + q];
          const double base = 0.5 * (1.0 + fn.p1 * cos_jk);
          const double A = std::pow(base, fn.p2);
          G[f] += fn.g == 4 ? 2.0 * A * Fj * Fk * Fjk : 2.0 * A * Fj * Fk;
          const double dA = 0.5 * fn.p2 * fn.p1 * std::pow(base, fn.p2 - 1.0);
          c.terms.push_back(Term{f, 2.0 * dA * Fj * Fk * Fjk, 2.0 * A * c.dF[j * np + q] * Fk * Fjk,
                                 2.0 * A * Fj * c.dF[k * np + q] * Fjk, 2.0 * A * Fj * Fk * dFjk});
        }
        pi.last = c.terms.size();
        if (pi.last > pi.first) c.pairs.push_back(pi);
      }
    }

    dE_dG(G, g);

    for (std::size_t t = 0; t < c.rad_dv.size(); ++t) {
      const std::size_t j = static_cast<std::size_t>(c.rad_entry[t]);
      h[j] += (g[c.rad_f[t]] * c.rad_dv[t] / env.d[j]) * env.r[j];
    }
    for (const PairInfo& pi : c.pairs) {
      double s_c = 0, s_j = 0, s_k = 0, s_jk = 0;
      for (std::size_t t = pi.first; t < pi.last; ++t) {
        const Term& term = c.terms[t];
        const double gf = g[term.f];
        s_c += gf * term.dv_dc;
        s_j += gf * term.dv_ddj;
        s_k += gf * term.dv_ddk;
        s_jk += gf * term.dv_ddjk;
      }
      const std::size_t j = static_cast<std::size_t>(pi.j), k = static_cast<std::size_t>(pi.k);
      const double dj = env.d[j], dk = env.d[k];
      const Vec3 uj = (1.0 / dj) * env.r[j];
      const Vec3 uk = (1.0 / dk) * env.r[k];
      Vec3 hj = (s_c / dj) * (uk - pi.c * uj) + s_j * uj;
      Vec3 hk = (s_c / dk) * (uj - pi.c * uk) + s_k * uk;
      if (s_jk != 0.0) {
        const Vec3 ujk = (1.0 / pi.djk) * pi.rjk;
        hk += s_jk * ujk;
        hj -= s_jk * ujk;
      }
      h[j] += hj;
      h[k] += hk;
    }
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
  int nenv_ = 0;
  std::vector<std::vector<int>> radial_by_type_;   // type2 → G1–G3 function indices
  std::vector<std::vector<int>> angular_by_pair_;  // t·nenv + t' → G4/G5 function indices
  std::vector<std::pair<double, double>> radial_params_;  // distinct (η, Rc) of G4/G5
};

}  // namespace

std::unique_ptr<AenetDescriptor> make_behler2011_descriptor(const AenetNetFile& file) {
  return std::make_unique<Behler2011Descriptor>(file);
}

std::unique_ptr<AenetDescriptor> make_aenet_descriptor(const AenetNetFile& file, int chebyshev_version,
                                                       int moment_mode) {
  if (file.sftype == "Chebyshev") return make_chebyshev_descriptor(file, chebyshev_version, moment_mode);
  if (file.sftype == "Behler2011") return make_behler2011_descriptor(file);
  throw Error(file.source + ": unsupported descriptor type '" + file.sftype + "' (expected Chebyshev or Behler2011)");
}

}  // namespace slhmc::nnp
