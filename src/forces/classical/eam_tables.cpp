// Reading the three LAMMPS EAM formats (funcfl, setfl, fs) and splining them
// with LAMMPS's interpolation scheme. Depends on core only (the fuzz target
// compiles this file on its own).
#include "slhmc/forces/classical/eam_tables.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc {

EamFormat eam_format_from_name(const std::string& name) {
  if (name == "funcfl") return EamFormat::funcfl;
  if (name == "setfl") return EamFormat::setfl;
  if (name == "fs") return EamFormat::fs;
  throw Error("unknown EAM format '" + name + "' (expected funcfl, setfl or fs)");
}

const char* eam_format_name(EamFormat format) {
  switch (format) {
    case EamFormat::funcfl: return "funcfl";
    case EamFormat::setfl: return "setfl";
    case EamFormat::fs: return "fs";
  }
  return "?";
}

EamFormat guess_eam_format(const std::string& path) {
  auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".eam.alloy")) return EamFormat::setfl;
  if (ends_with(".eam.fs")) return EamFormat::fs;
  if (ends_with(".eam")) return EamFormat::funcfl;
  throw Error("cannot tell the EAM format of '" + path +
              "' from its name (expected *.eam, *.eam.alloy or *.eam.fs); give format = \"funcfl\"|\"setfl\"|\"fs\"");
}

namespace {

// Line-by-line tokenizer that knows the 1-based line number for errors.
class LineReader {
 public:
  LineReader(const std::string& text, const std::string& source) : text_(text), source_(source) {}

  [[noreturn]] void fail(const std::string& message) const { throw ParseError(source_, line_, message); }

  // Skips one raw line (the comment lines at the top of a file).
  void skip_line(const std::string& what) {
    std::string dummy;
    if (!raw_line(dummy)) fail("unexpected end of file, expected " + what);
  }

  // The next line with any tokens ('#' starts a comment); throws at the end of the text.
  std::vector<std::string> tokens(const std::string& what) {
    std::vector<std::string> out;
    if (!next_tokens(out)) fail("unexpected end of file, expected " + what);
    return out;
  }
  bool at_end() {
    std::vector<std::string> out;
    return !next_tokens(out);
  }

  // Reads exactly n values, several to a line; a block must end at a line end
  // (LAMMPS would silently drop the rest of that line).
  void values(std::vector<double>& out, long n, const std::string& what) {
    out.clear();
    // Never reserve more than the text could hold (every value needs ≥ 2 characters).
    out.reserve(static_cast<std::size_t>(std::min<long>(n, static_cast<long>(text_.size() / 2 + 1))));
    std::vector<std::string> toks;
    while (static_cast<long>(out.size()) < n) {
      if (!next_tokens(toks))
        fail("unexpected end of file in " + what + ": got " + std::to_string(out.size()) + " of " +
             std::to_string(n) + " values");
      if (static_cast<long>(out.size() + toks.size()) > n)
        fail(what + ": the line holds values beyond the " + std::to_string(n) +
             " expected (wrong format or wrong counts in the header?)");
      for (const auto& t : toks) out.push_back(to_double(t, what));
    }
  }

  double to_double(const std::string& token, const std::string& what) const {
    errno = 0;
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end != '\0') fail(what + ": expected a number, got '" + token + "'");
    if (!std::isfinite(v)) fail(what + ": value '" + token + "' is not finite");
    return v;
  }
  long to_long(const std::string& token, const std::string& what) const {
    errno = 0;
    char* end = nullptr;
    const long v = std::strtol(token.c_str(), &end, 10);
    if (end == token.c_str() || *end != '\0' || errno == ERANGE)
      fail(what + ": expected an integer, got '" + token + "'");
    return v;
  }

