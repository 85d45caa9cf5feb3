// Embedded-atom method tables: the three LAMMPS file formats and LAMMPS's own
// interpolation of them.
//
//   E = Σ_i F_a(ρ_i) + ½ Σ_i Σ_{j≠i} φ_ab(r_ij),   ρ_i = Σ_{j≠i} ρ_{a←b}(r_ij)
//
// with a the element of atom i and b that of j. The formats (LAMMPS pair_eam):
//   funcfl  `pair_style eam`        one element; F(ρ), effective charge Z(r), ρ(r);
//                                   φ(r) = 27.2·0.529·Z(r)²/r (LAMMPS's constants, Hartree·Bohr → eV·Å)
//   setfl   `pair_style eam/alloy`  n elements; F_a(ρ), ρ_a(r) (the density a neighbour of
//                                   element a contributes, whatever the centre), r·φ_ab(r) for a ≥ b
//   fs      `pair_style eam/fs`     Finnis–Sinclair: like setfl, but n densities per element:
//                                   block of element b, function a = ρ_{a←b}, the density that a
//                                   neighbour of element b contributes to a centre of element a
// Energies in eV, distances in Å, densities in the file's own (arbitrary) unit.
//
// Exact agreement with LAMMPS needs LAMMPS's interpolation, not just any
// spline: every tabulated function becomes per-interval cubics in
// p = r/Δ − (m−1) whose knot slopes come from a fixed finite-difference stencil
// (one-sided at the two ends, central 3-point next to them, 5-point inside). A
// funcfl file is first re-tabulated by 4-point Lagrange interpolation onto a
// grid with one point fewer (LAMMPS's common grid for several funcfl files).
// Lookups clamp to the last interval (values beyond the table are held at the
// last knot; r is cut at the file's cutoff), and F is extended linearly beyond
// ρ_max, all as LAMMPS does. See EamTables for the exact rules.
//
// Two LAMMPS behaviours are kept although forces there are not exactly −∇E:
// a file whose cutoff lies beyond its last r knot (Cu_zhou.eam.alloy: 9.0375 vs
// 9.0366 Å) holds value and slope of the last knot out to the cutoff; and a
// funcfl table, one knot shorter after re-tabulation, holds F between its last
// knot and ρ_max = (Nrho−1)·drho of the file (linear only beyond ρ_max).
// Both matter only at the very edge of the tables.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace slhmc {

enum class EamFormat { funcfl, setfl, fs };

// "funcfl" | "setfl" | "fs" → format; throws Error otherwise.
EamFormat eam_format_from_name(const std::string& name);
const char* eam_format_name(EamFormat format);
// From the file name: *.eam → funcfl, *.eam.alloy → setfl, *.eam.fs → fs; throws Error otherwise.
EamFormat guess_eam_format(const std::string& path);

// The content of one EAM file, as tabulated (no interpolation yet).
// Grids: ρ_k = k·drho (k = 0..nrho−1), r_k = k·dr (k = 0..nr−1).
struct EamFileData {
  EamFormat format = EamFormat::setfl;
  std::vector<std::string> elements;  // symbols in file order (funcfl: from the atomic number)
  std::vector<int> atomic_numbers;    // per element, as given in the file (0 if not given)
  std::vector<double> masses;         // per element, amu
  int nrho = 0;
  double drho = 0.0;
  int nr = 0;
  double dr = 0.0;    // Å
  double cutoff = 0.0;  // Å
  // embedding[a][k] = F_a(k·drho), eV.
  std::vector<std::vector<double>> embedding;
  // setfl/funcfl: density[a][k] = ρ_a(k·dr); fs: density[b·n + a][k] = ρ_{a←b}(k·dr)
  // (the file's order: element b's block, function a).
  std::vector<std::vector<double>> density;
  // setfl/fs: rphi[a(a+1)/2 + b][k] = r·φ_ab at r = k·dr for a ≥ b, eV·Å. Empty for funcfl.
  std::vector<std::vector<double>> rphi;
  // funcfl only: charge[k] = Z(k·dr), in √(Hartree·Bohr).
  std::vector<double> charge;
};

// Parses the text of an EAM file; `source` names it in errors (ParseError with
// the line and what was expected). Blank lines and '#' comments after the
// header comment lines are skipped, as LAMMPS does.
EamFileData parse_eam(const std::string& text, const std::string& source, EamFormat format);
// Reads and parses a file; throws Error if it cannot be read.
EamFileData read_eam_file(const std::string& path, EamFormat format);

