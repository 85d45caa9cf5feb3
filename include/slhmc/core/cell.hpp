// The simulation cell: lattice vectors, periodicity, and everything that
// depends on boundary conditions (fractional coordinates, wrapping, minimum
// image). All periodic-boundary logic of slhmc lives here.
#pragma once

#include <array>

#include "slhmc/core/vec3.hpp"

namespace slhmc {

using Pbc = std::array<bool, 3>;

class Cell {
 public:
  // No cell at all: an isolated cluster (all directions non-periodic, zero matrix).
  Cell() = default;
  // Lattice vectors as the rows of `rows` (Å). A periodic direction needs a
  // non-zero vector and the three vectors must be linearly independent when
  // any direction is periodic; otherwise Error is thrown.
  Cell(const Mat3& rows, Pbc pbc);
  static Cell orthorhombic(double a, double b, double c, Pbc pbc = {true, true, true});

  const Mat3& matrix() const { return rows_; }
  const Pbc& pbc() const { return pbc_; }
  bool periodic(int dim) const { return pbc_[dim]; }
  bool any_periodic() const { return pbc_[0] || pbc_[1] || pbc_[2]; }
  bool fully_periodic() const { return pbc_[0] && pbc_[1] && pbc_[2]; }
  // True if the three vectors span space (fractional coordinates exist).
  bool is_invertible() const { return invertible_; }

  // |det|, Å³ (0 for a cell without a matrix).
  double volume() const;
  // Distance between the two lattice planes spanned by the other two vectors,
  // for each direction (Å): the cell's width perpendicular to those planes.
  Vec3 heights() const;

  // Fractional coordinates s with r = s·A (A = rows). Requires is_invertible().
  Vec3 to_fractional(const Vec3& r) const;
  Vec3 to_cartesian(const Vec3& s) const { return row_times(s, rows_); }
  // Cartesian position of integer image n: n·A.
  Vec3 image_shift(const std::array<int, 3>& n) const;

  // Wraps r into the cell along periodic directions (fractional in [0,1)).
  Vec3 wrap(const Vec3& r) const;
  // Shortest image of a displacement d among all lattice translations of the
  // periodic directions (exact for any cell shape, also strongly skewed ones).
  Vec3 minimum_image(const Vec3& d) const;

  // The same periodicity with lattice vectors A·(I + ε)ᵀ, i.e. every
  // Cartesian point r (column) maps to (I + ε) r.
  Cell deformed(const Mat3& strain) const;
  // Isotropically scaled so that the volume changes by factor `volume_factor`.
  Cell scaled_volume(double volume_factor) const;

  bool operator==(const Cell& other) const { return rows_ == other.rows_ && pbc_ == other.pbc_; }

 private:
  Mat3 rows_{};
  Mat3 inverse_{};  // inverse of rows_ (valid when invertible_)
  Pbc pbc_{false, false, false};
  bool invertible_ = false;
};

}  // namespace slhmc
