// n2p2 input.data: blocks begin / comment / lattice ×3 / atom x y z elem
// charge n fx fy fz / energy / charge / end, any number of them in a file.
// Lengths, energies and forces are scaled on reading by ReadOptions'
// length_scale and energy_scale (n2p2 models may work in other units).
#include <cmath>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc::io_detail {

std::optional<LabelledFrame> read_n2p2_frame(LineReader& reader, const ReadOptions& options) {
  std::string line;
  std::vector<std::string_view> tokens;
  // Blank lines between blocks and at the end are allowed.
  do {
    if (!reader.next(line)) return std::nullopt;
    tokens = split(line);
  } while (tokens.empty());
  if (tokens[0] != "begin" || tokens.size() != 1) reader.fail("expected 'begin', got '" + line + "'");
  const std::size_t begin_line = reader.line();
  if (!(options.length_scale > 0) || !(options.energy_scale > 0) || !std::isfinite(options.length_scale) ||
      !std::isfinite(options.energy_scale))
    throw Error("n2p2 length_scale and energy_scale must be positive numbers");
  const double ls = options.length_scale;
  const double es = options.energy_scale;

  LabelledFrame result;
  Frame& frame = result.frame;
  std::vector<Vec3> lattice;
  std::size_t lattice_line = 0;
  std::vector<Vec3> forces;
  bool ended = false;
  while (!ended) {
    if (!reader.next(line))
      reader.fail_at(reader.line() + 1, "expected 'end' for the block begun on line " + std::to_string(begin_line) +
                                            ", the file ends");
    tokens = split(line);
    if (tokens.empty()) continue;
    const std::string_view key = tokens[0];
    if (key == "comment") {
      const auto pos = line.find("comment");
      const std::string text(trim(std::string_view(line).substr(pos + 7)));
      if (result.info.count("comment")) result.info["comment"] += "\n" + text;
      else result.info["comment"] = text;
    } else if (key == "lattice") {
      if (tokens.size() != 4) reader.fail("expected 'lattice x y z', got '" + line + "'");
      if (!frame.positions.empty()) reader.fail("expected the lattice lines before the atom lines");
      if (lattice.size() == 3) reader.fail("expected three lattice lines, got a fourth");
      Vec3 v{};
      for (int d = 0; d < 3; ++d) v[d] = ls * parse_double(tokens[1 + d], reader, "a lattice component");
      lattice.push_back(v);
      lattice_line = reader.line();
    } else if (key == "atom") {
      if (tokens.size() != 10) reader.fail("expected 'atom x y z element charge n fx fy fz', got " +
                                           std::to_string(tokens.size() - 1) + " values");
      if (!lattice.empty() && lattice.size() != 3) reader.fail("expected three lattice lines before the atoms");
      Vec3 r{}, f{};
      for (int d = 0; d < 3; ++d) r[d] = ls * parse_double(tokens[1 + d], reader, "a coordinate");
      const int z = parse_element(tokens[4], reader, "the atom's element");
      parse_double(tokens[5], reader, "the atomic charge");
      parse_double(tokens[6], reader, "the atom's n");
      for (int d = 0; d < 3; ++d) f[d] = (es / ls) * parse_double(tokens[7 + d], reader, "a force component");
      frame.add_atom(z, r);
      forces.push_back(f);
    } else if (key == "energy") {
      if (tokens.size() != 2) reader.fail("expected 'energy E', got '" + line + "'");
      if (result.labels.energy) reader.fail("expected one energy line per block");
      result.labels.energy = es * parse_double(tokens[1], reader, "the energy");
    } else if (key == "charge") {
      if (tokens.size() != 2) reader.fail("expected 'charge Q', got '" + line + "'");
      parse_double(tokens[1], reader, "the total charge");
      result.info["charge"] = std::string(tokens[1]);
    } else if (key == "end") {
      if (tokens.size() != 1) reader.fail("expected 'end' alone on its line");
      ended = true;
    } else if (key == "begin") {
      reader.fail("expected 'end' for the block begun on line " + std::to_string(begin_line) + ", got 'begin'");
    } else {
      reader.fail("expected comment, lattice, atom, energy, charge or end, got '" + std::string(key) + "'");
    }
  }
  if (lattice.size() == 3) {
    frame.cell = make_cell(Mat3{lattice[0], lattice[1], lattice[2]}, Pbc{true, true, true}, reader, lattice_line);
  } else if (!lattice.empty()) {
    reader.fail("expected three lattice lines in the block begun on line " + std::to_string(begin_line) + ", got " +
                std::to_string(lattice.size()));
  }
  result.labels.forces = std::move(forces);
  return result;
}

void write_n2p2_frame(std::ostream& out, const LabelledFrame& lf, const WriteOptions&) {
  const Frame& frame = lf.frame;
  frame.validate();
  const std::size_t n = frame.size();
  if (lf.labels.forces && lf.labels.forces->size() != n)
    throw Error("n2p2: " + std::to_string(lf.labels.forces->size()) + " force labels for " + std::to_string(n) + " atoms");
  const bool periodic = frame.cell.any_periodic();
  if (periodic && !frame.cell.fully_periodic())
    throw Error("n2p2 input.data holds fully periodic or non-periodic structures, not mixed periodicity");
  out << "begin\n";
  if (auto it = lf.info.find("comment"); it != lf.info.end()) {
    // One comment line per line of text (the reader joins them back with newlines).
    std::string text = it->second;
    std::size_t start = 0;
    while (true) {
      const auto nl = text.find('\n', start);
      out << "comment " << text.substr(start, nl == std::string::npos ? std::string::npos : nl - start) << '\n';
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  if (periodic)
    for (const auto& row : frame.cell.matrix())
      out << "lattice " << format_double(row[0]) << ' ' << format_double(row[1]) << ' ' << format_double(row[2])
          << '\n';
  for (std::size_t i = 0; i < n; ++i) {
    const Vec3& r = frame.positions[i];
    const Vec3 f = lf.labels.forces ? (*lf.labels.forces)[i] : Vec3{0, 0, 0};
    out << "atom " << format_double(r[0]) << ' ' << format_double(r[1]) << ' ' << format_double(r[2]) << ' '
        << element_symbol(frame.numbers[i]) << " 0 0 " << format_double(f[0]) << ' ' << format_double(f[1]) << ' '
        << format_double(f[2]) << '\n';
  }
  if (lf.labels.energy) out << "energy " << format_double(*lf.labels.energy) << '\n';
  std::string charge = "0";
  if (auto it = lf.info.find("charge"); it != lf.info.end() && to_double(it->second)) charge = it->second;
  out << "charge " << charge << "\nend\n";
}

}  // namespace slhmc::io_detail
