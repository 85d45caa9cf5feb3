// VASP POSCAR/CONTCAR: comment, scale (one factor, a negative target volume, or
// three per-axis factors), lattice rows, species line (VASP 5; VASP 4 files
// need ReadOptions::poscar_type_numbers), counts, optional "Selective
// dynamics", Direct/Cartesian coordinates. Anything after the coordinates
// (velocities of a CONTCAR) is ignored.
#include <cmath>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc::io_detail {

namespace {
bool next_line(LineReader& reader, std::string& line, const std::string& expected) {
  if (!reader.next(line)) reader.fail_at(reader.line() + 1, "expected " + expected + ", the file ends");
  return true;
}
}  // namespace

std::optional<LabelledFrame> read_poscar_frame(LineReader& reader, const ReadOptions& options, bool first) {
  if (!first) return std::nullopt;
  LabelledFrame result;
  std::string line;
  next_line(reader, line, "the POSCAR comment line");
  const std::string comment(trim(line));
  if (!comment.empty()) result.info["comment"] = comment;

  next_line(reader, line, "the scale factor");
  const auto scale_tokens = split(line);
  if (scale_tokens.size() != 1 && scale_tokens.size() != 3)
    reader.fail("expected one scale factor or three, got '" + line + "'");
  std::vector<double> scale;
  for (auto t : scale_tokens) scale.push_back(parse_double(t, reader, "the scale factor"));
  for (double s : scale)
    if (s == 0 || (scale.size() == 3 && s < 0)) reader.fail("expected non-zero (and for three, positive) scale factors");

  Mat3 rows{};
  for (int k = 0; k < 3; ++k) {
    next_line(reader, line, "lattice vector " + std::to_string(k + 1));
    const auto v = split(line);
    if (v.size() < 3) reader.fail("expected a lattice vector 'x y z', got '" + line + "'");
    for (int d = 0; d < 3; ++d) rows[k][d] = parse_double(v[d], reader, "a lattice vector component");
  }
  const std::size_t lattice_line = reader.line();
  if (scale.size() == 3) {
    for (auto& row : rows)
      for (int d = 0; d < 3; ++d) row[d] *= scale[d];
  } else if (scale[0] < 0) {
    // A negative factor is the wanted volume (Å³).
    const double v0 = std::fabs(determinant(rows));
    if (!(v0 > 0)) reader.fail_at(lattice_line, "expected linearly independent lattice vectors");
    const double f = std::cbrt(-scale[0] / v0);
    rows = f * rows;
    scale[0] = f;
  } else {
    rows = scale[0] * rows;
  }
  const double coordinate_scale = scale.size() == 1 ? scale[0] : 1.0;

  next_line(reader, line, "the species or counts line");
  auto tokens = split(line);
  if (tokens.empty()) reader.fail("expected the species line (VASP 5) or the counts line");
  std::vector<int> species;
  if (!to_int(tokens[0])) {
    for (auto t : tokens) {
      // POTCAR-derived names such as "Ti_pv" or "O/abc" name the element before '_' or '/'.
      const auto cut = t.find_first_of("_/");
      species.push_back(parse_element(t.substr(0, cut), reader, "the species line"));
    }
    next_line(reader, line, "the counts line");
    tokens = split(line);
  } else {
    if (options.poscar_type_numbers.empty())
      reader.fail("expected a species line: this VASP 4 file has none; give the species (poscar_type_numbers)");
    species = options.poscar_type_numbers;
  }
  if (tokens.size() != species.size())
    reader.fail("expected " + std::to_string(species.size()) + " counts (one per species), got " +
                std::to_string(tokens.size()));
  std::vector<int> numbers;
  for (std::size_t k = 0; k < tokens.size(); ++k) {
    const long long c = parse_int(tokens[k], reader, "an atom count");
    if (c < 0 || c > 100000000) reader.fail("expected a non-negative atom count, got " + std::to_string(c));
    if (species[k] < 1 || species[k] > kMaxAtomicNumber)
      reader.fail("expected valid atomic numbers in poscar_type_numbers");
    if (numbers.size() + static_cast<std::size_t>(c) > 100000000) reader.fail("expected fewer than 10^8 atoms");
    numbers.insert(numbers.end(), static_cast<std::size_t>(c), species[k]);
  }
  if (numbers.empty()) reader.fail("expected at least one atom");

  next_line(reader, line, "'Direct' or 'Cartesian'");
  std::string mode(trim(line));
  bool selective = false;
  if (!mode.empty() && (mode[0] == 'S' || mode[0] == 's')) {
    selective = true;
    next_line(reader, line, "'Direct' or 'Cartesian'");
    mode = std::string(trim(line));
  }
  if (mode.empty()) reader.fail("expected 'Direct' or 'Cartesian', got an empty line");
  const char m = static_cast<char>(std::tolower(static_cast<unsigned char>(mode[0])));
  if (m != 'd' && m != 'c' && m != 'k') reader.fail("expected 'Direct' or 'Cartesian', got '" + mode + "'");
  const bool cartesian = m != 'd';

  Frame& frame = result.frame;
  frame.cell = make_cell(rows, Pbc{true, true, true}, reader, lattice_line);
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    next_line(reader, line, std::to_string(numbers.size()) + " coordinate lines");
    const auto v = split(line);
    if (v.size() < (selective ? 6u : 3u))
      reader.fail(std::string("expected 'x y z") + (selective ? " T/F T/F T/F'" : "'") + ", got '" + line + "'");
    Vec3 r{};
    for (int d = 0; d < 3; ++d) r[d] = parse_double(v[d], reader, "a coordinate");
    if (selective)
      for (int d = 3; d < 6; ++d)
        if (v[d] != "T" && v[d] != "F") reader.fail("expected T or F selective-dynamics flags, got '" + std::string(v[d]) + "'");
    frame.add_atom(numbers[i], cartesian ? coordinate_scale * r : frame.cell.to_cartesian(r));
  }
  // The rest of a CONTCAR (velocities, predictor) is not structure data.
  while (reader.next(line)) {
  }
  return result;
}

void write_poscar_frame(std::ostream& out, const LabelledFrame& lf, const WriteOptions&) {
  const Frame& frame = lf.frame;
  frame.validate();
  if (!frame.cell.fully_periodic()) throw Error("POSCAR needs a cell periodic in all three directions");
  if (frame.size() == 0) throw Error("POSCAR needs at least one atom");
  // Runs of equal species, in order (a species may appear in several runs).
  std::vector<std::pair<int, std::size_t>> runs;
  for (int z : frame.numbers) {
    if (runs.empty() || runs.back().first != z) runs.emplace_back(z, 0);
    ++runs.back().second;
  }
  std::string comment;
  if (auto it = lf.info.find("comment"); it != lf.info.end()) comment = it->second;
  for (char& c : comment)
    if (c == '\n' || c == '\r') c = ' ';
  if (comment.empty())
    for (const auto& [z, count] : runs) comment += element_symbol(z) + std::to_string(count);
  out << comment << "\n1.0\n";
  for (const auto& row : frame.cell.matrix())
    out << format_double(row[0]) << ' ' << format_double(row[1]) << ' ' << format_double(row[2]) << '\n';
  for (const auto& [z, count] : runs) out << element_symbol(z) << ' ';
  out << '\n';
  for (const auto& [z, count] : runs) out << count << ' ';
  out << "\nCartesian\n";
  for (const auto& r : frame.positions)
    out << format_double(r[0]) << ' ' << format_double(r[1]) << ' ' << format_double(r[2]) << '\n';
}

}  // namespace slhmc::io_detail
