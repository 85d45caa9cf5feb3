// Extended XYZ with the ASE conventions: the key=value comment line
// (Lattice, Properties, pbc, calculator and REF_* label keys, free-form info)
// and the per-atom columns it names. One frame is read at a time.
#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "io/formats.hpp"
#include "slhmc/core/elements.hpp"

namespace slhmc::io_detail {

namespace {

struct KeyValue {
  std::string value;
  bool used = false;
};

// Parses `key=value key="quoted value" flag ...` (ASE's info line). Values may
// be quoted with "..." (backslash escapes), {...} or [...]; a bare key is a
// flag meaning T. Spaces around '=' are allowed.
std::map<std::string, KeyValue> parse_info_line(std::string_view line, const LineReader& reader) {
  std::map<std::string, KeyValue> result;
  std::size_t i = 0;
  auto space = [&](std::size_t k) { return k < line.size() && std::isspace(static_cast<unsigned char>(line[k])); };
  while (true) {
    while (space(i)) ++i;
    if (i >= line.size()) break;
    std::string key;
    if (line[i] == '"') {
      const std::size_t close = line.find('"', i + 1);
      if (close == std::string_view::npos) reader.fail("expected a closing '\"' after key in the info line");
      key = std::string(line.substr(i + 1, close - i - 1));
      i = close + 1;
    } else {
      const std::size_t start = i;
      while (i < line.size() && !space(i) && line[i] != '=') ++i;
      key = std::string(line.substr(start, i - start));
    }
    if (key.empty()) reader.fail("expected a key before '=' in the info line");
    std::size_t j = i;
    while (space(j)) ++j;
    std::string value = "T";
    if (j < line.size() && line[j] == '=') {
      ++j;
      while (space(j)) ++j;
      if (j >= line.size()) reader.fail("expected a value after '" + key + "='");
      const char open = line[j];
      if (open == '"') {
        value.clear();
        ++j;
        bool closed = false;
        while (j < line.size()) {
          const char c = line[j++];
          if (c == '\\' && j < line.size()) {
            const char e = line[j++];
            value += (e == 'n') ? '\n' : e;
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            value += c;
          }
        }
        if (!closed) reader.fail("expected a closing '\"' for the value of '" + key + "'");
      } else if (open == '{' || open == '[') {
        const char close = open == '{' ? '}' : ']';
        // Nested brackets ([[..],[..]]) count as one value.
        int depth = 0;
        const std::size_t start = j;
        for (; j < line.size(); ++j) {
          if (line[j] == open) ++depth;
          if (line[j] == close && --depth == 0) break;
        }
        if (j >= line.size()) reader.fail(std::string("expected a closing '") + close + "' for '" + key + "'");
        value = std::string(line.substr(start, j - start + 1));
        if (open == '{') value = value.substr(1, value.size() - 2);
        ++j;
      } else {
        const std::size_t start = j;
        while (j < line.size() && !space(j)) ++j;
        value = std::string(line.substr(start, j - start));
      }
      i = j;
    }
    if (result.count(key)) reader.fail("expected each info key once, '" + key + "' repeats");
    result[key].value = std::move(value);
  }
  return result;
}

std::optional<bool> to_bool(std::string_view s) {
  if (s == "T" || s == "True" || s == "true" || s == "TRUE") return true;
  if (s == "F" || s == "False" || s == "false" || s == "FALSE") return false;
  return std::nullopt;
}

// Numbers of an info value: "1 2 3", "[1, 2, 3]", "_JSON [[1,2],[3,4]]".
std::vector<double> parse_numbers(std::string value, const LineReader& reader, const std::string& key) {
  if (value.rfind("_JSON", 0) == 0) value = value.substr(5);
  for (char& c : value)
    if (c == '[' || c == ']' || c == ',') c = ' ';
  std::vector<double> numbers;
  for (auto token : split(value)) numbers.push_back(parse_double(token, reader, "info key '" + key + "'"));
  return numbers;
}

Mat3 mat3_from_9(const std::vector<double>& v) {
  return Mat3{Vec3{v[0], v[1], v[2]}, Vec3{v[3], v[4], v[5]}, Vec3{v[6], v[7], v[8]}};
}

struct Column {
  std::string name;
  char type;
  int count;
  std::size_t offset;  // first token index
};

std::vector<Column> parse_properties(const std::string& text, const LineReader& reader) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream ss(text);
  while (std::getline(ss, part, ':')) parts.push_back(part);
  if (parts.empty() || parts.size() % 3 != 0)
    reader.fail("expected Properties as name:type:count triplets, got '" + text + "'");
  std::vector<Column> columns;
  std::size_t offset = 0;
  for (std::size_t k = 0; k < parts.size(); k += 3) {
    Column c;
    c.name = parts[k];
    if (c.name.empty()) reader.fail("expected a column name in Properties '" + text + "'");
    if (parts[k + 1].size() != 1 || std::string("SRIL").find(parts[k + 1][0]) == std::string::npos)
      reader.fail("expected column type S, R, I or L for '" + c.name + "' in Properties, got '" + parts[k + 1] + "'");
    c.type = parts[k + 1][0];
    const auto count = to_int(parts[k + 2]);
    if (!count || *count < 1 || *count > 1000)
      reader.fail("expected a positive column count for '" + c.name + "' in Properties, got '" + parts[k + 2] + "'");
    c.count = static_cast<int>(*count);
    for (const auto& other : columns)
      if (other.name == c.name) reader.fail("expected each Properties column once, '" + c.name + "' repeats");
    c.offset = offset;
    offset += static_cast<std::size_t>(c.count);
    columns.push_back(c);
  }
  return columns;
}

const Column* find_column(const std::vector<Column>& columns, const std::string& name) {
  for (const auto& c : columns)
    if (c.name == name) return &c;
  return nullptr;
}

const Column* require_shape(const Column* c, char type, int count, const LineReader& reader) {
  if (c && (c->type != type || c->count != count))
    reader.fail("expected column '" + c->name + "' to be " + type + ":" + std::to_string(count) + ", got " +
                c->type + ":" + std::to_string(c->count));
  return c;
}

// First of `names` present among the keys, or nullptr.
const std::string* first_present(const std::vector<std::string>& names, const std::map<std::string, KeyValue>& kv) {
  for (const auto& n : names)
    if (kv.count(n)) return &n;
  return nullptr;
}

}  // namespace

