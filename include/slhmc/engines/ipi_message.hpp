// The i-PI wire format (see shared/specs/ipi-protocol.md): 12-byte headers,
// little-endian int32/float64 payloads in Bohr and Hartree, and the layouts of
// cell, inverse cell and virial. Encoding builds one buffer per message (so a
// message goes out in one write); decoding reads from a ByteSource and checks
// every size before it allocates. Both the server (reference engines) and the
// client (`slhmc serve`) use these functions, and the fuzz target drives them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slhmc/core/cell.hpp"
#include "slhmc/core/vec3.hpp"

namespace slhmc::ipi {

inline constexpr std::size_t kHeaderSize = 12;
// Limits applied before any allocation. Atom counts are additionally checked
// against the count the conversation expects.
inline constexpr std::int32_t kMaxAtoms = 10'000'000;
inline constexpr std::int32_t kDefaultMaxTextBytes = 1 << 20;

// Conversion constants between slhmc's units and the wire's. Defaults are
// CODATA 2018 (as units.hpp); a client that converts with other constants
// round-trips exactly only if the server uses the same ones (ASE 3.22 uses
// CODATA 2014, LAMMPS truncated ones; docs/engines.md lists them).
struct AtomicUnits {
  double bohr_angstrom;  // Å per Bohr
  double hartree_ev;     // eV per Hartree
  static AtomicUnits codata2018();
};

// Where bytes come from: a socket with a deadline, or a buffer (tests, fuzzing).
// read_exact fills all `size` bytes or throws EngineError (end of stream, time limit).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual void read_exact(void* data, std::size_t size) = 0;
};

// A source over a copy of fixed bytes; running out of bytes throws EngineError.
class BufferSource final : public ByteSource {
 public:
  explicit BufferSource(std::string bytes) : bytes_(std::move(bytes)) {}
  void read_exact(void* data, std::size_t size) override;
  std::size_t remaining() const { return bytes_.size() - pos_; }

 private:
  std::string bytes_;
  std::size_t pos_ = 0;
};

// The header word without its padding ("STATUS"). Throws EngineError for
// bytes that are not a space-padded upper-case word (naming them, escaped).
std::string read_header(ByteSource& in);
// The 12 bytes of `word` padded with spaces.
std::string header(std::string_view word);
// Printable form of arbitrary bytes for error messages ("GARB\x00\xff...").
std::string escape_bytes(std::string_view bytes);

// Positions message as the server sends it. Cell rows (lattice vectors, Å) and
// positions (Å) go out as h (vectors as columns, row-major), inv(h) and
// positions in Bohr. A cell that cannot be inverted (an isolated cluster
// without a box) goes out with a zero inverse.
std::string encode_posdata(const Mat3& cell_rows, const std::vector<Vec3>& positions, const AtomicUnits& units);
struct PosData {
  Mat3 cell_rows{};             // lattice vectors as rows, Å (from h; the inverse on the wire is ignored)
  std::vector<Vec3> positions;  // Å
};
// Reads a POSDATA payload (after its header). The atom count must equal
// `expected_atoms` (negative: any count up to kMaxAtoms) and is checked before
// the positions are allocated; non-finite numbers are refused.
PosData read_posdata(ByteSource& in, std::int32_t expected_atoms, const AtomicUnits& units);

// INIT: bead index and free text.
std::string encode_init(std::int32_t bead, std::string_view text);
struct InitData {
  std::int32_t bead = 0;
  std::string text;
};
InitData read_init(ByteSource& in, std::int32_t max_text_bytes = kDefaultMaxTextBytes);

// FORCEREADY as a client sends it: energy (eV), forces (eV/Å), virial
// W = −∂E/∂ε (eV, row-major 3×3, not divided by the volume) and extra text.
std::string encode_forceready(double energy, const std::vector<Vec3>& forces, const Mat3& virial,
                              std::string_view extra, const AtomicUnits& units);
struct ForceData {
  double energy = 0;         // eV
  std::vector<Vec3> forces;  // eV/Å
  Mat3 virial{};             // eV; a virial with a zero lower triangle (LAMMPS) is mirrored from the upper one
  std::string extra;         // trailing NULs removed
};
// Reads a FORCEREADY payload (after its header). The atom count must equal
// `expected_atoms`; the extra text must be at most max_extra_bytes; both are
// checked before allocation. Non-finite energy, forces or virial are refused
// with an EngineError naming the value.
ForceData read_forceready(ByteSource& in, std::int32_t expected_atoms, const AtomicUnits& units,
                          std::int32_t max_extra_bytes = kDefaultMaxTextBytes);

}  // namespace slhmc::ipi
