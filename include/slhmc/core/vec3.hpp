// Small fixed-size vector and matrix types used everywhere: Vec3 (a point or
// displacement in Å) and Mat3 (row-major 3×3; for cells the rows are the
// lattice vectors). Plain aggregates so that they copy and compare cheaply.
#pragma once

#include <array>
#include <cmath>

namespace slhmc {

using Vec3 = std::array<double, 3>;
using Mat3 = std::array<Vec3, 3>;  // m[row][col]

inline Vec3 operator+(const Vec3& a, const Vec3& b) { return {a[0] + b[0], a[1] + b[1], a[2] + b[2]}; }
inline Vec3 operator-(const Vec3& a, const Vec3& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
inline Vec3 operator-(const Vec3& a) { return {-a[0], -a[1], -a[2]}; }
inline Vec3 operator*(double s, const Vec3& a) { return {s * a[0], s * a[1], s * a[2]}; }
inline Vec3 operator*(const Vec3& a, double s) { return {s * a[0], s * a[1], s * a[2]}; }
inline Vec3& operator+=(Vec3& a, const Vec3& b) {
  a[0] += b[0]; a[1] += b[1]; a[2] += b[2];
  return a;
}
inline Vec3& operator-=(Vec3& a, const Vec3& b) {
  a[0] -= b[0]; a[1] -= b[1]; a[2] -= b[2];
  return a;
}
inline Vec3& operator*=(Vec3& a, double s) {
  a[0] *= s; a[1] *= s; a[2] *= s;
  return a;
}
inline double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
inline Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}
inline double norm2(const Vec3& a) { return dot(a, a); }
inline double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

inline Mat3 zero_mat3() { return Mat3{}; }
inline Mat3 identity_mat3() { return Mat3{Vec3{1, 0, 0}, Vec3{0, 1, 0}, Vec3{0, 0, 1}}; }
inline Mat3 transpose(const Mat3& m) {
  return Mat3{Vec3{m[0][0], m[1][0], m[2][0]}, Vec3{m[0][1], m[1][1], m[2][1]},
              Vec3{m[0][2], m[1][2], m[2][2]}};
}
inline Mat3 operator*(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k) c[i][j] += a[i][k] * b[k][j];
  return c;
}
inline Mat3 operator+(const Mat3& a, const Mat3& b) {
  Mat3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c[i][j] = a[i][j] + b[i][j];
  return c;
}
inline Mat3 operator*(double s, const Mat3& a) {
  Mat3 c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) c[i][j] = s * a[i][j];
  return c;
}
inline Mat3& operator+=(Mat3& a, const Mat3& b) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) a[i][j] += b[i][j];
  return a;
}
// Matrix times column vector.
inline Vec3 operator*(const Mat3& m, const Vec3& v) { return {dot(m[0], v), dot(m[1], v), dot(m[2], v)}; }
// Row vector times matrix (v^T m): with m = cell rows, s*A gives Cartesian of fractional s.
inline Vec3 row_times(const Vec3& v, const Mat3& m) {
  return {v[0] * m[0][0] + v[1] * m[1][0] + v[2] * m[2][0], v[0] * m[0][1] + v[1] * m[1][1] + v[2] * m[2][1],
          v[0] * m[0][2] + v[1] * m[1][2] + v[2] * m[2][2]};
}
inline Mat3 outer(const Vec3& a, const Vec3& b) {
  Mat3 m{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m[i][j] = a[i] * b[j];
  return m;
}
inline double determinant(const Mat3& m) { return dot(m[0], cross(m[1], m[2])); }
// Inverse of a 3×3 matrix; the caller checks that the determinant is not zero.
inline Mat3 inverse(const Mat3& m) {
  const double det = determinant(m);
  const Vec3 c0 = cross(m[1], m[2]), c1 = cross(m[2], m[0]), c2 = cross(m[0], m[1]);
  // inverse = [c0 c1 c2] (as columns) / det
  return Mat3{Vec3{c0[0] / det, c1[0] / det, c2[0] / det}, Vec3{c0[1] / det, c1[1] / det, c2[1] / det},
              Vec3{c0[2] / det, c1[2] / det, c2[2] / det}};
}
inline double trace(const Mat3& m) { return m[0][0] + m[1][1] + m[2][2]; }

}  // namespace slhmc
