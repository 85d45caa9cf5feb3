// LAMMPS data files, atomic style: header counts and box bounds (with the
// xy xz yz tilts of a triclinic box), Masses, Atoms (id type x y z [ix iy iz])
// and Velocities sections; and the rotation of a general cell into the
// LAMMPS orientation (a along x, b in the xy plane) that the writer applies.
#include <algorithm>
#include <cmath>
#include <set>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc {

Mat3 lammps_rotation(const Cell& cell) {
  if (!cell.is_invertible()) throw Error("LAMMPS orientation needs three linearly independent cell vectors");
  const Mat3& a = cell.matrix();
  const Vec3 e1 = (1.0 / norm(a[0])) * a[0];
  Vec3 b_perp = a[1] - dot(a[1], e1) * e1;
  const Vec3 e2 = (1.0 / norm(b_perp)) * b_perp;
  Vec3 e3 = cross(e1, e2);
  // For a left-handed cell c·(e1×e2) < 0: use the reflection so that lz > 0.
  if (dot(a[2], e3) < 0) e3 = -e3;
  return Mat3{e1, e2, e3};
}

LabelledFrame to_lammps_orientation(const LabelledFrame& in, Mat3* rotation) {
  const Mat3 r = lammps_rotation(in.frame.cell);
  LabelledFrame out = in;
  for (auto& p : out.frame.positions) p = r * p;
  if (out.labels.forces)
    for (auto& f : *out.labels.forces) f = r * f;
  if (out.labels.virial) out.labels.virial = r * *out.labels.virial * transpose(r);
  Mat3 rows = in.frame.cell.matrix() * transpose(r);
  // Exact zeros above the diagonal (they are rounding noise after the rotation).
  rows[0][1] = rows[0][2] = rows[1][2] = 0.0;
  // Tilt reduction: LAMMPS requires |xy|, |xz| ≤ lx/2 and |yz| ≤ ly/2.
  const double lx = rows[0][0], ly = rows[1][1];
  const double m = std::round(rows[2][1] / ly);
  rows[2] = rows[2] - m * rows[1];
  const double n = std::round(rows[2][0] / lx);
  rows[2] = rows[2] - n * rows[0];
  const double k = std::round(rows[1][0] / lx);
  rows[1] = rows[1] - k * rows[0];
  out.frame.cell = Cell(rows, in.frame.cell.pbc());
  if (rotation) *rotation = r;
  return out;
}

