// A seedable, serializable random number generator (xoshiro256**, seeded by
// splitmix64). Its own uniform and normal transforms make streams identical
// across compilers and standard libraries, which std:: distributions do not.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace slhmc {

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);
  // Independent stream for the same seed (e.g. one per walker): seeds from (seed, stream).
  Rng(std::uint64_t seed, std::uint64_t stream);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  // Uniform in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // Standard normal (Box–Muller; the second value is cached and is part of the state).
  double normal();
  // Uniform integer in [0, n).
  std::uint64_t below(std::uint64_t n);

  // Text form of the complete state (exact round trip through from_string).
  std::string to_string() const;
  static Rng from_string(const std::string& text);
  bool operator==(const Rng& o) const {
    return s_ == o.s_ && has_cached_ == o.has_cached_ && (!has_cached_ || cached_ == o.cached_);
  }

 private:
  std::array<std::uint64_t, 4> s_{};
  bool has_cached_ = false;
  double cached_ = 0.0;
};

}  // namespace slhmc
