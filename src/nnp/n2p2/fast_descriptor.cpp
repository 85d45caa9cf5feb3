// Grouped evaluation of the n2p2 symmetry functions of one element (see
// fast_descriptor.hpp). Same formulas as symmetry_functions.cpp, reorganised:
// exp(−η[(r_ij − rs)² + (r_ik − rs)² + (r_jk − rs)²]) f_c f_c f_c is the product
// of per-entry factors T(r_ij)·T(r_ik) and a per-pair factor T(r_jk), and the
// gradient of Σ_m w_m T_m over a group's members collapses to four scalars per pair.
#include "fast_descriptor.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace slhmc::nnp::n2p2 {

FastDescriptor::FastDescriptor(const std::vector<SymmetryFunctionSpec>& specs, int num_elements, CutoffType type,
                               double alpha)
    : num_sf_(specs.size()), num_elements_(num_elements) {
  std::vector<double> rcs;
  for (const auto& s : specs)
    if (std::find(rcs.begin(), rcs.end(), s.rc) == rcs.end()) rcs.push_back(s.rc);
  for (double rc : rcs) cutoffs_.emplace_back(type, rc, alpha);
  auto rc_index = [&](double rc) { return static_cast<int>(std::find(rcs.begin(), rcs.end(), rc) - rcs.begin()); };

  const int nclass = num_elements * num_elements;
  std::vector<Group> radial, angular;
  auto find_group = [&](std::vector<Group>& list, const SymmetryFunctionSpec& s, bool with_jk) -> Group& {
    for (auto& g : list)
      if (g.rc == s.rc && g.eta == s.eta && g.rs == s.rs && g.with_jk == with_jk) return g;
    Group g;
    g.rc_index = rc_index(s.rc);
    g.rc = s.rc;
    g.eta = s.eta;
    g.rs = s.rs;
    g.with_jk = with_jk;
    g.angular.resize(static_cast<std::size_t>(nclass));
    list.push_back(std::move(g));
    return list.back();
  };
  for (std::size_t k = 0; k < specs.size(); ++k) {
    const SymmetryFunctionSpec& s = specs[k];
    const int sf = static_cast<int>(k);
    if (s.type == 2 || s.type == 12) {
      find_group(radial, s, false).radial.push_back({sf, s.type == 2 ? s.e1 : -1});
      continue;
    }
    AngularMember m{sf, s.lambda, s.zeta, std::pow(2.0, 1.0 - s.zeta), -1, s.type == 13};
    if (s.zeta == std::round(s.zeta) && s.zeta >= 1.0 && s.zeta <= 64.0) m.int_zeta = static_cast<int>(s.zeta);
    Group& g = find_group(angular, s, s.type != 9);
    if (s.type == 13) {
      for (int a = 0; a < num_elements; ++a)
        for (int b = a; b < num_elements; ++b) g.angular[static_cast<std::size_t>(a * num_elements + b)].push_back(m);
    } else {
      g.angular[static_cast<std::size_t>(s.e1 * num_elements + s.e2)].push_back(m);
    }
    max_angular_rc_ = std::max(max_angular_rc_, s.rc);
  }
  num_radial_groups_ = radial.size();
  double max_jk_rc = 0.0;
  bool any_without_jk = false;
  for (auto& g : angular) {
    if (g.with_jk) {
      g.jk_slot = num_jk_groups_++;
      max_jk_rc = std::max(max_jk_rc, g.rc);
    } else {
      any_without_jk = true;
    }
  }
  max_pair_rjk_ = any_without_jk ? std::numeric_limits<double>::infinity() : max_jk_rc;
  // Both partners lie within max_angular_rc_, so r_jk < 2·max_angular_rc_.
  for (auto& g : angular) {
    const double a_max = std::max(g.rs, 2.0 * max_angular_rc_ - g.rs);
    g.pair_exp_in_range = g.eta * a_max * a_max <= 700.0;
  }
  groups_ = std::move(radial);
  for (auto& g : angular) groups_.push_back(std::move(g));
  class_groups_.resize(static_cast<std::size_t>(nclass));
  class_terms_.resize(static_cast<std::size_t>(nclass));
  for (std::size_t gi = num_radial_groups_; gi < groups_.size(); ++gi)
    for (int cl = 0; cl < nclass; ++cl) {
      const auto& members = groups_[gi].angular[static_cast<std::size_t>(cl)];
      if (members.empty()) continue;
      class_groups_[static_cast<std::size_t>(cl)].push_back(static_cast<int>(gi));
      for (const auto& m : members) class_terms_[static_cast<std::size_t>(cl)].push_back({static_cast<int>(gi), m});
    }
}

