// Parser of n2p2's `input.nn` (nnp-formats.md §B2–B8). Keywords are first
// collected (order is irrelevant in n2p2), then interpreted: elements before
// anything that names an element. Everything n2p2 would misread or evaluate
// differently is an error naming the line; training-only keywords are kept
// as warnings.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "parse_util.hpp"
#include "slhmc/core/elements.hpp"
#include "slhmc/nnp/n2p2_settings.hpp"

namespace slhmc::nnp::n2p2 {

namespace {

using detail::parse_double;
using detail::parse_int;

struct KeywordLine {
  std::size_t line;
  std::string keyword;  // as written (aliases are reported as written)
  std::vector<std::string> args;
};

// Canonical keyword names for n2p2's aliases.
std::string canonical(const std::string& k) {
  if (k == "nnp_generation" || k == "nnp_type_gen" || k == "nnp_gen") return "nnp_type";
  if (k == "symfunction") return "symfunction_short";
  return k;
}

// Keywords that the model needs; everything else is training-only or unknown.
const std::set<std::string>& model_keywords() {
  static const std::set<std::string> k{
      "nnp_type", "number_of_elements", "elements", "atom_energy", "cutoff_type", "symfunction_short",
      "scale_symmetry_functions", "center_symmetry_functions", "scale_symmetry_functions_sigma",
      "scale_min_short", "scale_max_short", "global_hidden_layers_short", "global_nodes_short",
      "global_activation_short", "element_nodes_short", "element_hidden_layers_short",
      "element_activation_short", "normalize_nodes", "mean_energy", "conv_energy", "conv_length"};
  return k;
}

bool may_repeat(const std::string& k) {
  return k == "symfunction_short" || k == "atom_energy" || k == "element_nodes_short" ||
         k == "element_hidden_layers_short" || k == "element_activation_short";
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& source, TopologyDialect dialect)
      : source_(source), dialect_(dialect) {
    detail::for_each_line(text, [&](std::size_t line_no, std::string_view line) {
      const auto toks = detail::tokens_of(line);
      if (toks.empty()) return;
      KeywordLine kl{line_no, std::string(toks[0]), {}};
      for (std::size_t i = 1; i < toks.size(); ++i) kl.args.emplace_back(toks[i]);
      const std::string key = canonical(kl.keyword);
      auto& lines = lines_[key];
      if (!lines.empty() && !may_repeat(key))
        throw ParseError(source_, line_no,
                         "keyword '" + kl.keyword + "' repeated (first given on line " +
                             std::to_string(lines.front().line) + "); only symfunction_short, atom_energy and "
                             "per-element topology keywords may appear more than once");
      lines.push_back(std::move(kl));
    });
  }

  Settings run() {
    s_.source = source_;
    for (const auto& [key, lines] : lines_)
      if (!model_keywords().count(key))
        s_.warnings.push_back(source_ + ":" + std::to_string(lines.front().line) + ": keyword '" +
                              lines.front().keyword + "' ignored (training-only or unknown)");
    generation();
    elements();
    atom_energies();
    cutoff();
    symmetry_functions();
    scaling();
    topology();
    s_.normalize_nodes = single("normalize_nodes") != nullptr;
    normalisation();
    return std::move(s_);
  }

 private:
  const KeywordLine* single(const std::string& key) const {
    const auto it = lines_.find(key);
    return it == lines_.end() ? nullptr : &it->second.front();
  }
  const std::vector<KeywordLine>& all(const std::string& key) const {
    static const std::vector<KeywordLine> none;
    const auto it = lines_.find(key);
    return it == lines_.end() ? none : it->second;
  }
  const KeywordLine& required(const std::string& key, const std::string& what) const {
    const KeywordLine* kl = single(key);
    if (!kl) throw ParseError(source_, 0, "missing keyword '" + key + "' (" + what + ")");
    return *kl;
  }
  void expect_args(const KeywordLine& kl, std::size_t min, std::size_t max, const std::string& usage) const {
    if (kl.args.size() < min || kl.args.size() > max)
      throw ParseError(source_, kl.line, "expected '" + kl.keyword + " " + usage + "', got " +
                                             std::to_string(kl.args.size()) + " argument(s)");
  }
  double number(const KeywordLine& kl, std::size_t i, const std::string& what) const {
    return parse_double(kl.args.at(i), source_, kl.line, what);
  }
  int element_of(const KeywordLine& kl, std::size_t i) const {
    const std::string& sym = kl.args.at(i);
    for (std::size_t e = 0; e < s_.symbols.size(); ++e)
      if (s_.symbols[e] == sym) return static_cast<int>(e);
    throw ParseError(source_, kl.line, "expected an element of the 'elements' line, got '" + sym + "'");
  }

