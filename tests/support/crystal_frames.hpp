// Test structures for the classical potentials: crystals (diamond/zincblende,
// fcc), sheared triclinic copies, random perturbations. Header-only.
#pragma once

#include <random>
#include <vector>

#include "slhmc/core/cell.hpp"
#include "slhmc/core/frame.hpp"

namespace slhmc::test {

// n×n×n conventional cubic cells of diamond (z1 = z2) or zincblende (z1 on
// the fcc sites, z2 on the shifted ones); lattice constant a in Å.
inline Frame diamond_frame(double a, int n, int z1, int z2) {
  static const double base[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  Frame f;
  f.cell = Cell::orthorhombic(a * n, a * n, a * n);
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < n; ++y)
      for (int z = 0; z < n; ++z)
        for (const auto& b : base) {
          const Vec3 r{(x + b[0]) * a, (y + b[1]) * a, (z + b[2]) * a};
          f.add_atom(z1, r);
          f.add_atom(z2, r + Vec3{0.25 * a, 0.25 * a, 0.25 * a});
        }
  return f;
}

// The 2-atom primitive cell of diamond/zincblende (cell vectors a/√2 long).
inline Frame diamond_primitive(double a, int z1, int z2) {
  Frame f;
  f.cell = Cell(Mat3{Vec3{0, 0.5 * a, 0.5 * a}, Vec3{0.5 * a, 0, 0.5 * a}, Vec3{0.5 * a, 0.5 * a, 0}}, {true, true, true});
  f.add_atom(z1, Vec3{0, 0, 0});
  f.add_atom(z2, Vec3{0.25 * a, 0.25 * a, 0.25 * a});
  return f;
}

// n×n×n conventional cells of fcc; species alternate over the 4 basis sites
// when two are given.
inline Frame fcc_frame(double a, int n, int z1, int z2) {
  static const double base[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
  Frame f;
  f.cell = Cell::orthorhombic(a * n, a * n, a * n);
  for (int x = 0; x < n; ++x)
    for (int y = 0; y < n; ++y)
      for (int z = 0; z < n; ++z)
        for (int k = 0; k < 4; ++k)
          f.add_atom(k % 2 == 0 ? z1 : z2, Vec3{(x + base[k][0]) * a, (y + base[k][1]) * a, (z + base[k][2]) * a});
  return f;
}

// The frame deformed by r → (I + strain) r, cell included (a general triclinic
// cell for an asymmetric strain).
inline Frame strained(Frame f, const Mat3& strain) {
  const Mat3 m = identity_mat3() + strain;
  for (auto& r : f.positions) r = m * r;
  f.cell = f.cell.deformed(strain);
  return f;
}

// Displaces every atom by a uniform random vector in [−amplitude, amplitude]³.
inline Frame perturbed(Frame f, double amplitude, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(-amplitude, amplitude);
  for (auto& r : f.positions)
    for (double& v : r) v += u(gen);
  return f;
}

// A fixed, fairly strong triclinic shear with some stretch.
inline Mat3 triclinic_strain() {
  return Mat3{Vec3{0.03, 0.12, -0.07}, Vec3{-0.05, -0.02, 0.09}, Vec3{0.08, 0.04, 0.01}};
}

}  // namespace slhmc::test
