// Lennard-Jones provider: parameter tables from the config and the kernel
// for PairEngine (see lennard_jones.hpp for the config keys).
#include "slhmc/forces/classical/lennard_jones.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include "pair_engine.hpp"

namespace slhmc {

namespace {

struct LjKernel {
  struct Params {
    double cutoff = 0;
    double lj1 = 0, lj2 = 0, lj3 = 0, lj4 = 0;  // 48εσ¹², 24εσ⁶, 4εσ¹², 4εσ⁶
    double offset = 0;                          // φ_LJ(r_c)
  };
  static Params make(double epsilon, double sigma, double cutoff) {
    Params p;
    p.cutoff = cutoff;
    const double s6 = std::pow(sigma, 6);
    p.lj1 = 48 * epsilon * s6 * s6;
    p.lj2 = 24 * epsilon * s6;
    p.lj3 = 4 * epsilon * s6 * s6;
    p.lj4 = 4 * epsilon * s6;
    const double rc6 = 1.0 / std::pow(cutoff, 6);
    p.offset = rc6 * (p.lj3 * rc6 - p.lj4);
    return p;
  }
  static void eval(const Params& p, double r2, double& phi, double& g) {
    const double r2inv = 1.0 / r2;
    const double r6inv = r2inv * r2inv * r2inv;
    phi = r6inv * (p.lj3 * r6inv - p.lj4) - p.offset;
    g = -r6inv * (p.lj1 * r6inv - p.lj2) * r2inv;
  }
};

struct Single {
  double epsilon, sigma, cutoff;
};

double mix(double a, double b, bool geometric) { return geometric ? std::sqrt(a * b) : 0.5 * (a + b); }

class LennardJones final : public ForceProvider {
 public:
  LennardJones(detail::PairEngine<LjKernel> engine, std::string text)
      : engine_(std::move(engine)), text_(std::move(text)) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    return engine_.compute(frame, request);
  }
  double cutoff() const override { return engine_.cutoff(); }
  std::string description() const override { return text_; }

 private:
  detail::PairEngine<LjKernel> engine_;
  std::string text_;
};

}  // namespace

std::unique_ptr<ForceProvider> make_lennard_jones(const Config& section, const ProviderContext&) {
  const bool has_default_cut = section.has("cutoff");
  const double default_cut = has_default_cut ? detail::positive_key(section, "cutoff") : 0.0;
  const bool geometric = section.get_choice("mixing", {"geometric", "arithmetic"}, "geometric") == "geometric";
  const double skin = section.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(section.key_path("skin"), "must be ≥ 0");
  auto cut_of = [&](const Config& s) {
    if (s.has("cutoff")) return detail::positive_key(s, "cutoff");
    if (!has_default_cut) throw ConfigError(s.key_path("cutoff"), "missing, and no default [potential] cutoff given");
    return default_cut;
  };

  std::vector<std::string> symbols;
  std::map<std::string, Single> singles;
  std::ostringstream text;
  text << "lj (shifted, " << (geometric ? "geometric" : "arithmetic") << " mixing)";
  if (section.has("epsilon") || section.has("sigma")) {
    if (section.has("species") || section.has("pairs"))
      throw ConfigError(section.key_path("epsilon"),
                        "the single-species keys epsilon/sigma cannot be combined with [species]/[pairs] tables");
    const Single s{detail::positive_key(section, "epsilon"), detail::positive_key(section, "sigma"), cut_of(section)};
    text << " epsilon=" << s.epsilon << " sigma=" << s.sigma << " cutoff=" << s.cutoff;
    section.check_all_used();
    std::vector<LjKernel::Params> table{LjKernel::make(s.epsilon, s.sigma, s.cutoff)};
    return std::make_unique<LennardJones>(
        detail::PairEngine<LjKernel>(detail::SpeciesTypes({}), std::move(table), skin, "lj"), text.str());
  }
  const Config species = section.section("species");
  for (const auto& name : species.keys()) {
    if (atomic_number_or_zero(name) == 0) throw ConfigError(species.key_path(name), "is not an element symbol");
    const Config s = species.section(name);
    singles[name] = Single{detail::positive_key(s, "epsilon"), detail::positive_key(s, "sigma"), cut_of(s)};
    symbols.push_back(name);
  }
  if (symbols.empty()) throw ConfigError(species.path(), "lists no species");
  const int nt = static_cast<int>(symbols.size());
  std::vector<LjKernel::Params> table(static_cast<std::size_t>(nt * nt));
  std::vector<bool> explicit_pair(table.size(), false);
  auto index_of = [&](const std::string& sym, const std::string& key) {
    for (int t = 0; t < nt; ++t)
      if (symbols[t] == sym) return t;
    throw ConfigError(key, "element " + sym + " has no [species." + sym + "] table");
  };
  if (const auto pairs = section.optional_section("pairs")) {
    for (const auto& name : pairs->keys()) {
      const auto [a, b] = detail::split_pair_key(name, pairs->key_path(name));
      const int ta = index_of(a, pairs->key_path(name)), tb = index_of(b, pairs->key_path(name));
      const Config p = pairs->section(name);
      const auto params = LjKernel::make(detail::positive_key(p, "epsilon"), detail::positive_key(p, "sigma"), cut_of(p));
      table[ta * nt + tb] = table[tb * nt + ta] = params;
      explicit_pair[ta * nt + tb] = explicit_pair[tb * nt + ta] = true;
    }
  }
  for (int a = 0; a < nt; ++a)
    for (int b = 0; b < nt; ++b) {
      if (explicit_pair[a * nt + b]) continue;
      const Single& sa = singles[symbols[a]];
      const Single& sb = singles[symbols[b]];
      table[a * nt + b] = LjKernel::make(std::sqrt(sa.epsilon * sb.epsilon), mix(sa.sigma, sb.sigma, geometric),
                                         mix(sa.cutoff, sb.cutoff, geometric));
    }
  for (const auto& s : symbols) text << " " << s;
  section.check_all_used();
  return std::make_unique<LennardJones>(
      detail::PairEngine<LjKernel>(detail::SpeciesTypes(symbols), std::move(table), skin, "lj"), text.str());
}

namespace {
const ProviderRegistration registration("lj", "Lennard-Jones, shifted to zero at the cutoff", &make_lennard_jones);
}  // namespace

}  // namespace slhmc
