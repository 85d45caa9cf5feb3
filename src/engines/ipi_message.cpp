// Encoding and decoding of i-PI messages (see ipi_message.hpp).
#include "slhmc/engines/ipi_message.hpp"

#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"

namespace slhmc::ipi {

// The wire is little-endian; numbers are copied as they are in memory.
static_assert(std::endian::native == std::endian::little, "the i-PI encoding assumes a little-endian host");

namespace {

void put(std::string& out, const void* data, std::size_t size) { out.append(static_cast<const char*>(data), size); }
void put_int(std::string& out, std::int32_t v) { put(out, &v, sizeof v); }
void put_double(std::string& out, double v) { put(out, &v, sizeof v); }

std::int32_t get_int(ByteSource& in) {
  std::int32_t v = 0;
  in.read_exact(&v, sizeof v);
  return v;
}

double get_finite(ByteSource& in, const char* what) {
  double v = 0;
  in.read_exact(&v, sizeof v);
  if (!std::isfinite(v)) throw EngineError(std::string("i-PI: the client sent a non-finite ") + what);
  return v;
}

// A 3×3 block of the wire (row-major).
Mat3 get_matrix(ByteSource& in, const char* what) {
  double raw[9];
  in.read_exact(raw, sizeof raw);
  Mat3 m{};
  for (int k = 0; k < 9; ++k) {
    if (!std::isfinite(raw[k])) throw EngineError(std::string("i-PI: the client sent a non-finite ") + what);
    m[k / 3][k % 3] = raw[k];
  }
  return m;
}

std::int32_t get_count(ByteSource& in, std::int32_t expected, const char* message) {
  const std::int32_t n = get_int(in);
  if (n < 0 || n > kMaxAtoms)
    throw EngineError(std::string("i-PI: ") + message + " holds an impossible atom count " + std::to_string(n));
  if (expected >= 0 && n != expected)
    throw EngineError(std::string("i-PI: ") + message + " holds " + std::to_string(n) + " atoms, expected " +
                      std::to_string(expected));
  return n;
}

std::string get_text(ByteSource& in, std::int32_t max_bytes, const char* what) {
  const std::int32_t m = get_int(in);
  if (m < 0 || m > max_bytes)
    throw EngineError(std::string("i-PI: ") + what + " has length " + std::to_string(m) + " (allowed 0.." +
                      std::to_string(max_bytes) + " bytes)");
  std::string text(static_cast<std::size_t>(m), '\0');
  if (m > 0) in.read_exact(text.data(), text.size());
  while (!text.empty() && text.back() == '\0') text.pop_back();
  return text;
}

}  // namespace

AtomicUnits AtomicUnits::codata2018() { return {units::kBohrToAngstrom, units::kHartreeToEv}; }

void BufferSource::read_exact(void* data, std::size_t size) {
  if (size > bytes_.size() - pos_)
    throw EngineError("i-PI: the stream ended after " + std::to_string(bytes_.size()) + " bytes, inside a message");
  std::memcpy(data, bytes_.data() + pos_, size);
  pos_ += size;
}

std::string escape_bytes(std::string_view bytes) {
  std::string out;
  for (const char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
      out += buf;
    }
  }
  return out;
}

std::string header(std::string_view word) {
  std::string h(word.substr(0, kHeaderSize));
  h.resize(kHeaderSize, ' ');
  return h;
}

std::string read_header(ByteSource& in) {
  char raw[kHeaderSize];
  in.read_exact(raw, kHeaderSize);
  const std::string_view bytes(raw, kHeaderSize);
  std::size_t end = kHeaderSize;
  while (end > 0 && bytes[end - 1] == ' ') --end;
  bool ok = end > 0;
  for (std::size_t k = 0; k < end && ok; ++k) ok = bytes[k] >= 'A' && bytes[k] <= 'Z';
  if (!ok) throw EngineError("i-PI: garbage instead of a message header: \"" + escape_bytes(bytes) + "\"");
  return std::string(bytes.substr(0, end));
}