namespace {

// (1 + λc)^ζ and its c-derivative ζλ(1 + λc)^(ζ−1), for base = 1 + λc > 0.
inline double angular_power(double base, double zeta, int int_zeta) {
  if (int_zeta < 0) return std::pow(base, zeta);
  double p = base;
  for (int n = 1; n < int_zeta; ++n) p *= base;
  return p;
}

}  // namespace

void FastDescriptor::values(const Environment& env, FastWorkspace& ws, double* g) const {
  const std::size_t n = env.size();
  const std::size_t nrc = cutoffs_.size(), ng = groups_.size();
  std::fill(g, g + num_sf_, 0.0);
  ws.fc.resize(n * nrc);
  ws.dfc.resize(n * nrc);
  for (std::size_t r = 0; r < nrc; ++r)
    for (std::size_t e = 0; e < n; ++e) cutoffs_[r].evaluate(env.d[e], ws.fc[r * n + e], ws.dfc[r * n + e]);

  // Per entry and group: T = exp(−η(d − rs)²)·f_c(d) and dT/dd; 0 beyond the group's rc.
  ws.t.resize(n * ng);
  ws.dt.resize(n * ng);
  for (std::size_t gi = 0; gi < ng; ++gi) {
    const Group& gr = groups_[gi];
    const double* __restrict fc = ws.fc.data() + static_cast<std::size_t>(gr.rc_index) * n;
    const double* __restrict dfc = ws.dfc.data() + static_cast<std::size_t>(gr.rc_index) * n;
    const double* __restrict dist = env.d.data();
    double* __restrict t = ws.t.data() + gi * n;
    double* __restrict dt = ws.dt.data() + gi * n;
    const double eta = gr.eta, rs = gr.rs;
    for (std::size_t e = 0; e < n; ++e) {
      // f_c and f_c' are 0 at and beyond rc, so T and T' vanish there without a branch.
      const double a = dist[e] - rs;
      const double ex = std::exp(-eta * a * a);
      t[e] = ex * fc[e];
      dt[e] = (dfc[e] - 2.0 * eta * a * fc[e]) * ex;
    }
  }
  for (std::size_t gi = 0; gi < num_radial_groups_; ++gi) {
    const Group& gr = groups_[gi];
    const double* t = ws.t.data() + gi * n;
    for (std::size_t e = 0; e < n; ++e) {
      if (env.d[e] >= gr.rc) continue;
      for (const RadialMember& m : gr.radial) {
        if (m.e1 < 0) g[m.sf] += env.z[e] * t[e];
        else if (env.elem[e] == m.e1) g[m.sf] += t[e];
      }
    }
  }
  ws.num_pairs = 0;
  if (groups_.size() == num_radial_groups_) return;
  ws.sg.resize(groups_.size());
  ws.dsg.resize(groups_.size());

  // Pairs of entries within the largest angular cutoff, with their r_jk factors.
  std::size_t inside = 0;
  for (std::size_t e = 0; e < n; ++e) inside += env.d[e] < max_angular_rc_;
  const std::size_t max_pairs = inside * (inside > 0 ? inside - 1 : 0) / 2;
  if (ws.pj.size() < max_pairs) {
    ws.pj.resize(max_pairs);
    ws.pk.resize(max_pairs);
    ws.pclass.resize(max_pairs);
    ws.pc.resize(max_pairs);
    ws.pjk.resize(max_pairs);
    ws.pdjk.resize(max_pairs);
  }
  std::size_t np = 0;
  for (std::size_t j = 0; j < n; ++j) {
    if (env.d[j] >= max_angular_rc_) continue;
    const Vec3 rj = env.r[j];
    const double dj = env.d[j];
    const int ej = env.elem[j];
    for (std::size_t k = j + 1; k < n; ++k) {
      if (env.d[k] >= max_angular_rc_) continue;
      const int ek = env.elem[k];
      const Vec3 rjk = env.r[k] - rj;
      const double djk = norm(rjk);
      // Without type-9 functions every angular term needs r_jk < rc: about half the pairs go.
      if (djk >= max_pair_rjk_) continue;
      ws.pj[np] = static_cast<int>(j);
      ws.pk[np] = static_cast<int>(k);
      ws.pclass[np] = ej <= ek ? ej * num_elements_ + ek : ek * num_elements_ + ej;
      ws.pc[np] = dot(rj, env.r[k]) / (dj * env.d[k]);
      ws.pjk[np] = rjk;
      ws.pdjk[np] = djk;
      ++np;
    }
  }
  ws.num_pairs = np;
  const std::size_t njk = static_cast<std::size_t>(num_jk_groups_);
  if (njk > 0) {
    // f_c(r_jk) once per pair and distinct rc (it is the costly tanh/cos of most models).
    ws.pf.resize(np * nrc);
    ws.pdf.resize(np * nrc);
    for (std::size_t r = 0; r < nrc; ++r) {
      const CutoffFunction& cf = cutoffs_[r];
      double* __restrict f = ws.pf.data() + r * np;
      double* __restrict df = ws.pdf.data() + r * np;
      const double* __restrict pd = ws.pdjk.data();
      if (cf.type() == CutoffType::tanhu || cf.type() == CutoffType::tanh) {
        // tanh(x) = (1 − e^{−2x})/(1 + e^{−2x}) with the branch-free exponential; x = 0 at
        // and beyond rc gives f = f' = 0.
        const double k = cf.type() == CutoffType::tanh ? CutoffFunction::kTanhNorm : 1.0;
        const double rc = cf.rc();
        for (std::size_t p = 0; p < np; ++p) {
          const double x = std::max(1.0 - pd[p] / rc, 0.0);
          const double e = exp_in_range(-2.0 * x);  // 0 ≤ x ≤ 1
          const double t = (1.0 - e) / (1.0 + e);
          f[p] = k * t * t * t;
          df[p] = k * 3.0 * t * t * (t * t - 1.0) / rc;
        }
      } else {
        for (std::size_t p = 0; p < np; ++p) cf.evaluate(pd[p], f[p], df[p]);
      }
    }
  }
  ws.tjk.resize(np * njk);
  ws.dtjk.resize(np * njk);
  for (std::size_t gi = num_radial_groups_; gi < ng; ++gi) {
    const Group& gr = groups_[gi];
    if (!gr.with_jk) continue;
    // Distinct arrays (__restrict) so that the loop vectorises.
    const double* __restrict pf = ws.pf.data() + static_cast<std::size_t>(gr.rc_index) * np;
    const double* __restrict pdf = ws.pdf.data() + static_cast<std::size_t>(gr.rc_index) * np;
    const double* __restrict pd = ws.pdjk.data();
    double* __restrict t = ws.tjk.data() + static_cast<std::size_t>(gr.jk_slot) * np;
    double* __restrict dt = ws.dtjk.data() + static_cast<std::size_t>(gr.jk_slot) * np;
    const double eta = gr.eta, rs = gr.rs;
    // f_c and f_c' are 0 beyond rc, so the products vanish there without a branch.
    if (gr.pair_exp_in_range) {
      for (std::size_t p = 0; p < np; ++p) {
        const double a = pd[p] - rs;
        const double ex = exp_in_range(-eta * a * a);
        t[p] = ex * pf[p];
        dt[p] = (pdf[p] - 2.0 * eta * a * pf[p]) * ex;
      }
    } else {
      for (std::size_t p = 0; p < np; ++p) {
        const double a = pd[p] - rs;
        const double ex = std::exp(-eta * a * a);
        t[p] = ex * pf[p];
        dt[p] = (pdf[p] - 2.0 * eta * a * pf[p]) * ex;
      }
    }
  }

  ws.rg.resize(ng);
  for (std::size_t p = 0; p < np; ++p) {
    const std::size_t j = static_cast<std::size_t>(ws.pj[p]), k = static_cast<std::size_t>(ws.pk[p]);
    const std::size_t cl = static_cast<std::size_t>(ws.pclass[p]);
    const double c = ws.pc[p];
    const double zz = env.z[j] * env.z[k];
    bool any = false;
    for (int gi : class_groups_[cl]) {
      const Group& gr = groups_[static_cast<std::size_t>(gi)];
      double r = 0.0;
      if (env.d[j] < gr.rc && env.d[k] < gr.rc && (!gr.with_jk || ws.pdjk[p] < gr.rc)) {
        r = ws.t[static_cast<std::size_t>(gi) * n + j] * ws.t[static_cast<std::size_t>(gi) * n + k];
        if (gr.with_jk) r *= ws.tjk[static_cast<std::size_t>(gr.jk_slot) * np + p];
        any = true;
      }
      ws.rg[static_cast<std::size_t>(gi)] = r;
    }
    if (!any) continue;
    for (const Term& term : class_terms_[cl]) {
      const double r = ws.rg[static_cast<std::size_t>(term.group)];
      const AngularMember& m = term.m;
      const double base = 1.0 + m.lambda * c;
      if (r == 0.0 || base <= 0.0) continue;
      const double v = m.prefactor * angular_power(base, m.zeta, m.int_zeta) * r;
      g[m.sf] += m.weighted ? zz * v : v;
    }
  }
}

