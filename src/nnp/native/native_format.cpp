// Writer and reader of the native "slhmc-nnp" model file (version 1). The
// reader trusts nothing: the magic and version are checked first (so a newer
// file is reported by its version, not as corrupt), then the final checksum
// (so truncation and bit flips are caught before any parsing), then every
// metadata key and the consistency of the species sections.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/nnp/aenet_descriptor.hpp"
#include "slhmc/nnp/aenet_writer.hpp"
#include "slhmc/nnp/native_model.hpp"

namespace slhmc::nnp {

namespace {

// Standard keys in the order they are written; all are required when reading.
const char* const kKeys[] = {"format_version", "model_version",        "parent_version", "created",
                             "species",        "descriptor",           "descriptor_summary",
                             "chebyshev_version", "cutoff_A",          "length_unit",    "energy_unit",
                             "training_data_digest", "description"};

bool is_standard_key(const std::string& k) {
  return std::find_if(std::begin(kKeys), std::end(kKeys), [&](const char* s) { return k == s; }) != std::end(kKeys);
}

bool valid_key(const std::string& k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '.' || c == '-'; });
}

// Values are one line: backslash, CR and LF are escaped, and a space at either end is written
// as "\s" (the reader trims unescaped blanks around values).
std::string escape(const std::string& v) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == ' ' && (i == 0 || i + 1 == v.size())) out += "\\s";
    else if (c == '\t' && (i == 0 || i + 1 == v.size())) out += "\\t";
    else out += c;
  }
  return out;
}

std::string unescape(const std::string& v, const std::string& source, std::size_t line) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '\\') {
      out += v[i];
      continue;
    }
    if (i + 1 == v.size()) throw ParseError(source, line, "value ends in a lone backslash");
    const char e = v[++i];
    if (e == '\\') out += '\\';
    else if (e == 'n') out += '\n';
    else if (e == 'r') out += '\r';
    else if (e == 's') out += ' ';
    else if (e == 't') out += '\t';
    else throw ParseError(source, line, std::string("unknown escape '\\") + e + "' (expected \\\\, \\n, \\r, \\s or \\t)");
  }
  return out;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