std::optional<LabelledFrame> read_extxyz_frame(LineReader& reader, const ReadOptions& options) {
  std::string line;
  // Blank lines between frames and at the end of the file are allowed.
  do {
    if (!reader.next(line)) return std::nullopt;
  } while (is_blank(line));
  const std::size_t count_line = reader.line();
  const auto count_tokens = split(line);
  const auto count = count_tokens.size() == 1 ? to_int(count_tokens[0]) : std::nullopt;
  if (!count || *count < 0) reader.fail("expected the number of atoms of an extended XYZ frame, got '" + line + "'");
  const auto n = static_cast<std::size_t>(*count);

  if (!reader.next(line)) reader.fail_at(count_line, "expected the info line after the atom count, file ends");
  const std::size_t info_line = reader.line();
  auto kv = parse_info_line(line, reader);
  auto take = [&](const std::string& key) -> std::optional<std::string> {
    for (auto& [k, v] : kv)
      if (lower(k) == lower(key)) {
        v.used = true;
        return v.value;
      }
    return std::nullopt;
  };

  LabelledFrame result;
  Frame& frame = result.frame;

  // Cell and periodicity: pbc defaults to the presence of a Lattice.
  std::optional<Mat3> lattice;
  if (auto text = take("Lattice")) {
    const auto v = parse_numbers(*text, reader, "Lattice");
    if (v.size() != 9) reader.fail("expected 9 numbers in Lattice, got " + std::to_string(v.size()));
    lattice = mat3_from_9(v);
  }
  Pbc pbc{lattice.has_value(), lattice.has_value(), lattice.has_value()};
  if (auto text = take("pbc")) {
    const auto tokens = split(*text);
    if (tokens.size() != 3) reader.fail("expected pbc as three T/F values, got '" + *text + "'");
    for (int d = 0; d < 3; ++d) {
      const auto b = to_bool(tokens[d]);
      if (!b) reader.fail("expected T/F/True/False in pbc, got '" + std::string(tokens[d]) + "'");
      pbc[d] = *b;
    }
  }
  if (lattice) {
    frame.cell = make_cell(*lattice, pbc, reader, info_line);
  } else if (pbc[0] || pbc[1] || pbc[2]) {
    reader.fail("expected a Lattice for a periodic frame (pbc has T)");
  }

  const std::string properties = take("Properties").value_or("species:S:1:pos:R:3");
  const auto columns = parse_properties(properties, reader);
  const std::size_t n_columns = columns.back().offset + static_cast<std::size_t>(columns.back().count);
  const Column* species = require_shape(find_column(columns, "species"), 'S', 1, reader);
  const Column* z_column = require_shape(find_column(columns, "Z"), 'I', 1, reader);
  const Column* pos = require_shape(find_column(columns, "pos"), 'R', 3, reader);
  const Column* masses = require_shape(find_column(columns, "masses"), 'R', 1, reader);
  if (!pos) reader.fail("expected a pos:R:3 column in Properties '" + properties + "'");
  if (!species && !z_column) reader.fail("expected a species:S:1 or Z:I:1 column in Properties '" + properties + "'");
  const Column* forces = nullptr;
  for (const auto& name : options.extxyz_keys.forces)
    if ((forces = require_shape(find_column(columns, name), 'R', 3, reader))) break;
  const Column* energies = nullptr;
  for (const auto& name : options.extxyz_keys.atomic_energies)
    if ((energies = require_shape(find_column(columns, name), 'R', 1, reader))) break;

  // Labels from the info line; the first present name of each list wins.
  Labels& labels = result.labels;
  if (const std::string* key = first_present(options.extxyz_keys.energy, kv)) {
    kv[*key].used = true;
    const auto v = parse_numbers(kv[*key].value, reader, *key);
    if (v.size() != 1) reader.fail("expected one number for '" + *key + "'");
    labels.energy = v[0];
  }
  // An explicit virial is taken before a stress (it needs no volume).
  if (const std::string* key = first_present(options.extxyz_keys.virial, kv)) {
    kv[*key].used = true;
    const auto v = parse_numbers(kv[*key].value, reader, *key);
    if (v.size() != 9) reader.fail("expected 9 numbers for '" + *key + "', got " + std::to_string(v.size()));
    labels.virial = mat3_from_9(v);
    // A stress beside it is the same label in other units (our writer puts both).
    if (const std::string* skey = first_present(options.extxyz_keys.stress, kv)) kv[*skey].used = true;
  } else if (const std::string* skey = first_present(options.extxyz_keys.stress, kv)) {
    kv[*skey].used = true;
    const auto v = parse_numbers(kv[*skey].value, reader, *skey);
    Mat3 sigma{};
    if (v.size() == 9) {
      sigma = mat3_from_9(v);
    } else if (v.size() == 6) {  // Voigt order xx yy zz yz xz xy
      sigma = Mat3{Vec3{v[0], v[5], v[4]}, Vec3{v[5], v[1], v[3]}, Vec3{v[4], v[3], v[2]}};
    } else {
      reader.fail("expected 6 (Voigt) or 9 numbers for '" + *skey + "', got " + std::to_string(v.size()));
    }
    const double volume = frame.cell.volume();
    if (!(volume > 0)) reader.fail("expected a Lattice with a volume to convert '" + *skey + "' to a virial");
    labels.virial = -volume * sigma;  // W = −V σ with ASE's σ = (1/V) ∂E/∂ε
  }
  for (auto& [k, v] : kv)
    if (!v.used) result.info[k] = v.value;

  frame.positions.reserve(std::min<std::size_t>(n, 1 << 16));
  if (forces) labels.forces.emplace();
  if (energies) labels.atomic_energies.emplace();
  for (std::size_t i = 0; i < n; ++i) {
    if (!reader.next(line))
      reader.fail("expected " + std::to_string(n) + " atom lines after line " + std::to_string(info_line) +
                  ", the file ends after " + std::to_string(i));
    const auto tokens = split(line);
    if (tokens.size() != n_columns)
      reader.fail("expected " + std::to_string(n_columns) + " columns (Properties=" + properties + "), got " +
                  std::to_string(tokens.size()));
    // Every column must hold a value of its declared type, known or not.
    for (const auto& c : columns)
      for (int k = 0; k < c.count; ++k) {
        const auto token = tokens[c.offset + static_cast<std::size_t>(k)];
        const std::string what = "column '" + c.name + "'";
        if (c.type == 'R') parse_double(token, reader, what);
        if (c.type == 'I') parse_int(token, reader, what);
        if (c.type == 'L' && !to_bool(token))
          reader.fail("expected T/F for " + what + ", got '" + std::string(token) + "'");
      }
    int z = 0;
    if (species) {
      z = parse_element(tokens[species->offset], reader, "column 'species'");
    } else {
      const long long zz = parse_int(tokens[z_column->offset], reader, "column 'Z'");
      if (zz < 1 || zz > kMaxAtomicNumber) reader.fail("expected an atomic number in column 'Z', got " + std::to_string(zz));
      z = static_cast<int>(zz);
    }
    if (species && z_column && parse_int(tokens[z_column->offset], reader, "column 'Z'") != z)
      reader.fail("expected column 'Z' to match column 'species'");
    auto vec = [&](const Column* c) {
      Vec3 r{};
      for (int d = 0; d < 3; ++d) r[d] = *to_double(tokens[c->offset + static_cast<std::size_t>(d)]);
      return r;
    };
    frame.add_atom(z, vec(pos));
    if (masses) {
      const double m = *to_double(tokens[masses->offset]);
      if (!(m > 0)) reader.fail("expected a positive mass, got " + std::string(tokens[masses->offset]));
      frame.masses.back() = m;
    }
    if (forces) labels.forces->push_back(vec(forces));
    if (energies) labels.atomic_energies->push_back(*to_double(tokens[energies->offset]));
  }
  return result;
}