 private:
  bool raw_line(std::string& out) {
    if (pos_ >= text_.size()) return false;
    std::size_t end = text_.find('\n', pos_);
    if (end == std::string::npos) end = text_.size();
    out.assign(text_, pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    return true;
  }
  bool next_tokens(std::vector<std::string>& out) {
    std::string line;
    while (raw_line(line)) {
      const std::size_t hash = line.find('#');
      if (hash != std::string::npos) line.resize(hash);
      out.clear();
      std::size_t i = 0;
      while (i < line.size()) {
        while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
        std::size_t j = i;
        while (j < line.size() && !std::isspace(static_cast<unsigned char>(line[j]))) ++j;
        if (j > i) out.emplace_back(line, i, j - i);
        i = j;
      }
      if (!out.empty()) return true;
    }
    return false;
  }

  const std::string& text_;
  std::string source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 0;
};

// "nrho drho nr dr cutoff".
void read_grid(LineReader& in, EamFileData& d) {
  const auto t = in.tokens("the grid line 'Nrho drho Nr dr cutoff'");
  if (t.size() < 5) in.fail("expected 'Nrho drho Nr dr cutoff', got " + std::to_string(t.size()) + " values");
  const long nrho = in.to_long(t[0], "Nrho");
  d.drho = in.to_double(t[1], "drho");
  const long nr = in.to_long(t[2], "Nr");
  d.dr = in.to_double(t[3], "dr");
  d.cutoff = in.to_double(t[4], "cutoff");
  constexpr long kMaxPoints = 100'000'000;
  if (nrho < 1 || nrho > kMaxPoints) in.fail("Nrho must be in 1.." + std::to_string(kMaxPoints) + ", got " + t[0]);
  if (nr < 1 || nr > kMaxPoints) in.fail("Nr must be in 1.." + std::to_string(kMaxPoints) + ", got " + t[2]);
  if (!(d.drho > 0)) in.fail("drho must be positive, got " + t[1]);
  if (!(d.dr > 0)) in.fail("dr must be positive, got " + t[3]);
  if (!(d.cutoff > 0)) in.fail("cutoff must be positive, got " + t[4]);
  // The lookups index the grid with an int: keep cutoff/dr well inside its range.
  if (d.cutoff / d.dr > 1e9) in.fail("cutoff/dr is too large (" + t[4] + "/" + t[3] + ")");
  d.nrho = static_cast<int>(nrho);
  d.nr = static_cast<int>(nr);
}

// "Z mass [lattice-constant lattice-type]"; LAMMPS uses only the mass.
void read_element_line(LineReader& in, EamFileData& d, const std::string& what) {
  const auto t = in.tokens(what);
  if (t.size() < 2) in.fail(what + ": expected 'atomic-number mass [lattice-constant lattice-type]'");
  d.atomic_numbers.push_back(static_cast<int>(std::clamp<long>(in.to_long(t[0], what + " atomic number"), -1, 1000)));
  d.masses.push_back(in.to_double(t[1], what + " mass"));
}

void parse_funcfl(LineReader& in, EamFileData& d) {
  in.skip_line("the comment line");
  read_element_line(in, d, "the element line");
  const int z = d.atomic_numbers[0];
  d.elements.push_back(z >= 1 && z <= kMaxAtomicNumber ? element_symbol(z) : std::to_string(z));
  read_grid(in, d);
  d.embedding.resize(1);
  d.density.resize(1);
  in.values(d.embedding[0], d.nrho, "F(rho)");
  in.values(d.charge, d.nr, "Z(r)");
  in.values(d.density[0], d.nr, "rho(r)");
}

void parse_multi(LineReader& in, EamFileData& d) {
  for (int i = 0; i < 3; ++i) in.skip_line("three comment lines");
  const auto t = in.tokens("the elements line 'N El1 El2 ...'");
  const long n = in.to_long(t[0], "number of elements");
  if (n < 1 || static_cast<long>(t.size()) != n + 1)
    in.fail("expected 'N El1 ... ElN' with N ≥ 1 names, got '" + t[0] + "' and " + std::to_string(t.size() - 1) +
            " names");
  d.elements.assign(t.begin() + 1, t.end());
  read_grid(in, d);
  const bool fs = d.format == EamFormat::fs;
  d.embedding.resize(n);
  d.density.resize(fs ? n * n : n);
  for (long a = 0; a < n; ++a) {
    const std::string el = "element " + d.elements[a];
    read_element_line(in, d, "the header line of " + el);
    in.values(d.embedding[a], d.nrho, "F(rho) of " + el);
    if (fs) {
      for (long b = 0; b < n; ++b)
        in.values(d.density[a * n + b], d.nr, "rho(r) of " + el + " for " + d.elements[b]);
    } else {
      in.values(d.density[a], d.nr, "rho(r) of " + el);
    }
  }
  d.rphi.resize(n * (n + 1) / 2);
  for (long a = 0; a < n; ++a)
    for (long b = 0; b <= a; ++b)
      in.values(d.rphi[a * (a + 1) / 2 + b], d.nr, "r*phi(r) of " + d.elements[a] + "-" + d.elements[b]);
}

}  // namespace