std::string real_text(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// YYYY-MM-DDTHH:MM:SS[.fff]Z
bool is_utc_iso_time(const std::string& s) {
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
  if (s.size() < 20 || s.back() != 'Z') return false;
  for (std::size_t i = 0; i < 19; ++i) {
    if (pattern[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != pattern[i]) return false;
  }
  if (s.size() == 20) return true;
  if (s[19] != '.' || s.size() < 22) return false;
  return std::all_of(s.begin() + 20, s.end() - 1, [](unsigned char c) { return std::isdigit(c); });
}

// Integer in [lo, hi], the whole string (no sign but '-', no blanks).
bool parse_integer(const std::string& s, long long lo, long long hi, long long& out) {
  if (s.empty() || !(std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '-')) return false;
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

std::string descriptor_kind(const std::vector<AenetNetFile>& species) {
  std::set<std::string> kinds;
  for (const auto& f : species) kinds.insert(f.sftype);
  return kinds.size() == 1 ? *kinds.begin() : "mixed";
}

double max_cutoff(const std::vector<AenetNetFile>& species) {
  double rc = 0.0;
  for (const auto& f : species) rc = std::max(rc, f.rc_max);
  return rc;
}

// Species-level consistency shared by writer and reader; `fail` reports (and throws).
template <class Fail>
void check_species_set(const std::vector<AenetNetFile>& species, Fail fail) {
  if (species.empty()) fail("the model has no species");
  std::set<std::string> names;
  for (const auto& f : species)
    if (!names.insert(f.atomtype).second) fail("species " + f.atomtype + " has two networks");
  for (const auto& f : species)
    for (const auto& e : f.envtypes)
      if (!names.count(e))
        fail("species " + f.atomtype + " has ENV species " + e + ", which has no network in the model");
}

}  // namespace

void convert_aenet_energy_unit(AenetNetFile& f, double ev_per_unit) {
  if (!(ev_per_unit > 0) || !std::isfinite(ev_per_unit)) throw Error("energy unit conversion factor must be positive");
  // E = y/scale + shift + E_atom in file units; times c: y/(scale/c) + c·shift + c·E_atom.
  f.scale /= ev_per_unit;
  f.shift *= ev_per_unit;
  for (double& e : f.e_atom) e *= ev_per_unit;
  f.e_min *= ev_per_unit;
  f.e_max *= ev_per_unit;
  f.e_av *= ev_per_unit;
}

std::string format_native_model(const std::vector<AenetNetFile>& species, const NativeModelMetadata& m) {
  auto fail = [](const std::string& what) -> void { throw Error("cannot write native model: " + what); };
  check_species_set(species, fail);
  if (m.model_version < 0) fail("model_version must be ≥ 0");
  if (m.parent_version && *m.parent_version < 0) fail("parent_version must be ≥ 0");
  if (m.chebyshev_version != 0 && m.chebyshev_version != 1) fail("chebyshev_version must be 0 or 1");
  const std::string created = m.created.empty() ? utc_now() : m.created;
  if (!is_utc_iso_time(created)) fail("created '" + created + "' is not a UTC ISO time (YYYY-MM-DDTHH:MM:SSZ)");
  if (m.training_data_digest.find_first_of(" \t\r\n\\") != std::string::npos)
    fail("training_data_digest must be one word");
  for (const auto& [k, v] : m.extra)
    if (!valid_key(k) || is_standard_key(k))
      fail("extra metadata key '" + k + "' is not allowed (letters, digits, '_', '.', '-'; not a standard key)");

  std::string species_list, summary;
  std::vector<std::string> sections;
  for (const auto& f : species) {
    std::string text = format_aenet_nn_ascii(f);
    // Self-check: the section must read back (this also runs the readers' validation).
    const AenetNetFile back = parse_aenet_nn_ascii(text, "species " + f.atomtype);
    const auto descriptor = make_aenet_descriptor(back, m.chebyshev_version);
    species_list += (species_list.empty() ? "" : " ") + f.atomtype;
    summary += (summary.empty() ? "" : "; ") + f.atomtype + ": " + descriptor->summary();
    sections.push_back(std::move(text));
  }

  std::ostringstream o;
  o << kNativeModelMagic << ' ' << kNativeModelFormatVersion << '\n';
  auto kv = [&](const std::string& k, const std::string& v) { o << k << " = " << escape(v) << '\n'; };
  kv("format_version", std::to_string(kNativeModelFormatVersion));
  kv("model_version", std::to_string(m.model_version));
  kv("parent_version", m.parent_version ? std::to_string(*m.parent_version) : "none");
  kv("created", created);
  kv("species", species_list);
  kv("descriptor", descriptor_kind(species));
  kv("descriptor_summary", summary);
  kv("chebyshev_version", std::to_string(m.chebyshev_version));
  kv("cutoff_A", real_text(max_cutoff(species)));
  kv("length_unit", "angstrom");
  kv("energy_unit", "eV");
  kv("training_data_digest", m.training_data_digest.empty() ? "none" : m.training_data_digest);
  kv("description", m.description);
  for (const auto& [k, v] : m.extra) kv(k, v);
  for (std::size_t s = 0; s < species.size(); ++s) {
    const auto nlines = std::count(sections[s].begin(), sections[s].end(), '\n');
    o << "begin species " << species[s].atomtype << " lines " << nlines << '\n';
    o << sections[s];
    o << "end species " << species[s].atomtype << '\n';
  }
  const std::string text = o.str();
  return text + "checksum fnv1a64 " + hex16(fnv1a64(text)) + "\n";
}

void write_native_model(const std::string& path, const std::vector<AenetNetFile>& species,
                        const NativeModelMetadata& metadata) {
  write_file_atomically(path, format_native_model(species, metadata));
}

NativeModel parse_native_model(const std::string& text, const std::string& source) {
  // Lines with their 1-based numbers; a final line without '\n' is kept (and then rejected).
  std::vector<std::string> lines;
  std::vector<std::size_t> starts;
  for (std::size_t p = 0; p < text.size();) {
    const std::size_t e = text.find('\n', p);
    starts.push_back(p);
    lines.push_back(text.substr(p, (e == std::string::npos ? text.size() : e) - p));
    p = e == std::string::npos ? text.size() : e + 1;
  }
  const std::string expected_magic = std::string(kNativeModelMagic) + " " + std::to_string(kNativeModelFormatVersion);

  // 1. Magic and version.
  const auto head = lines.empty() ? std::vector<std::string>{} : words(lines[0]);
  if (head.empty() || head[0] != kNativeModelMagic)
    throw ParseError(source, 1, "not an slhmc native model: the first line must be '" + expected_magic + "'");
  if (head.size() != 2) throw ParseError(source, 1, "expected '" + expected_magic + "', got '" + lines[0] + "'");
  if (head[1] != std::to_string(kNativeModelFormatVersion))
    throw ParseError(source, 1,
                     "unsupported native model format version '" + head[1] + "' (this slhmc reads version " +
                         std::to_string(kNativeModelFormatVersion) + ")");

  // 2. Checksum line: the last line, complete, over every byte before it.
  const std::size_t n = lines.size();
  const bool complete = !text.empty() && text.back() == '\n';
  const auto tail = words(lines.back());
  if (!complete || n < 2 || tail.size() != 3 || tail[0] != "checksum")
    throw ParseError(source, n,
                     "file is truncated or incomplete: its last line must be 'checksum fnv1a64 <16 hex digits>'");
  if (tail[1] != "fnv1a64") throw ParseError(source, n, "unknown checksum kind '" + tail[1] + "' (expected fnv1a64)");
  if (tail[2].size() != 16 || !std::all_of(tail[2].begin(), tail[2].end(), [](unsigned char c) { return std::isxdigit(c); }))
    throw ParseError(source, n, "checksum '" + tail[2] + "' is not 16 hex digits");
  const std::uint64_t stated = std::stoull(tail[2], nullptr, 16);
  const std::uint64_t actual = fnv1a64(text.substr(0, starts.back()));
  if (stated != actual) {
    throw ParseError(source, n, "checksum mismatch: the file states " + tail[2] + " but its content hashes to " + hex16(actual) +
                                    " (corrupted or edited file)");
  }

  // 3. Metadata block.
  NativeModel model;
  NativeModelMetadata& m = model.metadata;
  std::map<std::string, std::pair<std::string, std::size_t>> values;  // key → (value, line)
  std::size_t i = 1;
  for (; i + 1 < n; ++i) {
    const std::string& line = lines[i];
    if (line.rfind("begin species", 0) == 0) break;
    if (trim(line).empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string::npos) throw ParseError(source, i + 1, "expected 'key = value', got '" + line + "'");
    const std::string key = trim(line.substr(0, eq));
    if (!valid_key(key)) throw ParseError(source, i + 1, "invalid metadata key '" + key + "'");
    const std::string value = unescape(trim(line.substr(eq + 1)), source, i + 1);
    if (!values.emplace(key, std::make_pair(value, i + 1)).second)
      throw ParseError(source, i + 1, "metadata key '" + key + "' appears twice");
  }
  const std::size_t block_end = i + 1;  // line number for errors about missing keys
  auto take = [&](const char* key) -> std::pair<std::string, std::size_t> {
    const auto it = values.find(key);
    if (it == values.end()) throw ParseError(source, block_end, std::string("missing metadata key '") + key + "'");
    auto v = it->second;
    values.erase(it);
    return v;
  };
  auto integer = [&](const char* key, long long lo, long long hi) {
    const auto [v, line] = take(key);
    long long x = 0;
    if (!parse_integer(v, lo, hi, x))
      throw ParseError(source, line,
                       std::string(key) + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                           "], got '" + v + "'");
    return x;
  };
  {
    const auto [v, line] = take("format_version");
    if (v != head[1]) throw ParseError(source, line, "format_version " + v + " differs from the first line's " + head[1]);
  }
  m.model_version = integer("model_version", 0, INT64_MAX);
  {
    const auto [v, line] = take("parent_version");
    long long x = 0;
    if (v != "none") {
      if (!parse_integer(v, 0, INT64_MAX, x))
        throw ParseError(source, line, "parent_version: expected 'none' or an integer ≥ 0, got '" + v + "'");
      m.parent_version = x;
    }
  }
  {
    const auto [v, line] = take("created");
    if (!is_utc_iso_time(v)) throw ParseError(source, line, "created: expected a UTC ISO time, got '" + v + "'");
    m.created = v;
  }
  const auto species_entry = take("species");
  m.species = words(species_entry.first);
  const auto descriptor_entry = take("descriptor");
  m.descriptor = descriptor_entry.first;
  m.descriptor_summary = take("descriptor_summary").first;
  m.chebyshev_version = static_cast<int>(integer("chebyshev_version", 0, 1));
  const auto cutoff_entry = take("cutoff_A");
  {
    const auto [v, line] = take("length_unit");
    if (v != "angstrom") throw ParseError(source, line, "length_unit must be 'angstrom', got '" + v + "'");
  }
  {
    const auto [v, line] = take("energy_unit");
    if (v != "eV") throw ParseError(source, line, "energy_unit must be 'eV', got '" + v + "'");
  }
  m.training_data_digest = take("training_data_digest").first;
  if (m.training_data_digest == "none") m.training_data_digest.clear();
  m.description = take("description").first;
  for (auto& [k, v] : values) m.extra[k] = v.first;

  // 4. Species sections.
  std::size_t first_section_line = i + 1;
  std::vector<std::size_t> section_lines;  // header line of each section
  while (i + 1 < n) {
    const auto h = words(lines[i]);
    const std::size_t hline = i + 1;
    long long count = 0;
    if (h.size() != 5 || h[0] != "begin" || h[1] != "species" || h[3] != "lines" ||
        !parse_integer(h[4], 1, static_cast<long long>(n), count))
      throw ParseError(source, hline, "expected 'begin species <symbol> lines <count>', got '" + lines[i] + "'");
    const std::size_t body = i + 1;  // 0-based index of the first body line
    if (body + static_cast<std::size_t>(count) + 1 >= n)
      throw ParseError(source, hline, "species section " + h[2] + " runs past the end of the file");
    const std::size_t end = body + static_cast<std::size_t>(count);
    if (lines[end] != "end species " + h[2])
      throw ParseError(source, end + 1, "expected 'end species " + h[2] + "', got '" + lines[end] + "'");
    const std::string section = text.substr(starts[body], starts[end] - starts[body]);
    AenetNetFile f;
    try {
      f = parse_aenet_nn_ascii(section, source);
    } catch (const ParseError& e) {
      // Re-locate the section reader's error to the line of the whole file.
      const std::string prefix = ParseError(e.source(), e.line(), "").what();
      std::string msg = e.what();
      if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
      throw ParseError(source, e.line() > 0 ? body + e.line() : hline, "species section " + h[2] + ": " + msg);
    } catch (const Error& e) {
      throw ParseError(source, hline, "species section " + h[2] + ": " + e.what());
    }
    if (f.atomtype != h[2])
      throw ParseError(source, hline, "section 'species " + h[2] + "' holds the network of " + f.atomtype);
    f.source = source + " [species " + h[2] + "]";
    section_lines.push_back(hline);
    model.species.push_back(std::move(f));
    i = end + 1;
  }
  auto fail_at = [&](std::size_t line) {
    return [&source, line](const std::string& what) { throw ParseError(source, line, what); };
  };
  check_species_set(model.species, fail_at(first_section_line));
  // The species and descriptor setups must be usable, not only readable.
  for (std::size_t s = 0; s < model.species.size(); ++s) {
    const AenetNetFile& f = model.species[s];
    std::vector<std::string> names = f.envtypes;
    names.push_back(f.atomtype);
    for (const auto& name : names)
      if (atomic_number_or_zero(name) == 0)
        throw ParseError(source, section_lines[s], "species section " + f.atomtype + ": '" + name + "' is not an element symbol");
    try {
      make_aenet_descriptor(f, m.chebyshev_version);
    } catch (const Error& e) {
      throw ParseError(source, section_lines[s], "species section " + f.atomtype + ": " + e.what());
    }
  }
  std::vector<std::string> section_names;
  for (const auto& f : model.species) section_names.push_back(f.atomtype);
  if (section_names != m.species)
    throw ParseError(source, species_entry.second,
                     "species '" + species_entry.first + "' does not list the species sections in their order");
  if (m.descriptor != descriptor_kind(model.species))
    throw ParseError(source, descriptor_entry.second,
                     "descriptor '" + m.descriptor + "' but the sections use " + descriptor_kind(model.species));
  m.cutoff_angstrom = max_cutoff(model.species);
  if (cutoff_entry.first != real_text(m.cutoff_angstrom))
    throw ParseError(source, cutoff_entry.second,
                     "cutoff_A '" + cutoff_entry.first + "' differs from the sections' largest Rc_max " +
                         real_text(m.cutoff_angstrom));
  return model;
}

NativeModel read_native_model(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open native model file '" + path + "'");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_native_model(ss.str(), path);
}

bool looks_like_native_model(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  char buf[16] = {};
  in.read(buf, sizeof buf);
  const std::string start(buf, static_cast<std::size_t>(in.gcount()));
  const std::string magic = std::string(kNativeModelMagic);
  return start.size() > magic.size() && start.compare(0, magic.size(), magic) == 0 &&
         (start[magic.size()] == ' ' || start[magic.size()] == '\t' || start[magic.size()] == '\n');
}

}  // namespace slhmc::nnp
