// Stillinger–Weber: the .sw parser and the provider (formulas in
// stillinger_weber.hpp). The provider keeps a full neighbour list; for each
// centre atom it gathers the legs inside their cutoff into small
// structure-of-arrays buffers (reused between calls), then runs the two-body
// term once per pair and the three-body term over leg pairs.
#include "slhmc/forces/classical/stillinger_weber.hpp"

#include <cmath>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/forces/classical/parameter_file.hpp"

namespace slhmc {

SwParameters parse_sw_file(const std::string& text, const std::string& source) {
  constexpr std::size_t kWords = 14;
  static const char* const kNames[11] = {"epsilon", "sigma", "a", "lambda", "gamma", "costheta0",
                                         "A",       "B",     "p", "q",      "tol"};
  const auto tokens = tokenize_parameter_text(text);
  if (tokens.size() % kWords != 0)
    throw ParseError(source, tokens.empty() ? 0 : tokens.back().line,
                     "incomplete entry: a .sw entry has 14 words (3 elements and 11 parameters), the file has " +
                         std::to_string(tokens.size()) + " words");
  SwParameters out;
  std::vector<SwEntry> raw;
  for (std::size_t start = 0; start < tokens.size(); start += kWords) {
    SwEntry e{};
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
    double v[11];
    for (int m = 0; m < 11; ++m) v[m] = parse_parameter_number(tokens[start + 3 + m], source, kNames[m]);
    e.epsilon = v[0]; e.sigma = v[1]; e.a = v[2]; e.lambda = v[3]; e.gamma = v[4]; e.costheta0 = v[5];
    e.A = v[6]; e.B = v[7]; e.p = v[8]; e.q = v[9]; e.tol = v[10];
    for (int m : {0, 1, 2, 3, 4, 6, 7, 8, 9, 10})
      if (v[m] < 0) throw ParseError(source, tokens[start + 3 + m].line, std::string(kNames[m]) + " must be ≥ 0");
    raw.push_back(e);
  }
  if (raw.empty()) throw ParseError(source, 0, "no Stillinger–Weber entries found");
  const std::size_t n = out.elements.size();
  auto index = [&](const std::string& s) {
    std::size_t k = 0;
    while (out.elements[k] != s) ++k;
    return k;
  };
  out.entries.resize(n * n * n);
  std::vector<bool> seen(n * n * n, false);
  for (const auto& e : raw) {
    const std::size_t id = (index(e.elements[0]) * n + index(e.elements[1])) * n + index(e.elements[2]);
    if (seen[id])
      throw ParseError(source, e.line, "duplicate entry for " + e.elements[0] + " " + e.elements[1] + " " + e.elements[2]);
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

// x^p, with integer p (the usual case: 4, 0) done by multiplication.
struct Power {
  double p;
  int ip;  // −1 unless p is a small non-negative integer
  explicit Power(double p_) : p(p_), ip(-1) {
    if (p_ >= 0 && p_ <= 16 && p_ == std::floor(p_)) ip = static_cast<int>(p_);
  }
  double operator()(double x) const {
    if (ip < 0) return std::pow(x, p);
    double r = 1.0;
    for (int k = 0; k < ip; ++k) r *= x;
    return r;
  }
};

struct PairParams {  // from entry (i, j, j)
  double cut, cutsq, sigma, a_sigma, gamma_sigma, A_eps, B;
  Power p, q;
};
struct TripletParams {  // from entry (i, j, k)
  double lambda_eps, costheta0;
};

inline bool positive_image(const std::array<int, 3>& n) {
  for (int v : n)
    if (v != 0) return v > 0;
  return false;
}

class StillingerWeber final : public ForceProvider {
 public:
  StillingerWeber(SwParameters params, double skin, std::string source)
      : params_(std::move(params)), source_(std::move(source)),
        list_(NeighborListOptions{max_cutoff(params_, source_), skin, false}) {
    const std::size_t n = params_.elements.size();
    type_of_.fill(-1);
    for (std::size_t t = 0; t < n; ++t) type_of_[atomic_number(params_.elements[t])] = static_cast<int>(t);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const SwEntry& e = params_.entry(i, j, j);
        const double cut = e.a * e.sigma;
        pairs_.push_back(PairParams{cut, cut * cut, e.sigma, cut, e.gamma * e.sigma, e.A * e.epsilon, e.B, Power(e.p),
                                    Power(e.q)});
      }
    for (const auto& e : params_.entries) triplets_.push_back(TripletParams{e.lambda * e.epsilon, e.costheta0});
  }

  static double max_cutoff(const SwParameters& p, const std::string& source) {
    double c = 0.0;
    for (const auto& e : p.entries)
      if (e.elements[1] == e.elements[2]) c = std::max(c, e.a * e.sigma);
    if (!(c > 0)) throw Error("sw (" + source + "): every cutoff a·sigma is zero");
    return c;
  }

  double cutoff() const override { return list_.options().cutoff; }
  std::string description() const override {
    std::ostringstream s;
    s << "sw file=" << source_ << " elements=";
    for (std::size_t t = 0; t < params_.elements.size(); ++t) s << (t ? "," : "") << params_.elements[t];
    return s.str();
  }

  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override;

 private:
  SwParameters params_;
  std::string source_;
  NeighborList list_;
  std::array<int, kMaxAtomicNumber + 1> type_of_{};
  std::vector<PairParams> pairs_;        // nt×nt
  std::vector<TripletParams> triplets_;  // nt×nt×nt
  std::vector<int> types_;
  // Legs of the current centre atom (structure of arrays, reused).
  std::vector<int> leg_j_, leg_t_;
  std::vector<double> leg_x_, leg_y_, leg_z_, leg_r_, leg_ex_, leg_dex_;
};

ComputeResult StillingerWeber::compute(const Frame& frame, const ComputeRequest& request) {
  const std::size_t n = frame.size();
  types_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const int z = frame.numbers[i];
    const int t = (z >= 0 && z <= kMaxAtomicNumber) ? type_of_[z] : -1;
    if (t < 0) throw Error("sw (" + source_ + "): no parameters for the element of atom " + std::to_string(i));
    types_[i] = t;
  }
  list_.update(frame);
  const int nt = static_cast<int>(params_.elements.size());
  ComputeResult result;
  if (request.forces) result.forces.assign(n, Vec3{0, 0, 0});
  if (request.atomic_energies) result.atomic_energies.assign(n, 0.0);
  Vec3* f = request.forces ? result.forces.data() : nullptr;
  double* ea = request.atomic_energies ? result.atomic_energies.data() : nullptr;
  const Vec3* pos = frame.positions.data();
  double energy = 0.0;
  double w[3][3] = {};

  for (std::size_t i = 0; i < n; ++i) {
    const int ti = types_[i];
    const Vec3 ri = pos[i];
    leg_j_.clear(); leg_t_.clear(); leg_x_.clear(); leg_y_.clear(); leg_z_.clear();
    leg_r_.clear(); leg_ex_.clear(); leg_dex_.clear();
    Vec3 fi{0, 0, 0};
    for (const NeighborEntry& e : list_.neighbors(i)) {
      const int tj = types_[e.j];
      const PairParams& pp = pairs_[ti * nt + tj];
      const double dx = pos[e.j][0] + e.shift[0] - ri[0];
      const double dy = pos[e.j][1] + e.shift[1] - ri[1];
      const double dz = pos[e.j][2] + e.shift[2] - ri[2];
      const double r2 = dx * dx + dy * dy + dz * dz;
      if (r2 >= pp.cutsq) continue;
      const double r = std::sqrt(r2);
      const double inv_gap = 1.0 / (r - pp.a_sigma);  // negative inside the cutoff
      // Three-body leg factor exp(γσ/(r − aσ)) and its r-derivative.
      const double ex = std::exp(pp.gamma_sigma * inv_gap);
      leg_j_.push_back(e.j); leg_t_.push_back(tj);
      leg_x_.push_back(dx); leg_y_.push_back(dy); leg_z_.push_back(dz); leg_r_.push_back(r);
      leg_ex_.push_back(ex);
      leg_dex_.push_back(-ex * pp.gamma_sigma * inv_gap * inv_gap);
      // Two-body term once per pair: i < j, or a self-image counted once.
      if (!(static_cast<std::size_t>(e.j) > i || (static_cast<std::size_t>(e.j) == i && positive_image(e.image))))
        continue;
      const double s = pp.sigma / r;
      const double sp = pp.p(s), sq = pp.q(s);
      const double ex2 = std::exp(pp.sigma * inv_gap);
      const double poly = pp.B * sp - sq;
      const double phi = pp.A_eps * poly * ex2;
      // dφ/dr = Aε[(−pB s^p + q s^q)/r − poly σ/(r − aσ)²] exp(σ/(r − aσ))
      const double dphi = pp.A_eps * ex2 * ((-pp.p.p * pp.B * sp + pp.q.p * sq) / r - poly * pp.sigma * inv_gap * inv_gap);
      energy += phi;
      if (ea) {
        ea[i] += 0.5 * phi;
        ea[e.j] += 0.5 * phi;
      }
      const double g = dphi / r;
      const double gx = g * dx, gy = g * dy, gz = g * dz;
      if (f) {
        fi[0] += gx; fi[1] += gy; fi[2] += gz;
        f[e.j][0] -= gx; f[e.j][1] -= gy; f[e.j][2] -= gz;
      }
      w[0][0] -= gx * dx; w[0][1] -= gx * dy; w[0][2] -= gx * dz;
      w[1][1] -= gy * dy; w[1][2] -= gy * dz; w[2][2] -= gz * dz;
    }
    const std::size_t m = leg_j_.size();
    const TripletParams* trow = &triplets_[static_cast<std::size_t>(ti) * nt * nt];
    double e3 = 0.0;
    for (std::size_t a = 0; a + 1 < m; ++a) {
      const double xa = leg_x_[a], ya = leg_y_[a], za = leg_z_[a], ra = leg_r_[a];
      const double inv_ra = 1.0 / ra;
      const double exa = leg_ex_[a], dexa = leg_dex_[a];
      const TripletParams* tj_row = trow + leg_t_[a] * nt;
      double ga_x = 0, ga_y = 0, ga_z = 0;  // ∂E/∂R_a accumulated over b
      for (std::size_t b = a + 1; b < m; ++b) {
        const TripletParams& tp = tj_row[leg_t_[b]];
        const double xb = leg_x_[b], yb = leg_y_[b], zb = leg_z_[b], rb = leg_r_[b];
        const double inv_rb = 1.0 / rb;
        const double cs = (xa * xb + ya * yb + za * zb) * inv_ra * inv_rb;
        const double delta = cs - tp.costheta0;
        const double exab = exa * leg_ex_[b];
        const double phi3 = tp.lambda_eps * delta * delta * exab;
        e3 += phi3;
        const double dcos = 2 * tp.lambda_eps * delta * exab;             // ∂φ3/∂cos
        const double dra = tp.lambda_eps * delta * delta * dexa * leg_ex_[b];  // ∂φ3/∂r_a
        const double drb = tp.lambda_eps * delta * delta * exa * leg_dex_[b];  // ∂φ3/∂r_b
        // ∂cos/∂R_a = R_b/(r_a r_b) − cos R_a/r_a²
        const double ca = dra * inv_ra - dcos * cs * inv_ra * inv_ra;
        const double cab = dcos * inv_ra * inv_rb;
        const double cb = drb * inv_rb - dcos * cs * inv_rb * inv_rb;
        const double gax = ca * xa + cab * xb, gay = ca * ya + cab * yb, gaz = ca * za + cab * zb;
        const double gbx = cb * xb + cab * xa, gby = cb * yb + cab * ya, gbz = cb * zb + cab * za;
        ga_x += gax; ga_y += gay; ga_z += gaz;
        if (f) {
          const int jb = leg_j_[b];
          f[jb][0] -= gbx; f[jb][1] -= gby; f[jb][2] -= gbz;
          fi[0] += gbx; fi[1] += gby; fi[2] += gbz;
        }
        w[0][0] -= gbx * xb; w[0][1] -= gbx * yb; w[0][2] -= gbx * zb;
        w[1][1] -= gby * yb; w[1][2] -= gby * zb; w[2][2] -= gbz * zb;
      }
      if (f) {
        const int ja = leg_j_[a];
        f[ja][0] -= ga_x; f[ja][1] -= ga_y; f[ja][2] -= ga_z;
        fi[0] += ga_x; fi[1] += ga_y; fi[2] += ga_z;
      }
      w[0][0] -= ga_x * xa; w[0][1] -= ga_x * ya; w[0][2] -= ga_x * za;
      w[1][1] -= ga_y * ya; w[1][2] -= ga_y * za; w[2][2] -= ga_z * za;
    }
    energy += e3;
    if (ea) ea[i] += e3;
    if (f) f[i] += fi;
  }
  result.energy = energy;
  if (request.virial) {
    // The virial of a rotation-invariant potential is symmetric; the upper
    // triangle was accumulated.
    result.virial = Mat3{Vec3{w[0][0], w[0][1], w[0][2]}, Vec3{w[0][1], w[1][1], w[1][2]}, Vec3{w[0][2], w[1][2], w[2][2]}};
    result.has_virial = true;
  }
  return result;
}

std::unique_ptr<ForceProvider> make_sw_from_config(const Config& section, const ProviderContext& context) {
  const std::string path = find_potential_file(context, section.get_string("file"), section.key_path("file"));
  const double skin = section.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(section.key_path("skin"), "must be ≥ 0");
  section.check_all_used();
  return make_stillinger_weber(parse_sw_file(read_parameter_file(path), path), skin, path);
}

const ProviderRegistration registration("sw", "Stillinger–Weber (LAMMPS .sw files)", &make_sw_from_config);

}  // namespace

std::unique_ptr<ForceProvider> make_stillinger_weber(SwParameters params, double skin, const std::string& source) {
  return std::make_unique<StillingerWeber>(std::move(params), skin, source);
}

}  // namespace slhmc