EamFileData parse_eam(const std::string& text, const std::string& source, EamFormat format) {
  LineReader in(text, source);
  EamFileData d;
  d.format = format;
  if (format == EamFormat::funcfl)
    parse_funcfl(in, d);
  else
    parse_multi(in, d);
  if (!in.at_end())
    in.fail(std::string("unexpected content after the last table (is this really a ") + eam_format_name(format) +
            " file?)");
  return d;
}

EamFileData read_eam_file(const std::string& path, EamFormat format) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error("cannot open EAM potential file '" + path + "'");
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) throw Error("cannot read EAM potential file '" + path + "'");
  return parse_eam(buffer.str(), path, format);
}

std::vector<EamKnot> eam_spline(const std::vector<double>& f, double delta) {
  const std::size_t n = f.size();
  if (n < 5) throw Error("EAM spline needs at least 5 points, got " + std::to_string(n));
  if (!(delta > 0)) throw Error("EAM spline needs a positive spacing");
  // Knot slopes in units of the spacing (LAMMPS coefficient 5): one-sided at
  // the ends, 3-point next to them, 5-point inside. The operation order is
  // LAMMPS's, so that the coefficients agree to the last bit.
  std::vector<double> s(n);
  s[0] = f[1] - f[0];
  s[1] = 0.5 * (f[2] - f[0]);
  s[n - 2] = 0.5 * (f[n - 1] - f[n - 3]);
  s[n - 1] = f[n - 1] - f[n - 2];
  for (std::size_t m = 2; m + 2 < n; ++m) s[m] = ((f[m - 2] - f[m + 2]) + 8.0 * (f[m + 1] - f[m - 1])) / 12.0;

  std::vector<EamKnot> k(n);
  for (std::size_t m = 0; m < n; ++m) {
    k[m].v0 = f[m];
    k[m].v1 = s[m];
    // Hermite cubic through (f_m, s_m) and (f_{m+1}, s_{m+1}); the last knot is a bare end point.
    if (m + 1 < n) {
      k[m].v2 = 3.0 * (f[m + 1] - f[m]) - 2.0 * s[m] - s[m + 1];
      k[m].v3 = s[m] + s[m + 1] - 2.0 * (f[m + 1] - f[m]);
    } else {
      k[m].v2 = 0.0;
      k[m].v3 = 0.0;
    }
    k[m].d0 = k[m].v1 / delta;
    k[m].d1 = 2.0 * k[m].v2 / delta;
    k[m].d2 = 3.0 * k[m].v3 / delta;
    k[m].unused = 0.0;
  }
  return k;
}

namespace {

// LAMMPS's re-tabulation of a funcfl function (1-based file values g[1..n] =
// g0[0..n−1], spacing dx) at x = (m−1)·step, m = 1..count: 4-point Lagrange
// interpolation on the points k−1..k+2 with k clamped to 2..n−2.
std::vector<double> regrid(const std::vector<double>& g0, double dx, double step, int count) {
  const int n = static_cast<int>(g0.size());
  const double sixth = 1.0 / 6.0;
  std::vector<double> out(count);
  for (int m = 1; m <= count; ++m) {
    const double x = (m - 1) * step;
    double p = x / dx + 1.0;
    int k = static_cast<int>(p);
    k = std::max(std::min(k, n - 2), 2);
    p -= k;
    p = std::min(p, 2.0);
    const double c1 = -sixth * p * (p - 1.0) * (p - 2.0);
    const double c2 = 0.5 * (p * p - 1.0) * (p - 2.0);
    const double c3 = -0.5 * p * (p + 1.0) * (p - 2.0);
    const double c4 = sixth * p * (p * p - 1.0);
    // g[k−1] is g0[k−2] in 0-based terms.
    out[m - 1] = c1 * g0[k - 2] + c2 * g0[k - 1] + c3 * g0[k] + c4 * g0[k + 1];
  }
  return out;
}

void append(std::vector<EamKnot>& to, const std::vector<double>& f, double delta) {
  const auto k = eam_spline(f, delta);
  to.insert(to.end(), k.begin(), k.end());
}

}  // namespace

