// g(r) from a full neighbour list per frame, normalised by the ideal-gas
// shell count N_a·N_b/V·4π r² dr of the frame's own cell.
#include "slhmc/analysis/rdf.hpp"

#include <cmath>

#include "slhmc/analysis/chain_statistics.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"

namespace slhmc::analysis {

RadialDistribution::RadialDistribution(double r_max, int bins, int species_a, int species_b)
    : r_max_(r_max), bins_(bins), species_a_(species_a), species_b_(species_b) {
  if (!(r_max > 0) || bins < 1) throw Error("RDF: r_max must be positive and bins at least 1");
}

void RadialDistribution::add(const Frame& frame) {
  if (!frame.cell.fully_periodic()) throw Error("RDF needs a cell periodic in all directions");
  NeighborList list({r_max_, 0.0, false});
  list.build(frame);
  auto matches = [](int want, int z) { return want == 0 || want == z; };
  std::size_t na = 0, nb = 0;
  for (int z : frame.numbers) {
    na += matches(species_a_, z);
    nb += matches(species_b_, z);
  }
  std::vector<double> h(bins_, 0.0);
  const double width = r_max_ / bins_;
  for (std::size_t i = 0; i < frame.size(); ++i) {
    if (!matches(species_a_, frame.numbers[i])) continue;
    for (const auto& e : list.neighbors(i)) {
      if (!matches(species_b_, frame.numbers[e.j])) continue;
      const double r = norm(frame.positions[e.j] + e.shift - frame.positions[i]);
      const int b = static_cast<int>(r / width);
      if (b < bins_) h[b] += 1.0;
    }
  }
  // Pairs (a, b) with a ≠ b as atoms: the same atom is never its own partner at r > 0 except
  // through images, which are counted (they are real neighbours in a periodic system).
  const double volume = frame.cell.volume();
  const double pair_density = (na > 0 && nb > 0) ? static_cast<double>(na) * nb / volume : 0.0;
  for (int b = 0; b < bins_; ++b) {
    const double r0 = b * width, r1 = r0 + width;
    const double shell = 4.0 / 3.0 * M_PI * (r1 * r1 * r1 - r0 * r0 * r0);
    h[b] = pair_density > 0 ? h[b] / (pair_density * shell) : 0.0;
  }
  per_frame_.push_back(std::move(h));
}

std::vector<double> RadialDistribution::mean() const {
  std::vector<double> m(bins_, 0.0);
  if (per_frame_.empty()) return m;
  for (const auto& f : per_frame_)
    for (int b = 0; b < bins_; ++b) m[b] += f[b];
  for (double& v : m) v /= per_frame_.size();
  return m;
}

std::vector<double> RadialDistribution::series(int b) const {
  std::vector<double> s;
  s.reserve(per_frame_.size());
  for (const auto& f : per_frame_) s.push_back(f[b]);
  return s;
}

std::vector<double> RadialDistribution::error() const {
  std::vector<double> e(bins_, 0.0);
  if (per_frame_.size() < 2) return e;
  for (int b = 0; b < bins_; ++b) e[b] = blocking_mean(series(b)).error;
  return e;
}

}  // namespace slhmc::analysis
