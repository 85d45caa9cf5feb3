// aenet Chebyshev descriptor (Artrith, Urban, Ceder, PRB 96, 014112 (2017)) as
// nnp-formats §A4/§A5 defines it: radial and angular Chebyshev expansions with
// the cosine cutoff, plus species-weighted ("typespin") copies when ENV has
// more than one species. This file holds the setup, the cost model and the
// fast path's driver; the reference, the pair blocks and the moments live beside
// it (chebyshev_descriptor.hpp lists them).
#include <sstream>

#include "chebyshev_descriptor.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::nnp::aenet_chebyshev {

ChebyshevDescriptor::ChebyshevDescriptor(const AenetNetFile& f, int version, int moment_mode)
    : version_(version), moment_mode_(moment_mode) {
  const std::string where = f.source + ": Chebyshev setup: ";
  if (f.nsfparam != 4) throw Error(where + "nsfparam = " + std::to_string(f.nsfparam) + ", expected 4 (AccelNet extensions are not supported)");
  if (version != 0 && version != 1)
    throw Error(where + "Chebyshev version " + std::to_string(version) + " is not supported (0 or 1)");
  rc_r_ = f.sfparam[0];
  const double nr = f.sfparam[1];
  rc_a_ = f.sfparam[2];
  const double na = f.sfparam[3];
  if (!(rc_r_ > 0) || !(rc_a_ > 0)) throw Error(where + "cutoffs must be positive");
  if (nr != std::floor(nr) || na != std::floor(na) || nr < 0 || na < 0 || nr > 1000 || na > 1000)
    throw Error(where + "polynomial orders must be non-negative integers");
  order_r_ = static_cast<int>(nr);
  order_a_ = static_cast<int>(na);
  nenv_ = static_cast<int>(f.envtypes.size());
  n_r_ = order_r_ + 1;
  n_a_ = order_a_ + 1;
  const int expected = (nenv_ > 1 ? 2 : 1) * (n_r_ + n_a_);
  if (f.nsf != expected)
    throw Error(where + "nsf = " + std::to_string(f.nsf) + " but radial order " + std::to_string(order_r_) +
                ", angular order " + std::to_string(order_a_) + " and " + std::to_string(nenv_) +
                " ENV species give " + std::to_string(expected));
  // Species weights (§A4.3): −⌊n/2⌋ …, skipping 0 for even n.
  int s = -(nenv_ / 2);
  for (int l = 0; l < nenv_; ++l) {
    if (s == 0 && nenv_ % 2 == 0) ++s;
    spin_.push_back(s);
    ++s;
  }
  radial_ = {0.0, rc_r_};
  angular_ = version == 0 ? ChebyshevInterval{-1.0, 1.0} : ChebyshevInterval{0.0, kPiAenet};
  moments_ = ChebyshevMoments(order_a_, angular_);
}

std::string ChebyshevDescriptor::summary() const {
  std::ostringstream s;
  s << "Chebyshev(radial Rc " << rc_r_ << " order " << order_r_ << ", angular Rc " << rc_a_ << " order "
    << order_a_ << ", version " << version_ << ")";
  return s.str();
}

// Moments only for modest angular orders (the power-basis coefficients grow like 2^n).
bool ChebyshevDescriptor::use_moments(std::size_t ma) const {
  return order_a_ <= kMaxMomentOrder && (moment_mode_ == 1 || (moment_mode_ < 0 && moments_.cheaper(ma)));
}

// Counted stage by stage from the fast path (evaluate): per radial entry the argument map,
// cutoff, T/U recurrences and the value and gradient accumulation; per angular pair (pair
// loop) the cosine, recurrences, accumulation and the chain rule; or, with moments, per
// angular entry the monomials, moment accumulation and the Horner gradient, and per centre
// the moment contractions.
double ChebyshevDescriptor::operation_count(const AenetEnvironment& env) const {
  const double w = nenv_ > 1 ? 2.0 : 1.0;
  const double nr = n_r_, na = n_a_;
  double mr = 0, ma = 0;
  for (double d : env.d) {
    if (d >= kEps && d <= rc_r_) ++mr;
    if (d >= kEps && d <= rc_a_) ++ma;
  }
  double ops = mr * ((7 + 6 * nr + 2 * w * nr) + (14 + (6 + 2 * (w - 1)) * nr));
  const bool moments = use_moments(static_cast<std::size_t>(ma));
  if (moments) {
    const double k = static_cast<double>(moments_.num_monomials());
    ops += ma * (k + 2 * k * w + 6 * k * w + 20) + 3 * k * w + 2 * na * na * w;
  } else {
    const double pairs = ma * (ma - 1) / 2;
    ops += pairs * ((13 + 6 * na + 2 * w * na) + (40 + (4 + 2 * (w - 1)) * na));
  }
  return ops;
}

