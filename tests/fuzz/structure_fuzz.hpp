// Shared body of the structure-format fuzz targets: reading arbitrary bytes
// must either give valid frames or throw slhmc::Error; every frame read must be
// consistent (validate() passes, label arrays match the atom count), and
// writing it back in the same format must give a file that reads again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::fuzz {

inline void check_frame(const LabelledFrame& f) {
  f.frame.validate();  // an Error here would be a silently wrong frame: abort below
  const std::size_t n = f.frame.size();
  if (f.labels.forces && f.labels.forces->size() != n) std::abort();
  if (f.labels.atomic_energies && f.labels.atomic_energies->size() != n) std::abort();
}

inline int fuzz_structure(const std::uint8_t* data, std::size_t size, StructureFormat format) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::istringstream in(text);
  ReadOptions options;
  options.format = format;
  try {
    StructureReader reader(in, "fuzz", options);
    int frames = 0;
    while (auto frame = reader.next()) {
      try {
        check_frame(*frame);
      } catch (const Error&) {
        std::abort();
      }
      if (++frames > 1000) break;
      std::ostringstream out;
      try {
        write_structure(out, *frame, format);
      } catch (const Error&) {
        continue;  // not every frame fits every format (e.g. mixed pbc in POSCAR)
      }
      // What we wrote must read back.
      std::istringstream again(out.str());
      StructureReader reread(again, "fuzz-rewritten", options);
      try {
        if (!reread.next()) std::abort();
      } catch (const Error&) {
        std::abort();
      }
    }
  } catch (const Error&) {
  }
  return 0;
}

}  // namespace slhmc::fuzz