void FastDescriptor::gradient(const Environment& env, FastWorkspace& ws, const double* w, Vec3* grad) const {
  const std::size_t n = env.size(), ng = groups_.size();
  for (std::size_t gi = 0; gi < num_radial_groups_; ++gi) {
    const Group& gr = groups_[gi];
    const double* dt = ws.dt.data() + gi * n;
    for (std::size_t e = 0; e < n; ++e) {
      if (env.d[e] >= gr.rc) continue;
      double coef = 0.0;
      for (const RadialMember& m : gr.radial) {
        if (m.e1 < 0) coef += w[m.sf] * env.z[e];
        else if (env.elem[e] == m.e1) coef += w[m.sf];
      }
      if (coef != 0.0) grad[e] += (coef * dt[e] / env.d[e]) * env.r[e];
    }
  }
  if (ng == num_radial_groups_) return;

  const std::size_t np = ws.num_pairs;
  double* sg = ws.sg.data();  // per-pair scratch
  double* dsg = ws.dsg.data();
  for (std::size_t p = 0; p < np; ++p) {
    const std::size_t j = static_cast<std::size_t>(ws.pj[p]), k = static_cast<std::size_t>(ws.pk[p]);
    const std::size_t cl = static_cast<std::size_t>(ws.pclass[p]);
    const double c = ws.pc[p];
    const double zz = env.z[j] * env.z[k];
    // Per group: S = Σ_m w_m 2^(1−ζ)(1 + λc)^ζ and S' = dS/dc.
    for (int gi : class_groups_[cl]) sg[gi] = dsg[gi] = 0.0;
    for (const Term& term : class_terms_[cl]) {
      const AngularMember& m = term.m;
      const double base = 1.0 + m.lambda * c;
      if (base <= 0.0) continue;
      const double a = angular_power(base, m.zeta, m.int_zeta);
      const double wm = w[m.sf] * m.prefactor * (m.weighted ? zz : 1.0);
      sg[term.group] += wm * a;
      dsg[term.group] += wm * m.zeta * m.lambda * (a / base);
    }
    // ∂(Σ_m w_m T_m)/∂c, /∂r_ij, /∂r_ik, /∂r_jk summed over the groups.
    double a_c = 0.0, a_j = 0.0, a_k = 0.0, a_jk = 0.0;
    for (int gint : class_groups_[cl]) {
      const std::size_t gi = static_cast<std::size_t>(gint);
      const Group& gr = groups_[gi];
      if (env.d[j] >= gr.rc || env.d[k] >= gr.rc) continue;
      double tjk = 1.0, dtjk = 0.0;
      if (gr.with_jk) {
        if (ws.pdjk[p] >= gr.rc) continue;
        tjk = ws.tjk[static_cast<std::size_t>(gr.jk_slot) * np + p];
        dtjk = ws.dtjk[static_cast<std::size_t>(gr.jk_slot) * np + p];
      }
      const double s = sg[gi], ds = dsg[gi];
      if (s == 0.0 && ds == 0.0) continue;
      const double tj = ws.t[gi * n + j], tk = ws.t[gi * n + k];
      const double dtj = ws.dt[gi * n + j], dtk = ws.dt[gi * n + k];
      a_c += ds * tj * tk * tjk;
      a_j += s * dtj * tk * tjk;
      a_k += s * tj * dtk * tjk;
      a_jk += s * tj * tk * dtjk;
    }
    const double dj = env.d[j], dk = env.d[k];
    const Vec3& rj = env.r[j];
    const Vec3& rk = env.r[k];
    const double inv = 1.0 / (dj * dk);
    Vec3 gj = (a_c * inv) * rk + (a_j / dj - a_c * c / (dj * dj)) * rj;
    Vec3 gk = (a_c * inv) * rj + (a_k / dk - a_c * c / (dk * dk)) * rk;
    if (a_jk != 0.0) {
      const Vec3 u = (a_jk / ws.pdjk[p]) * ws.pjk[p];
      gj -= u;
      gk += u;
    }
    grad[j] += gj;
    grad[k] += gk;
  }
}

}  // namespace slhmc::nnp::n2p2
