// The weighted-sum provider (see sum.hpp).
#include "slhmc/forces/composite/sum.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

class WeightedSum final : public ForceProvider {
 public:
  explicit WeightedSum(std::vector<WeightedTerm> terms) : terms_(std::move(terms)) {
    if (terms_.empty()) throw Error("sum: needs at least one term");
    for (const auto& t : terms_)
      if (!t.provider) throw Error("sum: term '" + t.name + "' has no provider");
  }

  ComputeResult compute(const Frame& frame, const ComputeRequest& request) override {
    ComputeResult out;
    const std::size_t n = frame.size();
    if (request.forces) out.forces.assign(n, Vec3{0, 0, 0});
    if (request.atomic_energies) out.atomic_energies.assign(n, 0.0);
    out.has_virial = request.virial;
    std::string extras;
    for (const auto& t : terms_) {
      const ComputeResult r = t.provider->compute(frame, request);
      out.energy += t.weight * r.energy;
      if (request.forces) {
        if (r.forces.size() != n) throw EngineError("sum: term '" + t.name + "' returned no forces");
        for (std::size_t i = 0; i < n; ++i) out.forces[i] += t.weight * r.forces[i];
      }
      if (request.virial) {
        if (!r.has_virial) throw EngineError("sum: term '" + t.name + "' returned no virial");
        out.virial += t.weight * r.virial;
      }
      if (request.atomic_energies) {
        if (r.atomic_energies.size() != n) throw EngineError("sum: term '" + t.name + "' returned no atomic energies");
        for (std::size_t i = 0; i < n; ++i) out.atomic_energies[i] += t.weight * r.atomic_energies[i];
      }
      if (!r.extras.empty()) {
        // Structured extras stay JSON; anything else is embedded as a string.
        const bool is_json = r.extras.front() == '{' || r.extras.front() == '[';
        extras += std::string(extras.empty() ? "" : ",") + "{\"name\":" + json_string(t.name) +
                  ",\"extras\":" + (is_json ? r.extras : json_string(r.extras)) + "}";
      }
    }
    if (!extras.empty()) out.extras = "{\"terms\":[" + extras + "]}";
    return out;
  }

  double cutoff() const override {
    double c = 0.0;
    for (const auto& t : terms_) c = std::max(c, t.provider->cutoff());
    return c;
  }

  std::string description() const override {
    std::ostringstream s;
    s << "sum(";
    for (std::size_t k = 0; k < terms_.size(); ++k)
      s << (k ? " + " : "") << terms_[k].weight << "*[" << terms_[k].provider->description() << "]";
    s << ")";
    return s.str();
  }

 private:
  std::vector<WeightedTerm> terms_;
};

std::unique_ptr<ForceProvider> make_sum_from_config(const Config& section, const ProviderContext& context) {
  if (!section.has("terms"))
    throw ConfigError(section.key_path("terms"), "missing: give one table [" + section.key_path("terms") + ".<name>] per term");
  const Config terms = [&] {
    try {
      return section.section("terms");
    } catch (const ConfigError& e) {
      // Most likely an array of tables ([[potential.terms]]), which Config cannot address.
      throw ConfigError(e.key(), std::string(e.what()) + "; write each term as a named table [" +
                                     section.key_path("terms") + ".<name>]");
    }
  }();
  std::vector<WeightedTerm> out;
  for (const auto& name : terms.keys()) {
    const Config term = terms.section(name);
    const double weight = term.get_double("weight", 1.0);
    if (!std::isfinite(weight)) throw ConfigError(term.key_path("weight"), "must be a finite number");
    out.push_back(WeightedTerm{name, weight, make_provider(term, context)});
  }
  if (out.empty()) throw ConfigError(terms.path(), "needs at least one [" + terms.path() + ".<name>] table");
  section.check_all_used();
  return make_weighted_sum(std::move(out));
}

const ProviderRegistration registration("sum", "Weighted sum of providers (Δ-learning)", &make_sum_from_config);

}  // namespace

std::unique_ptr<ForceProvider> make_weighted_sum(std::vector<WeightedTerm> terms) {
  return std::make_unique<WeightedSum>(std::move(terms));
}

}  // namespace slhmc
