// Reader of n2p2's scaling.data and the per-function scaling maps (§B7).
#include "slhmc/nnp/n2p2_scaling.hpp"

#include <cfloat>
#include <cmath>

#include "parse_util.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::nnp::n2p2 {

std::vector<std::vector<ScalingStats>> parse_scaling_data(std::string_view text, const std::string& source,
                                                          const std::vector<std::size_t>& sf_counts) {
  std::vector<std::vector<ScalingStats>> out(sf_counts.size());
  std::size_t total = 0;
  for (std::size_t c : sf_counts) total += c;
  std::size_t e = 0, s = 0, read = 0;  // next expected element / function (0-based)
  std::size_t last_line = 0;
  detail::for_each_line(text, [&](std::size_t line_no, std::string_view line) {
    last_line = line_no;
    const auto toks = detail::tokens_of(line);
    if (toks.empty()) return;  // blank or comment
    while (e < sf_counts.size() && s >= sf_counts[e]) {
      ++e;
      s = 0;
    }
    if (e >= sf_counts.size())
      throw ParseError(source, line_no, "unexpected extra line: the model has only " + std::to_string(total) +
                                            " symmetry functions");
    if (toks.size() != 5 && toks.size() != 6)
      throw ParseError(source, line_no, "expected 'e_index sf_index Gmin Gmax Gmean [Gsigma]', got " +
                                            std::to_string(toks.size()) + " columns");
    const long ei = detail::parse_int(toks[0], source, line_no, "an element index");
    const long si = detail::parse_int(toks[1], source, line_no, "a symmetry function index");
    if (ei != static_cast<long>(e + 1) || si != static_cast<long>(s + 1))
      throw ParseError(source, line_no, "expected element index " + std::to_string(e + 1) +
                                            " and symmetry function index " + std::to_string(s + 1) + ", got " +
                                            std::string(toks[0]) + " " + std::string(toks[1]));
    ScalingStats st;
    st.line = line_no;
    st.min = detail::parse_double(toks[2], source, line_no, "Gmin");
    st.max = detail::parse_double(toks[3], source, line_no, "Gmax");
    st.mean = detail::parse_double(toks[4], source, line_no, "Gmean");
    if (toks.size() == 6) {
      st.sigma = detail::parse_double(toks[5], source, line_no, "Gsigma");
      st.has_sigma = true;
    }
    if (st.min > st.max) throw ParseError(source, line_no, "expected Gmin <= Gmax");
    out[e].push_back(st);
    ++s;
    ++read;
  });
  if (read != total)
    throw ParseError(source, last_line, "expected " + std::to_string(total) + " lines of scaling data, found " +
                                            std::to_string(read));
  return out;
}

bool SfScaling::extrapolates(double g) const {
  const double tol = 1000.0 * DBL_EPSILON;
  return g < gmin - tol || g > gmax + tol;
}

SfScaling make_scaling(ScalingMode mode, double smin, double smax, const ScalingStats& st,
                       const std::string& where) {
  SfScaling sc;
  sc.gmin = st.min;
  sc.gmax = st.max;
  auto range = [&] {
    if (!(st.max > st.min))
      throw Error(where + ": Gmax = Gmin; this scaling mode would divide by zero");
    return (smax - smin) / (st.max - st.min);
  };
  switch (mode) {
    case ScalingMode::none: break;
    case ScalingMode::center:
      sc.offset_in = st.mean;
      break;
    case ScalingMode::scale:
      sc.offset_out = smin;
      sc.offset_in = st.min;
      sc.factor = range();
      break;
    case ScalingMode::scale_center:
      sc.offset_out = smin;
      sc.offset_in = st.mean;
      sc.factor = range();
      break;
    case ScalingMode::scale_sigma:
      if (!st.has_sigma) throw Error(where + ": no Gsigma column, required by scale_symmetry_functions_sigma");
      if (!(st.sigma > 0.0)) throw Error(where + ": Gsigma = 0; this scaling mode would divide by zero");
      sc.offset_out = smin;
      sc.offset_in = st.mean;
      sc.factor = (smax - smin) / st.sigma;
      break;
  }
  return sc;
}

}  // namespace slhmc::nnp::n2p2
