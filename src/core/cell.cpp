// Cell geometry: fractional coordinates, wrapping and minimum image for
// triclinic cells with any combination of periodic directions.
#include "slhmc/core/cell.hpp"

#include <cmath>
#include <limits>

#include "slhmc/core/error.hpp"

namespace slhmc {

Cell::Cell(const Mat3& rows, Pbc pbc) : rows_(rows), pbc_(pbc) {
  for (const auto& row : rows)
    for (double x : row)
      if (!std::isfinite(x)) throw Error("cell vectors must be finite numbers");
  const double det = determinant(rows_);
  // Relative test: a cell whose vectors are nearly linearly dependent cannot be inverted reliably.
  const double scale = norm(rows_[0]) * norm(rows_[1]) * norm(rows_[2]);
  invertible_ = scale > 0 && std::fabs(det) > 1e-12 * scale;
  if (invertible_) inverse_ = inverse(rows_);
  for (int d = 0; d < 3; ++d)
    if (pbc_[d] && norm2(rows_[d]) == 0.0)
      throw Error("cell vector " + std::to_string(d + 1) + " is zero but the direction is periodic");
  if (any_periodic() && !invertible_)
    throw Error("cell vectors are linearly dependent (volume " + std::to_string(std::fabs(det)) +
                " Å³) but the cell is periodic");
}

Cell Cell::orthorhombic(double a, double b, double c, Pbc pbc) {
  return Cell(Mat3{Vec3{a, 0, 0}, Vec3{0, b, 0}, Vec3{0, 0, c}}, pbc);
}

double Cell::volume() const { return std::fabs(determinant(rows_)); }

Vec3 Cell::heights() const {
  const double v = volume();
  Vec3 h{};
  for (int d = 0; d < 3; ++d) {
    const Vec3 n = cross(rows_[(d + 1) % 3], rows_[(d + 2) % 3]);
    const double area = norm(n);
    h[d] = area > 0 ? v / area : 0.0;
  }
  return h;
}

Vec3 Cell::to_fractional(const Vec3& r) const {
  // s = r·A⁻¹ (row vector times inverse).
  return row_times(r, inverse_);
}

Vec3 Cell::image_shift(const std::array<int, 3>& n) const {
  return row_times(Vec3{double(n[0]), double(n[1]), double(n[2])}, rows_);
}

Vec3 Cell::wrap(const Vec3& r) const {
  if (!any_periodic()) return r;
  Vec3 s = to_fractional(r);
  for (int d = 0; d < 3; ++d) {
    if (!pbc_[d]) continue;
    s[d] -= std::floor(s[d]);
    if (s[d] >= 1.0) s[d] = 0.0;  // floor of a value just below an integer can round up to 1
  }
  return to_cartesian(s);
}

Vec3 Cell::minimum_image(const Vec3& d) const {
  if (!any_periodic()) return d;
  // Reduce to the parallelepiped first, then search the neighbouring images.
  // For a reduced fractional vector the shortest image lies within the range
  // given by the cell heights, which covers strongly skewed cells too.
  Vec3 s = to_fractional(d);
  for (int k = 0; k < 3; ++k)
    if (pbc_[k]) s[k] -= std::round(s[k]);
  const Vec3 base = to_cartesian(s);
  const Vec3 h = heights();
  std::array<int, 3> range{0, 0, 0};
  const double len = norm(base);
  for (int k = 0; k < 3; ++k)
    if (pbc_[k]) range[k] = static_cast<int>(std::ceil(len / h[k])) + 1;
  Vec3 best = base;
  double best2 = norm2(base);
  for (int a = -range[0]; a <= range[0]; ++a)
    for (int b = -range[1]; b <= range[1]; ++b)
      for (int c = -range[2]; c <= range[2]; ++c) {
        const Vec3 cand = base + image_shift({a, b, c});
        const double c2 = norm2(cand);
        if (c2 < best2) {
          best2 = c2;
          best = cand;
        }
      }
  return best;
}

Cell Cell::deformed(const Mat3& strain) const {
  // Rows transform as a ← (I + ε) a, i.e. A' = A (I + ε)ᵀ.
  Mat3 f = identity_mat3() + strain;
  return Cell(rows_ * transpose(f), pbc_);
}

Cell Cell::scaled_volume(double volume_factor) const {
  const double s = std::cbrt(volume_factor);
  return Cell(s * rows_, pbc_);
}

}  // namespace slhmc
