// XSF as aenet reads it: "# total energy = E eV" comment, CRYSTAL (or SLAB /
// POLYMER) with PRIMVEC and PRIMCOORD ("N 1" then atom lines with optional
// force columns), or ATOMS for an isolated structure. One structure per file.
#include <cmath>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc::io_detail {

namespace {

// aenet takes the energy from a line containing "total energy" or "cohesive energy"
// (usually a # comment): the first number after '='.
std::optional<double> energy_from_comment(const std::string& line, const LineReader& reader) {
  const std::string l = lower(line);
  if (l.find("total energy") == std::string::npos && l.find("cohesive energy") == std::string::npos)
    return std::nullopt;
  const auto eq = line.find('=');
  if (eq == std::string::npos) reader.fail("expected '= value' after 'total energy'");
  const auto tokens = split(std::string_view(line).substr(eq + 1));
  if (tokens.empty()) reader.fail("expected a number after 'total energy ='");
  return parse_double(tokens[0], reader, "the total energy");
}

int parse_species(std::string_view token, const LineReader& reader) {
  if (auto z = to_int(token)) {
    if (*z < 1 || *z > kMaxAtomicNumber)
      reader.fail("expected an element symbol or atomic number, got '" + std::string(token) + "'");
    return static_cast<int>(*z);
  }
  return parse_element(token, reader, "the atom");
}

}  // namespace

std::optional<LabelledFrame> read_xsf_frame(LineReader& reader, const ReadOptions&, bool first) {
  if (!first) return std::nullopt;
  LabelledFrame result;
  Frame& frame = result.frame;
  std::optional<Pbc> periodic;  // from CRYSTAL / SLAB / POLYMER / MOLECULE
  std::optional<Mat3> primvec;
  std::size_t primvec_line = 0;
  bool have_atoms = false;
  std::optional<bool> with_forces;
  std::string line;

  // Reads atom lines "symbol x y z [fx fy fz]" until `count` lines (PRIMCOORD) or,
  // with no count (ATOMS), until a blank line, a keyword or the end.
  auto read_atoms = [&](std::optional<std::size_t> count) {
    for (std::size_t i = 0; !count || i < *count; ++i) {
      if (!reader.next(line)) {
        if (!count) break;
        reader.fail("expected " + std::to_string(*count) + " atom lines after PRIMCOORD, the file ends after " +
                    std::to_string(i));
      }
      const auto tokens = split(line);
      const bool keyword_like = !tokens.empty() && tokens.size() == 1 &&
                                std::isalpha(static_cast<unsigned char>(tokens[0][0])) &&
                                atomic_number_or_zero(tokens[0]) == 0;
      if (!count && (tokens.empty() || keyword_like)) {
        reader.unread(line);
        break;
      }
      if (tokens.size() != 4 && tokens.size() != 7)
        reader.fail("expected an atom line 'symbol x y z [fx fy fz]', got " + std::to_string(tokens.size()) +
                    " columns");
      const bool forces = tokens.size() == 7;
      if (with_forces && *with_forces != forces) reader.fail("expected forces on all atom lines or on none");
      with_forces = forces;
      const int z = parse_species(tokens[0], reader);
      Vec3 r{};
      for (int d = 0; d < 3; ++d) r[d] = parse_double(tokens[1 + d], reader, "a coordinate");
      frame.add_atom(z, r);
      if (forces) {
        if (!result.labels.forces) result.labels.forces.emplace();
        Vec3 f{};
        for (int d = 0; d < 3; ++d) f[d] = parse_double(tokens[4 + d], reader, "a force component");
        result.labels.forces->push_back(f);
      }
    }
    have_atoms = true;
  };

  while (reader.next(line)) {
    const auto tokens = split(line);
    if (tokens.empty()) continue;
    if (tokens[0][0] == '#') {
      if (auto e = energy_from_comment(line, reader)) result.labels.energy = *e;
      continue;
    }
    if (auto e = energy_from_comment(line, reader)) {
      result.labels.energy = *e;
      continue;
    }
    const std::string keyword(tokens[0]);
    if (tokens.size() != 1 && keyword != "PRIMCOORD" && keyword != "PRIMVEC" && keyword != "CONVVEC")
      reader.fail("expected an XSF keyword (CRYSTAL, PRIMVEC, PRIMCOORD, ATOMS), got '" + line + "'");
    if (have_atoms) reader.fail("expected the end of the file after the atoms, got '" + line + "'");
    if (keyword == "CRYSTAL" || keyword == "SLAB" || keyword == "POLYMER" || keyword == "MOLECULE") {
      if (periodic) reader.fail("expected one structure type keyword, got a second '" + keyword + "'");
      periodic = keyword == "CRYSTAL" ? Pbc{true, true, true}
                 : keyword == "SLAB"  ? Pbc{true, true, false}
                 : keyword == "POLYMER" ? Pbc{true, false, false}
                                         : Pbc{false, false, false};
    } else if (keyword == "PRIMVEC" || keyword == "CONVVEC") {
      if (!periodic) reader.fail("expected CRYSTAL before " + keyword);
      Mat3 rows{};
      for (int k = 0; k < 3; ++k) {
        if (!reader.next(line)) reader.fail("expected 3 lattice vectors after " + keyword + ", the file ends");
        const auto v = split(line);
        if (v.size() != 3) reader.fail("expected a lattice vector 'x y z', got '" + line + "'");
        for (int d = 0; d < 3; ++d) rows[k][d] = parse_double(v[d], reader, "a lattice vector component");
      }
      if (keyword == "PRIMVEC") {
        if (primvec) reader.fail("expected one PRIMVEC block");
        primvec = rows;
        primvec_line = reader.line();
      }
    } else if (keyword == "PRIMCOORD") {
      if (!periodic) reader.fail("expected CRYSTAL before PRIMCOORD (use ATOMS for an isolated structure)");
      if (!primvec) reader.fail("expected PRIMVEC before PRIMCOORD");
      if (!reader.next(line)) reader.fail("expected the line 'N 1' after PRIMCOORD, the file ends");
      const auto c = split(line);
      if (c.size() != 2) reader.fail("expected the line 'N 1' after PRIMCOORD, got '" + line + "'");
      const long long n = parse_int(c[0], reader, "the atom count");
      if (n < 1) reader.fail("expected a positive atom count after PRIMCOORD, got " + std::to_string(n));
      if (parse_int(c[1], reader, "the second number of 'N 1'") != 1)
        reader.fail("expected 'N 1' after PRIMCOORD (one structure), got '" + line + "'");
      frame.cell = make_cell(*primvec, *periodic, reader, primvec_line);
      read_atoms(static_cast<std::size_t>(n));
    } else if (keyword == "ATOMS") {
      if (periodic && *periodic != Pbc{false, false, false})
        reader.fail("expected PRIMCOORD for a periodic structure, got ATOMS");
      read_atoms(std::nullopt);
    } else if (keyword == "ANIMSTEPS") {
      reader.fail("expected a single-structure XSF file, animated XSF (ANIMSTEPS) is not supported");
    } else {
      reader.fail("expected an XSF keyword (CRYSTAL, PRIMVEC, PRIMCOORD, ATOMS), got '" + keyword + "'");
    }
  }
  if (!have_atoms) reader.fail("expected PRIMCOORD or ATOMS with atoms, the file ends");
  return result;
}

