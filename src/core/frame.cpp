// Frame helpers.
#include "slhmc/core/frame.hpp"

#include <cmath>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc {

void Frame::add_atom(int z, const Vec3& position) {
  numbers.push_back(z);
  positions.push_back(position);
  masses.push_back(standard_mass(z));
}

void Frame::validate() const {
  const std::size_t n = positions.size();
  if (numbers.size() != n || masses.size() != n)
    throw Error("frame has " + std::to_string(n) + " positions, " + std::to_string(numbers.size()) +
                " atomic numbers and " + std::to_string(masses.size()) + " masses");
  for (std::size_t i = 0; i < n; ++i) {
    if (numbers[i] < 1 || numbers[i] > kMaxAtomicNumber)
      throw Error("atom " + std::to_string(i) + " has invalid atomic number " + std::to_string(numbers[i]));
    if (!(masses[i] > 0) || !std::isfinite(masses[i]))
      throw Error("atom " + std::to_string(i) + " has invalid mass");
    for (double x : positions[i])
      if (!std::isfinite(x)) throw Error("atom " + std::to_string(i) + " has a non-finite coordinate");
  }
}

}  // namespace slhmc
