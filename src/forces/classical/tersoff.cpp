// Tersoff: the .tersoff parser and the provider (formulas in tersoff.hpp).
// Full neighbour list; per centre atom the legs are gathered into reused
// structure-of-arrays buffers, ζ_ij and its derivatives with respect to every
// leg are formed in one pass over k, and the gradients are applied to the
// legs as edge terms (virial W = −Σ ∂E/∂R ⊗ R).
#include "slhmc/forces/classical/tersoff.hpp"

#include <cmath>
#include <numbers>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/classical/parameter_file.hpp"

namespace slhmc {

TersoffParameters parse_tersoff_file(const std::string& text, const std::string& source) {
  constexpr std::size_t kWords = 17;
  static const char* const kNames[14] = {"m", "gamma", "lambda3", "c",      "d", "costheta0", "n",
                                         "beta", "lambda2", "B",   "R", "D",      "lambda1", "A"};
  const auto tokens = tokenize_parameter_text(text);
  if (tokens.size() % kWords != 0)
    throw ParseError(source, tokens.empty() ? 0 : tokens.back().line,
                     "incomplete entry: a .tersoff entry has 17 words (3 elements and 14 parameters), the file has " +
                         std::to_string(tokens.size()) + " words");
  TersoffParameters out;
  std::vector<TersoffEntry> raw;
  for (std::size_t start = 0; start < tokens.size(); start += kWords) {
    TersoffEntry e{};
    e.line = tokens[start].line;
    for (int m = 0; m < 3; ++m) {
      const auto& t = tokens[start + m];
      if (atomic_number_or_zero(t.text) == 0)
        throw ParseError(source, t.line, "expected an element symbol, got '" + t.text + "'");
      e.elements[m] = t.text;
      bool known = false;
      for (const auto& s : out.elements) known = known || s == t.text;
      if (!known) out.elements.push_back(t.text);
    }
    double v[14];
    for (int m = 0; m < 14; ++m) v[m] = parse_parameter_number(tokens[start + 3 + m], source, kNames[m]);
    e.m = v[0]; e.gamma = v[1]; e.lambda3 = v[2]; e.c = v[3]; e.d = v[4]; e.costheta0 = v[5]; e.n = v[6];
    e.beta = v[7]; e.lambda2 = v[8]; e.B = v[9]; e.R = v[10]; e.D = v[11]; e.lambda1 = v[12]; e.A = v[13];
    auto fail = [&](int m, const std::string& what) {
      throw ParseError(source, tokens[start + 3 + m].line, std::string(kNames[m]) + " " + what);
    };
    if (e.m != 1 && e.m != 3) fail(0, "must be 1 or 3");
    for (int m : {1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13})
      if (v[m] < 0) fail(m, "must be ≥ 0");
    if (e.c != 0 && e.d == 0) fail(4, "must be > 0 when c ≠ 0");
    if (e.D > e.R) fail(11, "must not exceed R");
    raw.push_back(e);
  }
  if (raw.empty()) throw ParseError(source, 0, "no Tersoff entries found");
  const std::size_t n = out.elements.size();
  auto index = [&](const std::string& s) {
    std::size_t k = 0;
    while (out.elements[k] != s) ++k;
    return k;
  };
  out.entries.resize(n * n * n);
  std::vector<bool> seen(n * n * n, false);
  for (const auto& e : raw) {
    const std::size_t j = index(e.elements[1]);
    const std::size_t id = (index(e.elements[0]) * n + j) * n + index(e.elements[2]);
    if (seen[id])
      throw ParseError(source, e.line, "duplicate entry for " + e.elements[0] + " " + e.elements[1] + " " + e.elements[2]);
    if (e.elements[1] == e.elements[2] && e.beta > 0 && e.n <= 0)
      throw ParseError(source, e.line, "n must be > 0 in a two-body entry (element2 = element3) with beta > 0");
    seen[id] = true;
    out.entries[id] = e;
  }
  for (std::size_t id = 0; id < seen.size(); ++id)
    if (!seen[id])
      throw ParseError(source, 0, "missing entry for " + out.elements[id / (n * n)] + " " + out.elements[(id / n) % n] +
                                      " " + out.elements[id % n] + " (every triplet of the file's elements is needed)");
  return out;
}

namespace {

// Smooth cutoff f_C and its derivative.
struct Cutoff {
  double R, D, outer, outer_sq, inner;
  Cutoff() = default;
  Cutoff(double R_, double D_) : R(R_), D(D_), outer(R_ + D_), outer_sq((R_ + D_) * (R_ + D_)), inner(R_ - D_) {}
  void eval(double r, double& fc, double& dfc) const {
    if (r < inner) {
      fc = 1.0;
      dfc = 0.0;
    } else if (r >= outer) {
      fc = 0.0;
      dfc = 0.0;
    } else {
      const double arg = 0.5 * std::numbers::pi * (r - R) / D;
      fc = 0.5 * (1.0 - std::sin(arg));
      dfc = -0.25 * std::numbers::pi / D * std::cos(arg);
    }
  }
};

struct TwoBody {  // from entry (i, j, j)
  Cutoff fc;
  double A, lambda1, B, lambda2, beta, n;
};
struct ThreeBody {  // from entry (i, j, k)
  Cutoff fc;
  double gamma, c2, d2, c2_over_d2, costheta0, lambda3m;  // λ3^m
  int m;
};

// b(ζ) = (1 + (βζ)^n)^(−1/2n) and db/dζ, written with L = n ln(βζ) so that
// it neither overflows for large βζ nor loses precision for small βζ.
inline void bond_order(double zeta, double beta, double n, double& b, double& db) {
  const double x = beta * zeta;
  if (!(x > 0)) {
    b = 1.0;
    db = 0.0;
    return;
  }
  const double L = n * std::log(x);
  const double softplus = L > 0 ? L + std::log1p(std::exp(-L)) : std::log1p(std::exp(L));
  const double sigmoid = L > 0 ? 1.0 / (1.0 + std::exp(-L)) : std::exp(L) / (1.0 + std::exp(L));
  b = std::exp(-softplus / (2 * n));
  db = -0.5 * b * sigmoid / zeta;
}

class Tersoff final : public ForceProvider {
 public:
  Tersoff(TersoffParameters params, double skin, std::string source)
      : params_(std::move(params)), source_(std::move(source)),
        list_(NeighborListOptions{max_cutoff(params_, source_), skin, false}) {
    const std::size_t n = params_.elements.size();
    type_of_.fill(-1);
    for (std::size_t t = 0; t < n; ++t) type_of_[atomic_number(params_.elements[t])] = static_cast<int>(t);
    row_cutsq_.assign(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const TersoffEntry& e = params_.entry(i, j, j);
        two_.push_back(TwoBody{Cutoff(e.R, e.D), e.A, e.lambda1, e.B, e.lambda2, e.beta, e.n});
      }
    for (std::size_t id = 0; id < params_.entries.size(); ++id) {
      const TersoffEntry& e = params_.entries[id];
      const double d2 = e.d * e.d;
      three_.push_back(ThreeBody{Cutoff(e.R, e.D), e.gamma, e.c * e.c, d2, e.c == 0 ? 0.0 : e.c * e.c / d2,
                                 e.costheta0, std::pow(e.lambda3, e.m), static_cast<int>(e.m)});
      const std::size_t i = id / (n * n);
      row_cutsq_[i] = std::max(row_cutsq_[i], (e.R + e.D) * (e.R + e.D));
    }
  }