EamTables make_eam_tables(const EamFileData& data, const std::string& source) {
  EamTables t;
  t.format = data.format;
  t.elements = data.elements;
  t.masses = data.masses;
  const std::size_t n = data.elements.size();
  if (n == 0) throw Error(source + ": EAM file has no elements");
  for (const auto& el : data.elements) {
    const int z = atomic_number_or_zero(el);
    if (z == 0) throw Error(source + ": EAM element '" + el + "' is not a chemical element symbol");
    for (int other : t.atomic_numbers)
      if (other == z) throw Error(source + ": EAM element '" + el + "' appears twice");
    t.atomic_numbers.push_back(z);
  }
  t.cutoff = data.cutoff;

  if (data.format == EamFormat::funcfl) {
    // LAMMPS's common grid for funcfl files: spacing of the file, extent
    // (n−1)·Δ, hence round((n−1)·Δ/Δ) = n−1 points — one fewer than the file.
    if (data.nrho < 6 || data.nr < 6)
      throw Error(source + ": funcfl tables need at least 6 points (Nrho = " + std::to_string(data.nrho) +
                  ", Nr = " + std::to_string(data.nr) + ")");
    t.dr = data.dr;
    t.drho = data.drho;
    const double rmax = (data.nr - 1) * data.dr;
    t.rhomax = (data.nrho - 1) * data.drho;
    t.nr = static_cast<int>(rmax / t.dr + 0.5);
    t.nrho = static_cast<int>(t.rhomax / t.drho + 0.5);
    const auto F = regrid(data.embedding[0], data.drho, t.drho, t.nrho);
    const auto rho = regrid(data.density[0], data.dr, t.dr, t.nr);
    auto z2r = regrid(data.charge, data.dr, t.dr, t.nr);
    // r·φ = 27.2·0.529·Z_i·Z_j with LAMMPS's rounded Hartree and Bohr (the two
    // interpolated charges are the same function for one file).
    for (auto& z : z2r) z = 27.2 * 0.529 * z * z;
    append(t.embedding, F, t.drho);
    append(t.density, rho, t.dr);
    append(t.rphi, z2r, t.dr);
    t.density_index = {0};
    t.pair_index = {0};
  } else {
    if (data.nrho < 5 || data.nr < 5)
      throw Error(source + ": EAM tables need at least 5 points (Nrho = " + std::to_string(data.nrho) +
                  ", Nr = " + std::to_string(data.nr) + ")");
    t.nrho = data.nrho;
    t.drho = data.drho;
    t.nr = data.nr;
    t.dr = data.dr;
    t.rhomax = (t.nrho - 1) * t.drho;
    for (const auto& f : data.embedding) append(t.embedding, f, t.drho);
    for (const auto& f : data.density) append(t.density, f, t.dr);
    for (const auto& f : data.rphi) append(t.rphi, f, t.dr);
    t.density_index.resize(n * n);
    t.pair_index.resize(n * n);
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b < n; ++b) {
        // setfl: a neighbour of element b contributes ρ_b whatever the centre;
        // fs: the file's block b, function a.
        t.density_index[a * n + b] = static_cast<int>(data.format == EamFormat::fs ? b * n + a : b);
        const std::size_t hi = std::max(a, b), lo = std::min(a, b);
        t.pair_index[a * n + b] = static_cast<int>(hi * (hi + 1) / 2 + lo);
      }
  }
  t.rdr = 1.0 / t.dr;
  t.rdrho = 1.0 / t.drho;
  return t;
}

}  // namespace slhmc