  void generation() {
    const KeywordLine* kl = single("nnp_type");
    if (!kl) return;
    expect_args(*kl, 1, 1, "<generation>");
    const std::string& v = kl->args[0];
    if (v == "2" || v == "2G-HDNNP" || v == "2G") return;
    if (v == "3" || v == "4" || v == "4G-HDNNP" || v == "Q-HDNNP" || v == "4G" || v == "3G")
      throw ParseError(source_, kl->line, "'" + kl->keyword + " " + v +
                                              "': charge-equilibrating/charge-predicting n2p2 models (4G-HDNNP, "
                                              "Q-HDNNP) are not supported; only 2G-HDNNP");
    throw ParseError(source_, kl->line, "expected '" + kl->keyword + " 2' (2G-HDNNP), got '" + v + "'");
  }

  void elements() {
    const KeywordLine& n = required("number_of_elements", "number of elements");
    expect_args(n, 1, 1, "<count>");
    const long count = parse_int(n.args[0], source_, n.line, "the number of elements");
    const KeywordLine& el = required("elements", "element symbols");
    if (el.args.empty()) throw ParseError(source_, el.line, "expected 'elements <symbol> ...'");
    if (count != static_cast<long>(el.args.size()))
      throw ParseError(source_, el.line, "'elements' lists " + std::to_string(el.args.size()) +
                                             " symbols but number_of_elements (line " + std::to_string(n.line) +
                                             ") is " + std::to_string(count));
    std::vector<std::pair<int, std::string>> zs;
    for (const auto& sym : el.args) {
      const int z = atomic_number_or_zero(sym);
      if (z == 0) throw ParseError(source_, el.line, "expected an element symbol, got '" + sym + "'");
      for (const auto& [oz, os] : zs)
        if (oz == z) throw ParseError(source_, el.line, "element '" + sym + "' listed twice");
      zs.emplace_back(z, sym);
    }
    std::sort(zs.begin(), zs.end());  // §B3: index = position in the Z-sorted list
    for (const auto& [z, sym] : zs) {
      s_.elements.push_back(z);
      s_.symbols.push_back(sym);
    }
    s_.atom_energy.assign(zs.size(), 0.0);
    s_.sfs.resize(zs.size());
  }

  void atom_energies() {
    std::vector<std::size_t> seen(s_.elements.size(), 0);
    for (const auto& kl : all("atom_energy")) {
      expect_args(kl, 2, 2, "<element> <energy>");
      const int e = element_of(kl, 0);
      if (seen[e])
        throw ParseError(source_, kl.line, "atom_energy of '" + kl.args[0] + "' already given on line " +
                                               std::to_string(seen[e]));
      seen[e] = kl.line;
      s_.atom_energy[e] = number(kl, 1, "the atom energy offset");
    }
  }

  void cutoff() {
    const KeywordLine& kl = required("cutoff_type", "cutoff function type 0-8");
    expect_args(kl, 1, 2, "<type 0-8> [alpha]");
    const long t = parse_int(kl.args[0], source_, kl.line, "a cutoff type");
    if (t < 0 || t > 8)
      throw ParseError(source_, kl.line, "expected a cutoff type 0-8, got " + std::to_string(t));
    s_.cutoff_type = static_cast<CutoffType>(t);
    if (kl.args.size() == 2) s_.cutoff_alpha = number(kl, 1, "the inner cutoff fraction alpha");
    if (!(s_.cutoff_alpha >= 0.0 && s_.cutoff_alpha < 1.0))
      throw ParseError(source_, kl.line, "expected 0 <= alpha < 1 for the inner cutoff, got " + kl.args[1]);
    if (s_.cutoff_type == CutoffType::hard)
      s_.warnings.push_back(source_ + ":" + std::to_string(kl.line) + ": hard cutoff used");
    if ((s_.cutoff_type == CutoffType::tanhu || s_.cutoff_type == CutoffType::tanh || 
         s_.cutoff_type == CutoffType::hard) && s_.cutoff_alpha > 0.0)
      s_.warnings.push_back(source_ + ":" + std::to_string(kl.line) + ": alpha is not used by cutoff type " +
                            kl.args[0]);
  }

