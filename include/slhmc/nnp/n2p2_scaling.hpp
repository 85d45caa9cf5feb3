// n2p2 symmetry-function scaling (nnp-formats.md §B7): the statistics in
// `scaling.data` and the affine map raw G → network input Gs = a + s·(G − b)
// for the five scaling modes, plus the extrapolation test (raw G outside
// [Gmin, Gmax] of the training set).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "slhmc/nnp/n2p2_settings.hpp"

namespace slhmc::nnp::n2p2 {

// One line of scaling.data: statistics of the raw symmetry function over the training set.
struct ScalingStats {
  double min = 0.0;
  double max = 0.0;
  double mean = 0.0;
  double sigma = 0.0;
  bool has_sigma = false;  // older files have no sigma column
  std::size_t line = 0;    // line in scaling.data
};

// Parses scaling.data for elements with `sf_counts[e]` functions each (Z-sorted
// element order, sorted SF order). Comments (#) and blank lines are skipped;
// both index columns of every line and the total count are checked. Throws
// ParseError naming the line.
std::vector<std::vector<ScalingStats>> parse_scaling_data(std::string_view text, const std::string& source,
                                                          const std::vector<std::size_t>& sf_counts);

// Gs = offset_out + factor·(G − offset_in); factor also multiplies dG/dr.
struct SfScaling {
  double offset_out = 0.0;  // Smin (0 for center/none)
  double offset_in = 0.0;   // Gmin, Gmean or 0
  double factor = 1.0;
  double gmin = 0.0;        // for the extrapolation test
  double gmax = 0.0;

  double apply(double g) const { return offset_out + factor * (g - offset_in); }
  // n2p2's test: outside [Gmin, Gmax] by more than 1000·DBL_EPSILON (absolute).
  bool extrapolates(double g) const;
};

// The scaling of one function in `mode`; rejects (Error naming `where`) the
// degenerate statistics the mode would divide by (Gmax = Gmin, σ = 0 or no σ column).
SfScaling make_scaling(ScalingMode mode, double smin, double smax, const ScalingStats& stats,
                       const std::string& where);

}  // namespace slhmc::nnp::n2p2
