// Synthetic EAM files for the unit tests: smooth analytic functions written in
// the three LAMMPS formats, so that the tests need no LAMMPS installation.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace slhmc::test {

// Density of a neighbour of element b seen by a centre of element a (a = b = 0 for one element).
inline double synthetic_density(int a, int b, double r, double rc) {
  if (r >= rc) return 0.0;
  const double s = 1.0 - r / rc;
  return (1.0 + 0.3 * b + 0.1 * a) * std::exp(-1.2 * r) * s * s * s;
}
inline double synthetic_embedding(int a, double rho) {
  const double rho0 = 0.6 + 0.2 * a;
  return (2.0 + 0.5 * a) * (rho / rho0) * (rho / rho0 - 2.0);
}
inline double synthetic_rphi(int a, int b, double r, double rc) {
  if (r >= rc) return 0.0;
  const double s = 1.0 - r / rc;
  const double re = 2.5 + 0.1 * (a + b), alpha = 1.6;
  const double e = std::exp(-alpha * (r - re));
  return r * 0.4 * (e * e - 2.0 * e) * s * s * s;
}

inline void append_values(std::string& out, const std::vector<double>& v) {
  char buf[40];
  for (std::size_t k = 0; k < v.size(); ++k) {
    std::snprintf(buf, sizeof buf, "%.16e", v[k]);
    out += buf;
    out += (k % 5 == 4 || k + 1 == v.size()) ? "\n" : " ";
  }
}

struct SyntheticGrid {
  int nrho = 400;
  double drho = 0.01;
  int nr = 600;
  double dr = 0.01;
  double cutoff = 5.5;
};

// setfl (fs = false) or Finnis–Sinclair (fs = true) text for the given element symbols.
inline std::string synthetic_multi(const std::vector<std::string>& symbols, bool fs, SyntheticGrid g = {}) {
  const int n = static_cast<int>(symbols.size());
  std::string out = "synthetic EAM test file\n# second comment\nthird comment line\n";
  out += std::to_string(n);
  for (const auto& s : symbols) out += "  " + s;
  char buf[200];
  std::snprintf(buf, sizeof buf, "\n%d %.16e %d %.16e %.16e\n", g.nrho, g.drho, g.nr, g.dr, g.cutoff);
  out += buf;
  for (int a = 0; a < n; ++a) {
    out += std::to_string(10 + a) + " " + std::to_string(20.0 + a) + " 3.6 fcc\n";
    std::vector<double> F(g.nrho), rho(g.nr);
    for (int k = 0; k < g.nrho; ++k) F[k] = synthetic_embedding(a, k * g.drho);
    append_values(out, F);
    // fs: block of element a holds, for each centre element c, the density an a-neighbour gives it.
    for (int c = 0; c < (fs ? n : 1); ++c) {
      for (int k = 0; k < g.nr; ++k) rho[k] = synthetic_density(fs ? c : 0, a, k * g.dr, g.cutoff);
      append_values(out, rho);
    }
  }
  for (int a = 0; a < n; ++a)
    for (int b = 0; b <= a; ++b) {
      std::vector<double> z(g.nr);
      for (int k = 0; k < g.nr; ++k) z[k] = synthetic_rphi(a, b, k * g.dr, g.cutoff);
      append_values(out, z);
    }
  return out;
}

// funcfl text (one element, atomic number z): Z(r) chosen so that 27.2·0.529·Z² = r·φ ≥ 0.
inline std::string synthetic_funcfl(int z, SyntheticGrid g = {}) {
  std::string out = "synthetic funcfl file\n";
  char buf[200];
  std::snprintf(buf, sizeof buf, "%d 63.55 3.615 FCC\n%d %.16e %d %.16e %.16e\n", z, g.nrho, g.drho, g.nr, g.dr,
                g.cutoff);
  out += buf;
  std::vector<double> F(g.nrho), Z(g.nr), rho(g.nr);
  for (int k = 0; k < g.nrho; ++k) F[k] = synthetic_embedding(0, k * g.drho);
  for (int k = 0; k < g.nr; ++k) {
    const double r = k * g.dr;
    Z[k] = r < g.cutoff ? 3.0 * std::exp(-1.1 * r) * std::pow(1.0 - r / g.cutoff, 2) : 0.0;
    rho[k] = synthetic_density(0, 0, r, g.cutoff);
  }
  append_values(out, F);
  append_values(out, Z);
  append_values(out, rho);
  return out;
}

}  // namespace slhmc::test