  SymmetryFunctionSpec parse_sf(const KeywordLine& kl) const {
    if (kl.args.size() < 2)
      throw ParseError(source_, kl.line, "expected '" + kl.keyword + " <element> <type> <parameters...>'");
    SymmetryFunctionSpec sf;
    sf.line = kl.line;
    const long type = parse_int(kl.args[1], source_, kl.line, "a symmetry function type");
    if (type >= 20 && type <= 25)
      throw ParseError(source_, kl.line, "symmetry function type " + std::to_string(type) +
                                             " (polynomial symmetry functions) is not supported; supported "
                                             "types are 2, 3, 9, 12 and 13");
    if (type != 2 && type != 3 && type != 9 && type != 12 && type != 13)
      throw ParseError(source_, kl.line, "symmetry function type " + std::to_string(type) +
                                             " is not supported; supported types are 2, 3, 9, 12 and 13");
    sf.type = static_cast<int>(type);
    const std::size_t n = kl.args.size();
    auto num = [&](std::size_t i, const char* what) { return number(kl, i, what); };
    switch (sf.type) {
      case 2:
        if (n != 6) throw ParseError(source_, kl.line, "expected '<ec> 2 <e1> <eta> <rs> <rc>'");
        sf.e1 = element_of(kl, 2);
        sf.eta = num(3, "eta");
        sf.rs = num(4, "rs");
        sf.rc = num(5, "rc");
        break;
      case 3:
      case 9:
        if (n != 8 && n != 9)
          throw ParseError(source_, kl.line, "expected '<ec> " + std::to_string(sf.type) +
                                                 " <e1> <e2> <eta> <lambda> <zeta> <rc> [<rs>]'");
        sf.e1 = element_of(kl, 2);
        sf.e2 = element_of(kl, 3);
        if (sf.e1 > sf.e2) std::swap(sf.e1, sf.e2);  // the pair is unordered (§B5)
        sf.eta = num(4, "eta");
        sf.lambda = num(5, "lambda");
        sf.zeta = num(6, "zeta");
        sf.rc = num(7, "rc");
        if (n == 9) sf.rs = num(8, "rs");
        break;
      case 12:
        if (n != 5) throw ParseError(source_, kl.line, "expected '<ec> 12 <eta> <rs> <rc>'");
        sf.eta = num(2, "eta");
        sf.rs = num(3, "rs");
        sf.rc = num(4, "rc");
        break;
      case 13:
        if (n != 7) throw ParseError(source_, kl.line, "expected '<ec> 13 <eta> <rs> <lambda> <zeta> <rc>'");
        sf.eta = num(2, "eta");
        sf.rs = num(3, "rs");
        sf.lambda = num(4, "lambda");
        sf.zeta = num(5, "zeta");
        sf.rc = num(6, "rc");
        break;
    }
    if (!(sf.rc > 0.0)) throw ParseError(source_, kl.line, "expected a cutoff radius rc > 0");
    if (!(sf.eta >= 0.0)) throw ParseError(source_, kl.line, "expected eta >= 0");
    if (sf.type != 2 && sf.type != 12) {
      // n2p2's two angular code paths disagree for rs < 0 and divide by ζλ (Part D #11).
      if (sf.rs < 0.0) throw ParseError(source_, kl.line, "expected rs >= 0 for an angular symmetry function");
      if (sf.lambda == 0.0) throw ParseError(source_, kl.line, "expected lambda != 0 (typically +1 or -1)");
      if (!(sf.zeta > 0.0)) throw ParseError(source_, kl.line, "expected zeta > 0");
    }
    return sf;
  }