namespace io_detail {

namespace {

// The text before a '#' comment.
std::string_view strip_comment(std::string_view line) {
  const auto hash = line.find('#');
  return hash == std::string_view::npos ? line : line.substr(0, hash);
}

// The element of a type from its mass: the standard mass within 0.05 amu.
int element_from_mass(double mass) {
  int best = 0;
  for (int z = 1; z <= kMaxAtomicNumber; ++z)
    if (std::fabs(standard_mass(z) - mass) < 0.05) {
      if (best) return 0;  // ambiguous
      best = z;
    }
  return best;
}

struct AtomEntry {
  long long id;
  int type;
  Vec3 r;
  std::size_t line;
};

}  // namespace

std::optional<LabelledFrame> read_lammps_data_frame(LineReader& reader, const ReadOptions& options, bool first) {
  if (!first) return std::nullopt;
  std::string line;
  if (!reader.next(line)) reader.fail_at(1, "expected a LAMMPS data file, the file is empty");
  // The first line is a title. Then the header until the first section keyword.
  std::optional<long long> n_atoms, n_types;
  std::size_t types_line = 0;
  double lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
  bool have_bounds[3] = {false, false, false};
  double xy = 0, xz = 0, yz = 0;
  std::optional<std::string> section;
  while (reader.next(line)) {
    const auto tokens = split(strip_comment(line));
    if (tokens.empty()) continue;
    if (tokens.size() == 1 && std::isalpha(static_cast<unsigned char>(tokens[0][0]))) {
      section = std::string(tokens[0]);
      break;
    }
    auto count = [&](std::optional<long long>& target, const char* what) {
      if (target) reader.fail(std::string("expected one '") + what + "' line");
      const long long v = parse_int(tokens[0], reader, what);
      if (v < 0 || v > 100000000) reader.fail(std::string("expected a sensible number of ") + what);
      target = v;
    };
    if (tokens.size() == 2 && tokens[1] == "atoms") {
      count(n_atoms, "atoms");
    } else if (tokens.size() == 3 && tokens[1] == "atom" && tokens[2] == "types") {
      count(n_types, "atom types");
      types_line = reader.line();
    } else if (tokens.size() == 4 && tokens[2].size() == 3 && tokens[3].size() == 3 && tokens[2][1] == 'l' &&
               tokens[3][1] == 'h' && tokens[2][0] == tokens[3][0] && std::string_view("xyz").find(tokens[2][0]) != std::string_view::npos) {
      const int d = tokens[2][0] - 'x';
      lo[d] = parse_double(tokens[0], reader, "the box lower bound");
      hi[d] = parse_double(tokens[1], reader, "the box upper bound");
      if (!(hi[d] > lo[d])) reader.fail("expected the box upper bound above the lower bound");
      have_bounds[d] = true;
    } else if (tokens.size() == 6 && tokens[3] == "xy" && tokens[4] == "xz" && tokens[5] == "yz") {
      xy = parse_double(tokens[0], reader, "xy");
      xz = parse_double(tokens[1], reader, "xz");
      yz = parse_double(tokens[2], reader, "yz");
    } else if (tokens.size() >= 2 && to_int(tokens[0]) && *to_int(tokens[0]) == 0) {
      // "0 bonds", "0 bond types", ...: nothing of another atom style.
    } else {
      reader.fail("expected an atomic-style header line (atoms, atom types, xlo xhi, ..., xy xz yz), got '" + line + "'");
    }
  }
  if (!n_atoms) reader.fail("expected an 'N atoms' header line");
  if (!n_types || *n_types < 1) reader.fail("expected an 'N atom types' header line with N ≥ 1");
  for (int d = 0; d < 3; ++d)
    if (!have_bounds[d]) reader.fail(std::string("expected a '") + "xyz"[d] + "lo " + "xyz"[d] + "hi' header line");
  const std::size_t n = static_cast<std::size_t>(*n_atoms);
  const std::size_t types = static_cast<std::size_t>(*n_types);
  if (types > 10000) reader.fail("expected at most 10000 atom types");

  std::vector<double> masses(types, 0.0);
  std::vector<int> type_z(types, 0);
  std::vector<AtomEntry> atoms;
  bool have_masses = false;
  std::size_t masses_line = 0;
  // Reads `count` non-blank entry lines of a section.
  auto entries = [&](std::size_t count, auto&& handle) {
    for (std::size_t i = 0; i < count;) {
      if (!reader.next(line))
        reader.fail_at(reader.line() + 1, "expected " + std::to_string(count) + " lines in section " + *section +
                                              ", the file ends after " + std::to_string(i));
      const auto t = split(strip_comment(line));
      if (t.empty()) continue;
      handle(t);
      ++i;
    }
  };
  while (section) {
    const std::string name = *section;
    const std::size_t section_line = reader.line();
    if (name == "Masses") {
      if (have_masses) reader.fail("expected one Masses section");
      have_masses = true;
      masses_line = section_line;
      std::vector<bool> seen(types, false);
      entries(types, [&](const std::vector<std::string_view>& t) {
        if (t.size() != 2) reader.fail("expected 'type mass', got '" + line + "'");
        const long long type = parse_int(t[0], reader, "the atom type");
        if (type < 1 || type > static_cast<long long>(types) || seen[static_cast<std::size_t>(type - 1)])
          reader.fail("expected each atom type 1.." + std::to_string(types) + " once in Masses");
        seen[static_cast<std::size_t>(type - 1)] = true;
        const double mass = parse_double(t[1], reader, "the mass");
        if (!(mass > 0)) reader.fail("expected a positive mass");
        masses[static_cast<std::size_t>(type - 1)] = mass;
        // "1 47.867 # Ti": the element named in the comment.
        const auto hash = line.find('#');
        if (hash != std::string::npos) {
          const auto c = split(std::string_view(line).substr(hash + 1));
          if (!c.empty()) type_z[static_cast<std::size_t>(type - 1)] = atomic_number_or_zero(c[0]);
        }
      });
    } else if (name == "Atoms") {
      if (!atoms.empty()) reader.fail("expected one Atoms section");
      const auto hash = line.find('#');
      if (hash != std::string::npos) {
        const auto style = split(std::string_view(line).substr(hash + 1));
        if (!style.empty() && style[0] != "atomic")
          reader.fail("expected atom style 'atomic', got '" + std::string(style[0]) + "'");
      }
      atoms.reserve(std::min<std::size_t>(n, 1 << 16));
      entries(n, [&](const std::vector<std::string_view>& t) {
        if (t.size() != 5 && t.size() != 8) reader.fail("expected 'id type x y z [ix iy iz]', got " + std::to_string(t.size()) + " columns");
        AtomEntry a{};
        a.id = parse_int(t[0], reader, "the atom id");
        const long long type = parse_int(t[1], reader, "the atom type");
        if (a.id < 1) reader.fail("expected a positive atom id");
        if (type < 1 || type > static_cast<long long>(types))
          reader.fail("expected an atom type in 1.." + std::to_string(types) + ", got " + std::to_string(type));
        a.type = static_cast<int>(type);
        for (int d = 0; d < 3; ++d) a.r[d] = parse_double(t[2 + d], reader, "a coordinate");
        a.r = a.r - Vec3{lo[0], lo[1], lo[2]};
        if (t.size() == 8) {
          // Image flags: the unwrapped position r + ix a + iy b + iz c.
          const Vec3 av{hi[0] - lo[0], 0, 0}, bv{xy, hi[1] - lo[1], 0}, cv{xz, yz, hi[2] - lo[2]};
          double im[3];
          for (int d = 0; d < 3; ++d) {
            const long long v = parse_int(t[5 + d], reader, "an image flag");
            if (v < -1000000 || v > 1000000) reader.fail("expected a sensible image flag");
            im[d] = static_cast<double>(v);
          }
          a.r = a.r + im[0] * av + im[1] * bv + im[2] * cv;
        }
        a.line = reader.line();
        atoms.push_back(a);
      });
    } else if (name == "Velocities") {
      entries(n, [&](const std::vector<std::string_view>& t) {
        if (t.size() != 4) reader.fail("expected 'id vx vy vz', got '" + line + "'");
        parse_int(t[0], reader, "the atom id");
        for (int d = 1; d < 4; ++d) parse_double(t[d], reader, "a velocity");
      });
    } else {
      reader.fail("expected a section of an atomic-style data file (Masses, Atoms, Velocities), got '" + name + "'");
    }
    section.reset();
    while (reader.next(line)) {
      const auto t = split(strip_comment(line));
      if (t.empty()) continue;
      if (t.size() != 1 || !std::isalpha(static_cast<unsigned char>(t[0][0])))
        reader.fail("expected a section keyword after section " + name + " (too many entries?), got '" + line + "'");
      section = std::string(t[0]);
      break;
    }
  }
  if (atoms.size() != n) reader.fail("expected an Atoms section with " + std::to_string(n) + " atoms");

  // Atomic numbers of the types: given, else named in Masses comments, else from the masses.
  if (!options.lammps_type_numbers.empty()) {
    if (options.lammps_type_numbers.size() != types)
      reader.fail_at(types_line, "expected " + std::to_string(options.lammps_type_numbers.size()) +
                                     " atom types (the length of lammps_type_numbers), the file has " +
                                     std::to_string(types));
    type_z = options.lammps_type_numbers;
    for (int z : type_z)
      if (z < 1 || z > kMaxAtomicNumber) throw Error("lammps_type_numbers holds an invalid atomic number");
  } else {
    if (!have_masses) reader.fail("expected a Masses section (or lammps_type_numbers) to know the elements");
    for (std::size_t t = 0; t < types; ++t) {
      if (type_z[t] == 0) type_z[t] = element_from_mass(masses[t]);
      if (type_z[t] == 0)
        reader.fail_at(masses_line, "expected the mass of type " + std::to_string(t + 1) +
                                        " to be a standard atomic mass (or give lammps_type_numbers)");
    }
  }

  std::sort(atoms.begin(), atoms.end(), [](const AtomEntry& x, const AtomEntry& y) { return x.id < y.id; });
  for (std::size_t i = 1; i < atoms.size(); ++i)
    if (atoms[i].id == atoms[i - 1].id)
      reader.fail_at(atoms[i].line, "expected unique atom ids, " + std::to_string(atoms[i].id) + " repeats");

  LabelledFrame result;
  Frame& frame = result.frame;
  const Mat3 rows{Vec3{hi[0] - lo[0], 0, 0}, Vec3{xy, hi[1] - lo[1], 0}, Vec3{xz, yz, hi[2] - lo[2]}};
  frame.cell = make_cell(rows, Pbc{true, true, true}, reader, 0);
  for (const auto& a : atoms) {
    const auto t = static_cast<std::size_t>(a.type - 1);
    frame.add_atom(type_z[t], a.r);
    if (have_masses) frame.masses.back() = masses[t];
  }
  return result;
}

void write_lammps_data_frame(std::ostream& out, const LabelledFrame& lf, const WriteOptions& options) {
  lf.frame.validate();
  if (!lf.frame.cell.is_invertible()) throw Error("LAMMPS data needs a cell with three independent vectors");
  const LabelledFrame rotated = to_lammps_orientation(lf);
  const Frame& frame = rotated.frame;
  std::vector<int> type_z = options.lammps_type_numbers;
  if (type_z.empty()) {
    std::set<int> distinct(frame.numbers.begin(), frame.numbers.end());
    type_z.assign(distinct.begin(), distinct.end());
  }
  // LAMMPS needs at least one atom type; an empty frame names none (found by fuzz_lammps_data).
  if (type_z.empty()) throw Error("LAMMPS data needs at least one atom type: give lammps_type_numbers for an empty frame");
  // One mass per type: every atom of a type must have the same mass.
  std::vector<std::optional<double>> type_mass(type_z.size());
  std::vector<int> atom_type(frame.size());
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const auto it = std::find(type_z.begin(), type_z.end(), frame.numbers[i]);
    if (it == type_z.end())
      throw Error("LAMMPS data: element " + element_symbol(frame.numbers[i]) + " is not in lammps_type_numbers");
    const auto t = static_cast<std::size_t>(it - type_z.begin());
    if (type_mass[t] && *type_mass[t] != frame.masses[i])
      throw Error("LAMMPS data (atomic style) has one mass per type; atoms of " + element_symbol(frame.numbers[i]) +
                  " have different masses");
    type_mass[t] = frame.masses[i];
    atom_type[i] = static_cast<int>(t) + 1;
  }
  const Mat3& c = frame.cell.matrix();
  out << "LAMMPS data file written by slhmc (atomic style)\n\n";
  out << frame.size() << " atoms\n" << type_z.size() << " atom types\n\n";
  out << "0 " << format_double(c[0][0]) << " xlo xhi\n";
  out << "0 " << format_double(c[1][1]) << " ylo yhi\n";
  out << "0 " << format_double(c[2][2]) << " zlo zhi\n";
  out << format_double(c[1][0]) << ' ' << format_double(c[2][0]) << ' ' << format_double(c[2][1]) << " xy xz yz\n";
  out << "\nMasses\n\n";
  for (std::size_t t = 0; t < type_z.size(); ++t)
    out << t + 1 << ' ' << format_double(type_mass[t].value_or(standard_mass(type_z[t]))) << " # "
        << element_symbol(type_z[t]) << '\n';
  out << "\nAtoms # atomic\n\n";
  for (std::size_t i = 0; i < frame.size(); ++i) {
    const Vec3& r = frame.positions[i];
    out << i + 1 << ' ' << atom_type[i] << ' ' << format_double(r[0]) << ' ' << format_double(r[1]) << ' '
        << format_double(r[2]) << '\n';
  }
}

}  // namespace io_detail
}  // namespace slhmc