  static double max_cutoff(const TersoffParameters& p, const std::string& source) {
    double c = 0.0;
    for (const auto& e : p.entries) c = std::max(c, e.R + e.D);
    if (!(c > 0)) throw Error("tersoff (" + source + "): every cutoff R + D is zero");
    return c;
  }

  double cutoff() const override { return list_.options().cutoff; }
  std::string description() const override {
    std::ostringstream s;
    s << "tersoff file=" << source_ << " elements=";
    for (std::size_t t = 0; t < params_.elements.size(); ++t) s << (t ? "," : "") << params_.elements[t];
    return s.str();
  }
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;

 private:
  TersoffParameters params_;
  std::string source_;
  NeighborList list_;
  std::array<int, kMaxAtomicNumber + 1> type_of_{};
  std::vector<TwoBody> two_;       // nt×nt
  std::vector<ThreeBody> three_;   // nt×nt×nt
  std::vector<double> row_cutsq_;  // per centre type: the largest cutoff² of its entries
  std::vector<int> types_;
  std::vector<int> leg_j_, leg_t_;
  std::vector<double> leg_x_, leg_y_, leg_z_, leg_r_;
  std::vector<Vec3> dzeta_;  // ∂ζ_ij/∂R_ik for every leg k of the current i, j
};

ComputeResult Tersoff::compute(const Frame& frame, const ComputeRequest& request) {
  const std::size_t natoms = frame.size();
  types_.resize(natoms);
  for (std::size_t i = 0; i < natoms; ++i) {
    const int z = frame.numbers[i];
    const int t = (z >= 0 && z <= kMaxAtomicNumber) ? type_of_[z] : -1;
    if (t < 0) throw Error("tersoff (" + source_ + "): no parameters for the element of atom " + std::to_string(i));
    types_[i] = t;
  }
  list_.update(frame);
  const int nt = static_cast<int>(params_.elements.size());
  ComputeResult result;
  if (request.forces) result.forces.assign(natoms, Vec3{0, 0, 0});
  if (request.atomic_energies) result.atomic_energies.assign(natoms, 0.0);
  Vec3* f = request.forces ? result.forces.data() : nullptr;
  double* ea = request.atomic_energies ? result.atomic_energies.data() : nullptr;
  const Vec3* pos = frame.positions.data();
  double energy = 0.0;
  double w[3][3] = {};
  auto apply = [&](std::size_t i, int j, double gx, double gy, double gz, double x, double y, double z) {
    if (f) {
      f[i][0] += gx; f[i][1] += gy; f[i][2] += gz;
      f[j][0] -= gx; f[j][1] -= gy; f[j][2] -= gz;
    }
    w[0][0] -= gx * x; w[0][1] -= gx * y; w[0][2] -= gx * z;
    w[1][1] -= gy * y; w[1][2] -= gy * z; w[2][2] -= gz * z;
  };

  for (std::size_t i = 0; i < natoms; ++i) {
    const int ti = types_[i];
    const Vec3 ri = pos[i];
    const double row_cutsq = row_cutsq_[ti];
    leg_j_.clear(); leg_t_.clear(); leg_x_.clear(); leg_y_.clear(); leg_z_.clear(); leg_r_.clear();
    for (const NeighborEntry& e : list_.neighbors(i)) {
      const double dx = pos[e.j][0] + e.shift[0] - ri[0];
      const double dy = pos[e.j][1] + e.shift[1] - ri[1];
      const double dz = pos[e.j][2] + e.shift[2] - ri[2];
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= row_cutsq) continue;
      leg_j_.push_back(e.j); leg_t_.push_back(types_[e.j]);
      leg_x_.push_back(dx); leg_y_.push_back(dy); leg_z_.push_back(dz); leg_r_.push_back(std::sqrt(r2));
    }
    const std::size_t m = leg_j_.size();
    dzeta_.resize(m);
    double ei = 0.0;
    for (std::size_t a = 0; a < m; ++a) {
      const int ta = leg_t_[a];
      const TwoBody& tb = two_[ti * nt + ta];
      const double ra = leg_r_[a];
      if (ra >= tb.fc.outer) continue;
      const double xa = leg_x_[a], ya = leg_y_[a], za = leg_z_[a];
      const double inv_ra = 1.0 / ra;
      // ζ_ij and its gradients: with respect to R_ij (accumulated in dza) and
      // to each R_ik (stored in dzeta_[k]).
      double zeta = 0.0;
      double dza_x = 0, dza_y = 0, dza_z = 0;
      const ThreeBody* trow = &three_[(static_cast<std::size_t>(ti) * nt + ta) * nt];
      for (std::size_t k = 0; k < m; ++k) {
        dzeta_[k] = Vec3{0, 0, 0};
        if (k == a) continue;
        const ThreeBody& th = trow[leg_t_[k]];
        const double rk = leg_r_[k];
        if (rk >= th.fc.outer) continue;
        double fck, dfck;
        th.fc.eval(rk, fck, dfck);
        const double xk = leg_x_[k], yk = leg_y_[k], zk = leg_z_[k];
        const double inv_rk = 1.0 / rk;
        const double cs = (xa * xk + ya * yk + za * zk) * inv_ra * inv_rk;
        const double h = th.costheta0 - cs;
        const double den = 1.0 / (th.d2 + h * h);
        const double g = th.gamma * (1.0 + th.c2_over_d2 - th.c2 * den);
        const double dg = -2.0 * th.gamma * th.c2 * h * den * den;  // dg/dcos
        const double delta = ra - rk;
        double ex, dex;  // exp[λ3^m Δ^m] and its derivative with respect to Δ
        if (th.m == 3) {
          ex = std::exp(th.lambda3m * delta * delta * delta);
          dex = ex * 3.0 * th.lambda3m * delta * delta;
        } else {
          ex = std::exp(th.lambda3m * delta);
          dex = ex * th.lambda3m;
        }
        zeta += fck * g * ex;
        const double d_ra = fck * g * dex;                    // ∂/∂r_ij
        const double d_rk = dfck * g * ex - fck * g * dex;     // ∂/∂r_ik
        const double d_cos = fck * dg * ex;                   // ∂/∂cos θ
        // ∂cos/∂R_ij = R_ik/(r_ij r_ik) − cos R_ij/r_ij², symmetric for R_ik.
        const double cross_c = d_cos * inv_ra * inv_rk;
        const double ca = d_ra * inv_ra - d_cos * cs * inv_ra * inv_ra;
        const double ck = d_rk * inv_rk - d_cos * cs * inv_rk * inv_rk;
        dza_x += ca * xa + cross_c * xk;
        dza_y += ca * ya + cross_c * yk;
        dza_z += ca * za + cross_c * zk;
        dzeta_[k] = Vec3{ck * xk + cross_c * xa, ck * yk + cross_c * ya, ck * zk + cross_c * za};
      }
      double fc, dfc;
      tb.fc.eval(ra, fc, dfc);
      const double fr = tb.A * std::exp(-tb.lambda1 * ra);
      const double fa = -tb.B * std::exp(-tb.lambda2 * ra);
      double b, db;
      bond_order(zeta, tb.beta, tb.n, b, db);
      ei += 0.5 * fc * (fr + b * fa);
      const double de_dr = 0.5 * (dfc * (fr + b * fa) + fc * (-tb.lambda1 * fr - b * tb.lambda2 * fa));
      const double de_dzeta = 0.5 * fc * fa * db;
      const double s = de_dr * inv_ra;
      apply(i, leg_j_[a], s * xa + de_dzeta * dza_x, s * ya + de_dzeta * dza_y, s * za + de_dzeta * dza_z, xa, ya, za);
      if (de_dzeta != 0.0)
        for (std::size_t k = 0; k < m; ++k) {
          if (k == a) continue;
          const Vec3& dk = dzeta_[k];
          apply(i, leg_j_[k], de_dzeta * dk[0], de_dzeta * dk[1], de_dzeta * dk[2], leg_x_[k], leg_y_[k], leg_z_[k]);
        }
    }
    energy += ei;
    if (ea) ea[i] += ei;
  }
  result.energy = energy;
  if (request.virial) {
    result.virial = Mat3{Vec3{w[0][0], w[0][1], w[0][2]}, Vec3{w[0][1], w[1][1], w[1][2]}, Vec3{w[0][2], w[1][2], w[2][2]}};
    result.has_virial = true;
  }
  return result;
}

std::unique_ptr<ForceProvider> make_tersoff_from_config(const Config& section, const ProviderContext& context) {
  const std::string path = find_potential_file(context, section.get_string("file"), section.key_path("file"));
  const double skin = section.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(section.key_path("skin"), "must be ≥ 0");
  section.check_all_used();
  return make_tersoff(parse_tersoff_file(read_parameter_file(path), path), skin, path);
}

const ProviderRegistration registration("tersoff", "Tersoff (LAMMPS .tersoff files)", &make_tersoff_from_config);

}  // namespace

std::unique_ptr<ForceProvider> make_tersoff(TersoffParameters params, double skin, const std::string& source) {
  return std::make_unique<Tersoff>(std::move(params), skin, source);
}

}  // namespace slhmc