  void symmetry_functions() {
    for (const auto& kl : all("symfunction_short")) {
      if (kl.args.empty()) throw ParseError(source_, kl.line, "expected '" + kl.keyword + " <element> <type> ...'");
      const int ec = element_of(kl, 0);
      s_.sfs[ec].push_back(parse_sf(kl));
    }
    for (std::size_t e = 0; e < s_.sfs.size(); ++e) {
      auto& list = s_.sfs[e];
      if (list.empty())
        throw ParseError(source_, 0, "no symmetry functions for element '" + s_.symbols[e] +
                                         "' (expected symfunction_short lines)");
      std::stable_sort(list.begin(), list.end(), sf_less);
      for (std::size_t k = 1; k < list.size(); ++k)
        if (sf_same(list[k - 1], list[k]))
          throw ParseError(source_, std::max(list[k - 1].line, list[k].line),
                           "duplicate symmetry function for element '" + s_.symbols[e] + "' (same as line " +
                               std::to_string(std::min(list[k - 1].line, list[k].line)) + ")");
    }
  }

  void scaling() {
    const bool scale = single("scale_symmetry_functions") != nullptr;
    const bool center = single("center_symmetry_functions") != nullptr;
    const bool sigma = single("scale_symmetry_functions_sigma") != nullptr;
    if (scale && !center) s_.scaling = ScalingMode::scale;
    else if (center && !scale) s_.scaling = ScalingMode::center;
    else if (scale && center) s_.scaling = ScalingMode::scale_center;
    else if (sigma) s_.scaling = ScalingMode::scale_sigma;
    else {
      s_.scaling = ScalingMode::none;
      s_.warnings.push_back(source_ + ": no symmetry function scaling");
    }
    if (s_.scaling == ScalingMode::center || s_.scaling == ScalingMode::none) return;
    for (auto [key, target, def] : {std::tuple{"scale_min_short", &s_.scale_min, 0.0},
                                    std::tuple{"scale_max_short", &s_.scale_max, 1.0}}) {
      if (const KeywordLine* kl = single(key)) {
        expect_args(*kl, 1, 1, "<value>");
        *target = number(*kl, 0, key);
      } else {
        *target = def;
        s_.warnings.push_back(source_ + ": " + key + " not given, using " + std::to_string(def));
      }
    }
  }