void write_xsf_frame(std::ostream& out, const LabelledFrame& lf, const WriteOptions&) {
  const Frame& frame = lf.frame;
  frame.validate();
  const std::size_t n = frame.size();
  if (lf.labels.forces && lf.labels.forces->size() != n)
    throw Error("xsf: " + std::to_string(lf.labels.forces->size()) + " force labels for " + std::to_string(n) + " atoms");
  if (lf.labels.energy) out << "# total energy = " << format_double(*lf.labels.energy) << " eV\n\n";
  const Pbc& pbc = frame.cell.pbc();
  auto atom_line = [&](std::size_t i) {
    out << element_symbol(frame.numbers[i]);
    for (double x : frame.positions[i]) out << ' ' << format_double(x);
    if (lf.labels.forces)
      for (double x : (*lf.labels.forces)[i]) out << ' ' << format_double(x);
    out << '\n';
  };
  if (!frame.cell.any_periodic()) {
    out << "ATOMS\n";
    for (std::size_t i = 0; i < n; ++i) atom_line(i);
    return;
  }
  const char* kind = pbc == Pbc{true, true, true}    ? "CRYSTAL"
                     : pbc == Pbc{true, true, false} ? "SLAB"
                     : pbc == Pbc{true, false, false} ? "POLYMER"
                                                     : nullptr;
  if (!kind) throw Error("xsf: periodicity must be TTT (CRYSTAL), TTF (SLAB) or TFF (POLYMER)");
  out << kind << "\nPRIMVEC\n";
  for (const auto& row : frame.cell.matrix())
    out << format_double(row[0]) << ' ' << format_double(row[1]) << ' ' << format_double(row[2]) << '\n';
  out << "PRIMCOORD\n" << n << " 1\n";
  for (std::size_t i = 0; i < n; ++i) atom_line(i);
}

}  // namespace slhmc::io_detail