// One interval [m, m+1] of a LAMMPS EAM spline, padded to a cache line. With
// p ∈ [0, 1] the fractional position in the interval:
//   value(p)       = ((v3·p + v2)·p + v1)·p + v0
//   derivative(p)  = (d2·p + d1)·p + d0        (per unit of the argument, i.e. already /Δ)
struct alignas(64) EamKnot {
  double d2, d1, d0;  // LAMMPS coefficients 0, 1, 2
  double v3, v2, v1, v0;  // LAMMPS coefficients 3, 4, 5, 6
  double unused;

  double value(double p) const { return ((v3 * p + v2) * p + v1) * p + v0; }
  double derivative(double p) const { return (d2 * p + d1) * p + d0; }
};

// LAMMPS's conversion of n ≥ 5 equally spaced values f (spacing delta) into n
// knots (the last one has zero cubic and quadratic terms; it is reached only as
// the end point p = 1 of interval n−2). Throws Error for n < 5 or delta ≤ 0.
std::vector<EamKnot> eam_spline(const std::vector<double>& f, double delta);

// The splined functions of one potential, ready for evaluation, laid out
// contiguously: function q's knots are [q·n, (q+1)·n) of their array.
struct EamTables {
  EamFormat format = EamFormat::setfl;
  std::vector<std::string> elements;
  std::vector<int> atomic_numbers;  // per element, from the symbol (0 if not an element name)
  std::vector<double> masses;
  int nrho = 0;        // knots per embedding function
  double drho = 0.0, rdrho = 0.0;
  double rhomax = 0.0;  // beyond it F(ρ) = F(end) + F'(end)·(ρ − rhomax) (LAMMPS)
  int nr = 0;          // knots per radial function
  double dr = 0.0, rdr = 0.0;  // Å, 1/Å
  double cutoff = 0.0;          // Å; pairs interact for r < cutoff (strictly)
  std::vector<EamKnot> embedding;  // [a·nrho + m]
  std::vector<EamKnot> density;    // [q·nr + m]
  std::vector<EamKnot> rphi;       // [q·nr + m], r·φ
  // density_index[a·n + b]: function q giving the density at an atom of element a
  // from a neighbour of element b. pair_index[a·n + b] = pair_index[b·n + a].
  std::vector<int> density_index;
  std::vector<int> pair_index;

  std::size_t num_elements() const { return elements.size(); }

  // LAMMPS's grid lookup of x on n knots with inverse spacing rdx: interval m
  // (0-based, ≤ n − 2) and p ∈ [0, 1] (held at 1 beyond the table; negative
  // below 0, extrapolating the first cubic). LAMMPS's arithmetic, without its
  // undefined int conversion of huge or NaN arguments (NaN → interval 0).
  static void locate(double x, double rdx, int n, int& m, double& p) {
    p = x * rdx + 1.0;
    m = (p >= n - 1) ? n - 1 : (p >= 1.0 ? static_cast<int>(p) : 1);
    p -= m;
    if (p > 1.0) p = 1.0;
    m -= 1;
  }
  // Lookup of a distance r ≥ 0 (r < cutoff).
  void locate_r(double r, int& m, double& p) const { locate(r, rdr, nr, m, p); }
  // Lookup of a density (any sign).
  void locate_rho(double rho, int& m, double& p) const { locate(rho, rdrho, nrho, m, p); }
  // F_a(ρ) in eV and F'_a(ρ), with LAMMPS's linear extension beyond rhomax.
  double embed(int a, double rho, double& dF) const {
    int m;
    double p;
    locate_rho(rho, m, p);
    const EamKnot& k = embedding[static_cast<std::size_t>(a) * nrho + m];
    dF = k.derivative(p);
    double F = k.value(p);
    if (rho > rhomax) F += dF * (rho - rhomax);
    return F;
  }
};

// Splines a file's functions as LAMMPS does (funcfl: after re-tabulation onto
// LAMMPS's common grid). Element symbols must be known elements; throws Error
// naming the file otherwise, or if the grid is too small (< 5 knots).
EamTables make_eam_tables(const EamFileData& data, const std::string& source);

}  // namespace slhmc
