// Radial distribution function g(r), accumulated over frames of a trajectory
// or Markov chain, optionally restricted to a pair of species; normalised by
// the ideal-gas pair density of each frame's cell so that g → 1 at large r.
// Per-frame histograms are kept so that error bars can come from blocking.
#pragma once

#include <vector>

#include "slhmc/core/frame.hpp"

namespace slhmc::analysis {

class RadialDistribution {
 public:
  // r_max (Å) and the number of bins; species 0 means "any element".
  RadialDistribution(double r_max, int bins, int species_a = 0, int species_b = 0);
  // Adds one periodic frame (throws for frames without a fully periodic cell).
  void add(const Frame& frame);
  int bins() const { return bins_; }
  double r_max() const { return r_max_; }
  double bin_center(int b) const { return (b + 0.5) * r_max_ / bins_; }
  std::size_t frames() const { return per_frame_.size(); }
  // Average g(r) over the frames added.
  std::vector<double> mean() const;
  // Standard error per bin from blocking over the frame series.
  std::vector<double> error() const;
  // g of bin b in every frame, in order (for autocorrelation analysis of a bin).
  std::vector<double> series(int b) const;

 private:
  double r_max_;
  int bins_;
  int species_a_, species_b_;
  std::vector<std::vector<double>> per_frame_;
};

}  // namespace slhmc::analysis