  void topology() {
    const KeywordLine& hl = required("global_hidden_layers_short", "number of hidden layers");
    expect_args(hl, 1, 1, "<count>");
    const long nh = parse_int(hl.args[0], source_, hl.line, "the number of hidden layers");
    if (nh < 0 || nh > 64) throw ParseError(source_, hl.line, "expected 0-64 hidden layers");
    ElementTopology global;
    if (nh > 0) {
      const KeywordLine& nodes = required("global_nodes_short", "neurons per hidden layer");
      expect_args(nodes, static_cast<std::size_t>(nh), static_cast<std::size_t>(nh), "<n1> ... <n" +
                                                                                      std::to_string(nh) + ">");
      for (std::size_t i = 0; i < nodes.args.size(); ++i) global.hidden_nodes.push_back(node_count(nodes, i));
    }
    const KeywordLine& act = required("global_activation_short", "activation letters");
    s_.activation_line = act.line;
    global.activations = letters(act, 0, static_cast<std::size_t>(nh) + 1);
    s_.topology.assign(s_.elements.size(), global);

    const bool any_element_keyword = single("element_nodes_short") || single("element_hidden_layers_short") ||
                                     single("element_activation_short");
    if (!any_element_keyword) return;
    const KeywordLine* first = single("element_nodes_short");
    if (!first) first = single("element_hidden_layers_short");
    if (!first) first = single("element_activation_short");
    if (dialect_ == TopologyDialect::unspecified)
      throw ParseError(source_, first->line,
                       "per-element topology keyword '" + first->keyword +
                           "' has version-dependent syntax (n2p2 v2.3.0 vs later); name the dialect "
                           "(v2.3.0 or master) in the model options to use it");
    if (dialect_ == TopologyDialect::v2_3_0) {
      for (const char* k : {"element_hidden_layers_short", "element_activation_short"})
        if (const KeywordLine* kl = single(k))
          throw ParseError(source_, kl->line, std::string("keyword '") + k + "' does not exist in n2p2 v2.3.0");
      std::set<std::pair<int, long>> seen;
      for (const auto& kl : all("element_nodes_short")) {
        expect_args(kl, 3, 3, "<element> <hidden layer 1-" + std::to_string(nh) + "> <neurons>");
        const int e = element_of(kl, 0);
        const long layer = parse_int(kl.args[1], source_, kl.line, "a hidden layer number");
        if (layer < 1 || layer > nh)
          throw ParseError(source_, kl.line, "expected a hidden layer number 1-" + std::to_string(nh));
        if (!seen.insert({e, layer}).second)
          throw ParseError(source_, kl.line, "layer " + kl.args[1] + " of '" + kl.args[0] + "' given twice");
        s_.topology[e].hidden_nodes[layer - 1] = node_count(kl, 2);
      }
      return;
    }
    // master dialect: layers, then nodes, then activations per element.
    std::vector<std::size_t> seen_layers(s_.elements.size(), 0), seen_nodes(s_.elements.size(), 0),
        seen_act(s_.elements.size(), 0);
    for (const auto& kl : all("element_hidden_layers_short")) {
      expect_args(kl, 2, 2, "<element> <count>");
      const int e = element_of(kl, 0);
      if (seen_layers[e]) throw ParseError(source_, kl.line, "hidden layers of '" + kl.args[0] + "' given twice");
      seen_layers[e] = kl.line;
      const long n = parse_int(kl.args[1], source_, kl.line, "the number of hidden layers");
      if (n < 0 || n > 64) throw ParseError(source_, kl.line, "expected 0-64 hidden layers");
      s_.topology[e].hidden_nodes.assign(static_cast<std::size_t>(n), 0);
    }
    for (const auto& kl : all("element_nodes_short")) {
      if (kl.args.empty()) throw ParseError(source_, kl.line, "expected 'element_nodes_short <element> <n1> ...'");
      const int e = element_of(kl, 0);
      if (seen_nodes[e]) throw ParseError(source_, kl.line, "nodes of '" + kl.args[0] + "' given twice");
      seen_nodes[e] = kl.line;
      const std::size_t n = s_.topology[e].hidden_nodes.size();
      expect_args(kl, n + 1, n + 1, "<element> <n1> ... <n" + std::to_string(n) + ">");
      for (std::size_t i = 0; i < n; ++i) s_.topology[e].hidden_nodes[i] = node_count(kl, i + 1);
    }
    for (std::size_t e = 0; e < s_.elements.size(); ++e) {
      const bool changed_layers = seen_layers[e] != 0;
      if (changed_layers && !seen_nodes[e])
        throw ParseError(source_, seen_layers[e], "element_nodes_short for '" + s_.symbols[e] +
                                                      "' required when its number of hidden layers changes");
    }
    for (const auto& kl : all("element_activation_short")) {
      if (kl.args.empty())
        throw ParseError(source_, kl.line, "expected 'element_activation_short <element> <letters>'");
      const int e = element_of(kl, 0);
      if (seen_act[e]) throw ParseError(source_, kl.line, "activations of '" + kl.args[0] + "' given twice");
      seen_act[e] = kl.line;
      s_.topology[e].activations = letters(kl, 1, s_.topology[e].hidden_nodes.size() + 1);
    }
    for (std::size_t e = 0; e < s_.elements.size(); ++e)
      if (s_.topology[e].activations.size() != s_.topology[e].hidden_nodes.size() + 1)
        throw ParseError(source_, seen_layers[e], "element_activation_short for '" + s_.symbols[e] +
                                                      "' required when its number of hidden layers changes");
  }

  int node_count(const KeywordLine& kl, std::size_t i) const {
    const long n = parse_int(kl.args[i], source_, kl.line, "a neuron count");
    if (n < 1 || n > 100000) throw ParseError(source_, kl.line, "expected a neuron count >= 1, got " + kl.args[i]);
    return static_cast<int>(n);
  }

  // `count` single-letter activation tokens starting at argument `first`.
  std::string letters(const KeywordLine& kl, std::size_t first, std::size_t count) const {
    if (kl.args.size() != first + count)
      throw ParseError(source_, kl.line, "expected " + std::to_string(count) +
                                             " activation letters (one per hidden layer plus the output layer), "
                                             "got " + std::to_string(kl.args.size() - std::min(first, kl.args.size())));
    std::string out;
    for (std::size_t i = first; i < kl.args.size(); ++i) {
      if (kl.args[i].size() != 1)
        throw ParseError(source_, kl.line, "expected a single activation letter, got '" + kl.args[i] + "'");
      out += kl.args[i][0];
    }
    return out;
  }

