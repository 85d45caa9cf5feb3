// Fuzz target: the EAM file reader (all three formats) and the spline set-up
// must either succeed or throw slhmc::Error — never crash, hang, read out of
// bounds or allocate from unchecked header counts.
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/eam_tables.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  // The first byte picks the format, the rest is the file.
  const slhmc::EamFormat format = data[0] % 3 == 0   ? slhmc::EamFormat::funcfl
                                  : data[0] % 3 == 1 ? slhmc::EamFormat::setfl
                                                     : slhmc::EamFormat::fs;
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    const slhmc::EamFileData file = slhmc::parse_eam(text, "fuzz.eam", format);
    const slhmc::EamTables tables = slhmc::make_eam_tables(file, "fuzz.eam");
    // Evaluate a few lookups across and beyond the tables.
    for (double r : {0.0, 0.5 * tables.cutoff, tables.cutoff * 0.999999}) {
      int m;
      double p;
      tables.locate_r(r, m, p);
      volatile double v = tables.density[static_cast<std::size_t>(m)].value(p);
      (void)v;
    }
    for (double rho : {-1.0, 0.0, tables.rhomax, 2 * tables.rhomax + 1}) {
      double d;
      volatile double f = tables.embed(0, rho, d);
      (void)f;
    }
  } catch (const slhmc::Error&) {
  }
  return 0;
}
