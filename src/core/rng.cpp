// xoshiro256** (Blackman & Vigna 2018) with splitmix64 seeding.
#include "slhmc/core/rng.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc {

namespace {
std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
}  // namespace

Rng::Rng(std::uint64_t seed) {
  std::uint64_t x = seed;
  for (auto& s : s_) s = splitmix64(x);
}

Rng::Rng(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t x = seed;
  const std::uint64_t mix = splitmix64(x) ^ (stream * 0xd1b54a32d192ed03ULL);
  x = mix;
  for (auto& s : s_) s = splitmix64(x);
}

std::uint64_t Rng::next_u64() {
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  if (has_cached_) {
    has_cached_ = false;
    return cached_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double phi = 2.0 * M_PI * u2;
  cached_ = r * std::sin(phi);
  has_cached_ = true;
  return r * std::cos(phi);
}

std::uint64_t Rng::below(std::uint64_t n) {
  if (n == 0) throw Error("Rng::below(0)");
  // Rejection sampling removes the modulo bias.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
  std::uint64_t x;
  do x = next_u64();
  while (x >= limit);
  return x % n;
}

std::string Rng::to_string() const {
  std::ostringstream out;
  out << "xoshiro256ss";
  for (auto s : s_) out << ' ' << s;
  std::uint64_t bits = 0;
  std::memcpy(&bits, &cached_, sizeof bits);
  out << ' ' << (has_cached_ ? 1 : 0) << ' ' << bits;
  return out.str();
}

Rng Rng::from_string(const std::string& text) {
  std::istringstream in(text);
  std::string tag;
  Rng rng;
  int has = 0;
  std::uint64_t bits = 0;
  in >> tag >> rng.s_[0] >> rng.s_[1] >> rng.s_[2] >> rng.s_[3] >> has >> bits;
  if (!in || tag != "xoshiro256ss" || (has != 0 && has != 1))
    throw Error("invalid random-number-generator state '" + text + "'");
  if (rng.s_[0] == 0 && rng.s_[1] == 0 && rng.s_[2] == 0 && rng.s_[3] == 0)
    throw Error("invalid random-number-generator state (all zero)");
  rng.has_cached_ = has == 1;
  std::memcpy(&rng.cached_, &bits, sizeof bits);
  return rng;
}

}  // namespace slhmc