  void normalisation() {
    const KeywordLine* mu = single("mean_energy");
    const KeywordLine* ce = single("conv_energy");
    const KeywordLine* cl = single("conv_length");
    const int given = (mu != nullptr) + (ce != nullptr) + (cl != nullptr);
    if (given == 0) return;
    if (given != 3) {
      const KeywordLine* any = mu ? mu : (ce ? ce : cl);
      throw ParseError(source_, any->line,
                       "normalisation needs all three of mean_energy, conv_energy and conv_length");
    }
    for (const KeywordLine* kl : {mu, ce, cl}) expect_args(*kl, 1, 1, "<value>");
    s_.normalized = true;
    s_.mean_energy = number(*mu, 0, "mean_energy");
    s_.conv_energy = number(*ce, 0, "conv_energy");
    s_.conv_length = number(*cl, 0, "conv_length");
    if (!(s_.conv_energy > 0.0)) throw ParseError(source_, ce->line, "expected conv_energy > 0");
    if (!(s_.conv_length > 0.0)) throw ParseError(source_, cl->line, "expected conv_length > 0");
  }

  std::string source_;
  TopologyDialect dialect_;
  std::map<std::string, std::vector<KeywordLine>> lines_;
  Settings s_;
};

// Key fields of §B6 as a tuple-like comparison; element indices compare only where the type has them.
int compare_sf(const SymmetryFunctionSpec& a, const SymmetryFunctionSpec& b) {
  auto cmp = [](double x, double y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (int c = cmp(a.type, b.type)) return c;
  if (int c = cmp(a.rc, b.rc)) return c;
  if (int c = cmp(a.eta, b.eta)) return c;
  if (int c = cmp(a.rs, b.rs)) return c;
  if (a.type == 2) return cmp(a.e1, b.e1);
  if (a.type == 12) return 0;
  if (int c = cmp(a.zeta, b.zeta)) return c;
  if (int c = cmp(a.lambda, b.lambda)) return c;
  if (a.type == 13) return 0;
  if (int c = cmp(a.e1, b.e1)) return c;
  return cmp(a.e2, b.e2);
}

}  // namespace

bool sf_less(const SymmetryFunctionSpec& a, const SymmetryFunctionSpec& b) { return compare_sf(a, b) < 0; }
bool sf_same(const SymmetryFunctionSpec& a, const SymmetryFunctionSpec& b) { return compare_sf(a, b) == 0; }

double Settings::max_cutoff() const {
  double rc = 0.0;
  for (const auto& list : sfs)
    for (const auto& sf : list) rc = std::max(rc, sf.rc);
  return rc;
}

int Settings::element_index(int z) const {
  for (std::size_t e = 0; e < elements.size(); ++e)
    if (elements[e] == z) return static_cast<int>(e);
  return -1;
}

Settings parse_input_nn(std::string_view text, const std::string& source, TopologyDialect dialect) {
  return Parser(text, source, dialect).run();
}

Settings read_input_nn(const std::string& path, TopologyDialect dialect) {
  return parse_input_nn(detail::read_file_text(path), path, dialect);
}

const char* cutoff_type_name(CutoffType type) {
  switch (type) {
    case CutoffType::hard: return "CT_HARD";
    case CutoffType::cos: return "CT_COS";
    case CutoffType::tanhu: return "CT_TANHU";
    case CutoffType::tanh: return "CT_TANH";
    case CutoffType::exp: return "CT_EXP";
    case CutoffType::poly1: return "CT_POLY1";
    case CutoffType::poly2: return "CT_POLY2";
    case CutoffType::poly3: return "CT_POLY3";
    case CutoffType::poly4: return "CT_POLY4";
  }
  return "?";
}

const char* scaling_mode_name(ScalingMode mode) {
  switch (mode) {
    case ScalingMode::none: return "ST_NONE";
    case ScalingMode::scale: return "ST_SCALE";
    case ScalingMode::center: return "ST_CENTER";
    case ScalingMode::scale_center: return "ST_SCALECENTER";
    case ScalingMode::scale_sigma: return "ST_SCALESIGMA";
  }
  return "?";
}

}  // namespace slhmc::nnp::n2p2