// Fast path: one pass stores per-entry and per-pair polynomial values, the
// gradient pass only contracts them (the Jacobian is never formed; §F1).
void ChebyshevDescriptor::evaluate(const AenetEnvironment& env, std::span<double> G, std::span<double> g,
                                   const GradientFunction& dE_dG, std::span<Vec3> h) const {
  thread_local FastScratch c;
  for (double& x : G) x = 0.0;
  const bool weighted = nenv_ > 1;
  double* rad = G.data();
  double* ang = G.data() + n_r_;
  double* radw = G.data() + n_r_ + n_a_;
  double* angw = radw + n_r_;
  const std::size_t m = env.r.size();
  const std::size_t nr = static_cast<std::size_t>(n_r_);

  // Radial values, structure of arrays: rows T_n[e] over the entries inside the radial
  // cutoff, computed by loops over entries (independent, vectorisable); every G_n sums the
  // entries in list order as the plain path does.
  c.rad_entries.clear();
  c.rd.clear();
  c.rfc.clear();
  c.rdfc.clear();
  c.rs.clear();
  for (std::size_t j = 0; j < m; ++j) {
    const double d = env.d[j];
    if (d <= kEps || d > rc_r_) continue;
    c.rad_entries.push_back(static_cast<int>(j));
    c.rd.push_back(d);
    c.rfc.push_back(cutoff_fc(d, rc_r_));
    c.rdfc.push_back(cutoff_dfc(d, rc_r_));
    c.rs.push_back(spin_[env.type[j]]);
  }
  const std::size_t mr = c.rad_entries.size();
  c.radT.resize(mr * nr);
  c.raddT.resize(mr * nr);
  c.U.resize(2 * std::max(mr, m));
  {
    double* T = c.radT.data();
    double* dT = c.raddT.data();
    double* x = T + (nr > 1 ? mr : 0);
    for (std::size_t e = 0; e < mr; ++e) {
      T[e] = 1.0;
      dT[e] = 0.0;
      if (nr > 1) {
        x[e] = radial_.argument(c.rd[e]);
        dT[mr + e] = 1.0;
      }
    }
    chebyshev_rows(T, dT, nr, mr, c.U.data(), c.U.data() + mr);
    for (std::size_t n = 0; n < nr; ++n) {
      const double* Tn = T + n * mr;
      double sum = rad[n], sumw = weighted ? radw[n] : 0.0;
      for (std::size_t e = 0; e < mr; ++e) {
        const double v = c.rfc[e] * Tn[e];
        sum += v;
        if (weighted) sumw += c.rs[e] * v;
      }
      rad[n] = sum;
      if (weighted) radw[n] = sumw;
    }
  }
  // Angular values: entries inside the angular cutoff in structure-of-arrays form, then the
  // pair blocks (chebyshev_pair_loop.cpp) or the moments (chebyshev_moments.cpp).
  c.ang.entries.clear();
  c.ang.fca.clear();
  c.ang.dfca.clear();
  c.ang.inv_d.clear();
  c.ang.ax.clear();
  c.ang.ay.clear();
  c.ang.az.clear();
  c.ang.ad.clear();
  c.ang.as.clear();
  for (std::size_t j = 0; j < m; ++j) {
    const double d = env.d[j];
    if (d < kEps || d > rc_a_) continue;
    c.ang.entries.push_back(static_cast<int>(j));
    c.ang.fca.push_back(cutoff_fc(d, rc_a_));
    c.ang.dfca.push_back(cutoff_dfc(d, rc_a_));
    c.ang.inv_d.push_back(1.0 / d);
    c.ang.ax.push_back(env.r[j][0]);
    c.ang.ay.push_back(env.r[j][1]);
    c.ang.az.push_back(env.r[j][2]);
    c.ang.ad.push_back(d);
    c.ang.as.push_back(spin_[env.type[j]]);
  }
  const std::size_t ma = c.ang.entries.size();
  const bool moments = use_moments(ma);
  if (moments)
    moments_.values(c.ang, weighted, ang, angw);
  else
    pair_values(c, weighted, ang, angw);

  dE_dG(G, g);

  const double* g_rad = g.data();
  const double* g_ang = g.data() + n_r_;
  const double* g_radw = g.data() + n_r_ + n_a_;
  const double* g_angw = g_radw + n_r_;
  const double dxdr = radial_.dx_dr();
  {
    // Σ_n a_n (fc' T_n + fc dT_n/dd) per entry, a_n = g_n + s_e g^w_n; loops over entries inside.
    c.rsum.assign(mr, 0.0);
    double* sum = c.rsum.data();
    for (std::size_t n = 0; n < nr; ++n) {
      const double* Tn = c.radT.data() + n * mr;
      const double* dTn = c.raddT.data() + n * mr;
      const double gn = g_rad[n], gw = weighted ? g_radw[n] : 0.0;
      for (std::size_t e = 0; e < mr; ++e) {
        const double an = weighted ? gn + c.rs[e] * gw : gn;
        sum[e] += an * (c.rdfc[e] * Tn[e] + c.rfc[e] * dTn[e] * dxdr);
      }
    }
    for (std::size_t e = 0; e < mr; ++e) {
      const std::size_t j = static_cast<std::size_t>(c.rad_entries[e]);
      h[j] += (sum[e] / c.rd[e]) * env.r[j];
    }
  }
  if (moments)
    moments_.gradient(c.ang, weighted, g_ang, g_angw, h);
  else
    pair_gradient(c, weighted, g_ang, g_angw, h);
}

}  // namespace slhmc::nnp::aenet_chebyshev

namespace slhmc::nnp {

std::unique_ptr<AenetDescriptor> make_chebyshev_descriptor(const AenetNetFile& file, int version, int moment_mode) {
  return std::make_unique<aenet_chebyshev::ChebyshevDescriptor>(file, version, moment_mode);
}

}  // namespace slhmc::nnp
