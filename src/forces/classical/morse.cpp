// Morse provider: parameter tables from the config and the kernel for
// PairEngine (see morse.hpp for the config keys).
#include "slhmc/forces/classical/morse.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <tuple>

#include "pair_engine.hpp"

namespace slhmc {

namespace {

struct MorseKernel {
  struct Params {
    double cutoff = 0;
    double d0 = 0, alpha = 0, r0 = 0;
    double offset = 0;  // φ_M(r_c)
  };
  static Params make(double d0, double alpha, double r0, double cutoff) {
    Params p{cutoff, d0, alpha, r0, 0.0};
    const double e = std::exp(-alpha * (cutoff - r0));
    p.offset = d0 * (e * e - 2 * e);
    return p;
  }
  static void eval(const Params& p, double r2, double& phi, double& g) {
    const double r = std::sqrt(r2);
    const double e = std::exp(-p.alpha * (r - p.r0));
    phi = p.d0 * (e * e - 2 * e) - p.offset;
    // φ' = 2αD0 e(1 − e)
    g = 2 * p.alpha * p.d0 * e * (1 - e) / r;
  }
};

class Morse final : public ForceProvider {
 public:
  Morse(detail::PairEngine<MorseKernel> engine, std::string text) : engine_(std::move(engine)), text_(std::move(text)) {}
  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    return engine_.compute(frame, request);
  }
  double cutoff() const override { return engine_.cutoff(); }
  std::string description() const override { return text_; }

 private:
  detail::PairEngine<MorseKernel> engine_;
  std::string text_;
};

MorseKernel::Params read_params(const Config& s, bool has_default, double default_cut) {
  double cut = default_cut;
  if (s.has("cutoff")) cut = detail::positive_key(s, "cutoff");
  else if (!has_default) throw ConfigError(s.key_path("cutoff"), "missing, and no default [potential] cutoff given");
  return MorseKernel::make(detail::positive_key(s, "d0"), detail::positive_key(s, "alpha"), detail::positive_key(s, "r0"), cut);
}

}  // namespace

std::unique_ptr<ForceProvider> make_morse(const Config& section, const ProviderContext&) {
  const bool has_default = section.has("cutoff");
  const double default_cut = has_default ? detail::positive_key(section, "cutoff") : 0.0;
  const double skin = section.get_double("skin", 1.0);
  if (!(skin >= 0)) throw ConfigError(section.key_path("skin"), "must be ≥ 0");
  std::ostringstream text;
  text << "morse (shifted)";
  if (section.has("d0") || section.has("alpha") || section.has("r0")) {
    if (section.has("pairs"))
      throw ConfigError(section.key_path("d0"), "the single-species keys d0/alpha/r0 cannot be combined with [pairs] tables");
    auto p = read_params(section, has_default, default_cut);
    text << " d0=" << p.d0 << " alpha=" << p.alpha << " r0=" << p.r0 << " cutoff=" << p.cutoff;
    section.check_all_used();
    return std::make_unique<Morse>(
        detail::PairEngine<MorseKernel>(detail::SpeciesTypes({}), {p}, skin, "morse"), text.str());
  }
  const Config pairs = section.section("pairs");
  std::vector<std::string> symbols;
  std::vector<std::tuple<std::string, std::string, MorseKernel::Params>> given;
  for (const auto& name : pairs.keys()) {
    const auto [a, b] = detail::split_pair_key(name, pairs.key_path(name));
    for (const auto& s : {a, b})
      if (std::find(symbols.begin(), symbols.end(), s) == symbols.end()) symbols.push_back(s);
    given.emplace_back(a, b, read_params(pairs.section(name), has_default, default_cut));
  }
  if (symbols.empty()) throw ConfigError(pairs.path(), "lists no pairs");
  const std::size_t nt = symbols.size();
  std::vector<MorseKernel::Params> table(nt * nt);
  std::vector<bool> set(nt * nt, false);
  auto index = [&](const std::string& s) {
    return static_cast<std::size_t>(std::find(symbols.begin(), symbols.end(), s) - symbols.begin());
  };
  for (const auto& [a, b, p] : given) {
    const std::size_t ia = index(a), ib = index(b);
    if (set[ia * nt + ib]) throw ConfigError(pairs.path(), "pair " + a + "-" + b + " is given twice");
    table[ia * nt + ib] = table[ib * nt + ia] = p;
    set[ia * nt + ib] = set[ib * nt + ia] = true;
  }
  for (std::size_t a = 0; a < nt; ++a)
    for (std::size_t b = 0; b < nt; ++b)
      if (!set[a * nt + b])
        throw ConfigError(pairs.key_path(symbols[a] + "-" + symbols[b]), "missing: Morse needs every pair of the elements named");
  for (const auto& s : symbols) text << " " << s;
  section.check_all_used();
  return std::make_unique<Morse>(
      detail::PairEngine<MorseKernel>(detail::SpeciesTypes(symbols), std::move(table), skin, "morse"), text.str());
}

namespace {
const ProviderRegistration registration("morse", "Morse, shifted to zero at the cutoff", &make_morse);
}  // namespace

}  // namespace slhmc