// ---- writer -------------------------------------------------------------------

namespace {

bool is_label_key(const std::string& key) {
  static const ExtxyzKeys names;
  const std::string k = lower(key);
  for (const auto* list : {&names.energy, &names.forces, &names.stress, &names.virial, &names.atomic_energies})
    for (const auto& name : *list)
      if (lower(name) == k) return true;
  return false;
}

bool valid_key(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '=' || c == '"' || c == '\\') return false;
  return true;
}

// A value as ASE reads it back as the same text: quoted if it holds anything but
// plain characters.
std::string quote(const std::string& value) {
  bool plain = !value.empty();
  for (char c : value)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\\' || c == '=' || c == '{' || c == '[' ||
        c == '}' || c == ']' || c == ',')
      plain = false;
  if (plain) return value;
  std::string q = "\"";
  for (char c : value) {
    if (c == '\n') {
      q += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

std::string join9(const Mat3& m) {
  std::string s;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) s += (s.empty() ? "" : " ") + format_double(m[i][j]);
  return s;
}

}  // namespace

void write_extxyz_frame(std::ostream& out, const LabelledFrame& lf, const WriteOptions& options) {
  const Frame& frame = lf.frame;
  const Labels& labels = lf.labels;
  frame.validate();
  const std::size_t n = frame.size();
  if (labels.forces && labels.forces->size() != n)
    throw Error("extxyz: " + std::to_string(labels.forces->size()) + " force labels for " + std::to_string(n) + " atoms");
  if (labels.atomic_energies && labels.atomic_energies->size() != n)
    throw Error("extxyz: " + std::to_string(labels.atomic_energies->size()) + " atomic energies for " +
                std::to_string(n) + " atoms");
  const bool ref = options.reference_keys;
  const std::string forces_key = ref ? "REF_forces" : "forces";
  const std::string energies_key = ref ? "REF_energies" : "energies";

  bool custom_masses = false;
  for (std::size_t i = 0; i < n; ++i)
    if (frame.masses[i] != standard_mass(frame.numbers[i])) custom_masses = true;

  std::string properties = "species:S:1:pos:R:3";
  if (custom_masses) properties += ":masses:R:1";
  if (labels.forces) properties += ":" + forces_key + ":R:3";
  if (labels.atomic_energies) properties += ":" + energies_key + ":R:1";

  std::vector<std::pair<std::string, std::string>> keys;  // written in this order
  const Mat3& rows = frame.cell.matrix();
  const bool has_lattice = rows != Mat3{};
  if (has_lattice) keys.emplace_back("Lattice", "\"" + join9(rows) + "\"");
  keys.emplace_back("Properties", properties);
  if (labels.energy) keys.emplace_back(ref ? "REF_energy" : "energy", format_double(*labels.energy));
  if (labels.virial) {
    const double volume = frame.cell.volume();
    if (volume > 0) {
      // ASE sign: σ = −W/V.
      keys.emplace_back(ref ? "REF_stress" : "stress", "\"" + join9((-1.0 / volume) * *labels.virial) + "\"");
    }
    // The exact virial too (needed for exact round trips and for frames without a volume).
    if (ref || !(volume > 0)) keys.emplace_back(ref ? "REF_virials" : "virial", "\"" + join9(*labels.virial) + "\"");
  }
  const Pbc& pbc = frame.cell.pbc();
  keys.emplace_back("pbc", std::string("\"") + (pbc[0] ? "T" : "F") + " " + (pbc[1] ? "T" : "F") + " " +
                               (pbc[2] ? "T" : "F") + "\"");
  std::string line;
  for (const auto& [k, v] : keys) line += (line.empty() ? "" : " ") + k + "=" + v;
  for (const auto& entry : lf.info) {
    const std::string& k = entry.first;
    const std::string& v = entry.second;
    if (!valid_key(k)) throw Error("extxyz: info key '" + k + "' cannot be written (empty, space, '=' or quote)");
    // Written labels win over stale info entries of the same name, and an info
    // entry named like any label key (a key that lost to another on reading)
    // is not written: a reader would take it for the label.
    const bool clash = std::any_of(keys.begin(), keys.end(), [&](const auto& kv) { return lower(kv.first) == lower(k); }) ||
                       lower(k) == "lattice" || lower(k) == "properties" || lower(k) == "pbc" || is_label_key(k);
    if (!clash) line += " " + k + "=" + quote(v);
  }

  out << n << '\n' << line << '\n';
  for (std::size_t i = 0; i < n; ++i) {
    std::string atom = element_symbol(frame.numbers[i]);
    for (double x : frame.positions[i]) atom += " " + format_double(x);
    if (custom_masses) atom += " " + format_double(frame.masses[i]);
    if (labels.forces)
      for (double x : (*labels.forces)[i]) atom += " " + format_double(x);
    if (labels.atomic_energies) atom += " " + format_double((*labels.atomic_energies)[i]);
    out << atom << '\n';
  }
}

}  // namespace slhmc::io_detail