std::string encode_posdata(const Mat3& cell_rows, const std::vector<Vec3>& positions, const AtomicUnits& units) {
  if (positions.size() > static_cast<std::size_t>(kMaxAtoms)) throw EngineError("i-PI: too many atoms for one message");
  const double to_bohr = 1.0 / units.bohr_angstrom;
  const bool invertible = std::abs(determinant(cell_rows)) > 0;
  const Mat3 inv_rows = invertible ? inverse(cell_rows) : Mat3{};
  std::string out = header("POSDATA");
  out.reserve(kHeaderSize + 160 + 24 * positions.size());
  // h = rowsᵀ (vectors as columns), row-major: h[i][j] = rows[j][i].
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) put_double(out, cell_rows[j][i] * to_bohr);
  // inv(h) = inv(rows)ᵀ, row-major, in 1/Bohr.
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) put_double(out, inv_rows[j][i] * units.bohr_angstrom);
  put_int(out, static_cast<std::int32_t>(positions.size()));
  for (const Vec3& r : positions)
    for (int k = 0; k < 3; ++k) put_double(out, r[k] * to_bohr);
  return out;
}

PosData read_posdata(ByteSource& in, std::int32_t expected_atoms, const AtomicUnits& units) {
  PosData d;
  const Mat3 h = get_matrix(in, "cell");
  get_matrix(in, "inverse cell");  // ignored: ASE sends its transpose; h is what counts
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) d.cell_rows[j][i] = h[i][j] * units.bohr_angstrom;
  const std::int32_t n = get_count(in, expected_atoms, "POSDATA");
  d.positions.resize(static_cast<std::size_t>(n));
  for (Vec3& r : d.positions)
    for (int k = 0; k < 3; ++k) r[k] = get_finite(in, "position") * units.bohr_angstrom;
  return d;
}

std::string encode_init(std::int32_t bead, std::string_view text) {
  std::string out = header("INIT");
  put_int(out, bead);
  put_int(out, static_cast<std::int32_t>(text.size()));
  out.append(text);
  return out;
}

InitData read_init(ByteSource& in, std::int32_t max_text_bytes) {
  InitData d;
  d.bead = get_int(in);
  d.text = get_text(in, max_text_bytes, "the INIT text");
  return d;
}

std::string encode_forceready(double energy, const std::vector<Vec3>& forces, const Mat3& virial,
                              std::string_view extra, const AtomicUnits& units) {
  const double force_unit = units.bohr_angstrom / units.hartree_ev;  // (eV/Å) → Hartree/Bohr
  std::string out = header("FORCEREADY");
  out.reserve(kHeaderSize + 100 + 24 * forces.size() + extra.size());
  put_double(out, energy / units.hartree_ev);
  put_int(out, static_cast<std::int32_t>(forces.size()));
  for (const Vec3& f : forces)
    for (int k = 0; k < 3; ++k) put_double(out, f[k] * force_unit);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) put_double(out, virial[i][j] / units.hartree_ev);
  // ASE's client sends one NUL rather than nothing; an empty extra is sent as that too.
  if (extra.empty()) {
    put_int(out, 1);
    out.push_back('\0');
  } else {
    put_int(out, static_cast<std::int32_t>(extra.size()));
    out.append(extra);
  }
  return out;
}

ForceData read_forceready(ByteSource& in, std::int32_t expected_atoms, const AtomicUnits& units,
                          std::int32_t max_extra_bytes) {
  ForceData d;
  d.energy = get_finite(in, "energy") * units.hartree_ev;
  const std::int32_t n = get_count(in, expected_atoms, "FORCEREADY");
  const double force_unit = units.hartree_ev / units.bohr_angstrom;
  d.forces.resize(static_cast<std::size_t>(n));
  for (Vec3& f : d.forces)
    for (int k = 0; k < 3; ++k) f[k] = get_finite(in, "force") * force_unit;
  Mat3 w = get_matrix(in, "virial");
  // LAMMPS fills only the upper triangle; the virial is symmetric, so mirror it.
  if (w[1][0] == 0 && w[2][0] == 0 && w[2][1] == 0) {
    w[1][0] = w[0][1];
    w[2][0] = w[0][2];
    w[2][1] = w[1][2];
  }
  d.virial = units.hartree_ev * w;
  d.extra = get_text(in, max_extra_bytes, "the FORCEREADY extra string");
  return d;
}

}  // namespace slhmc::ipi
