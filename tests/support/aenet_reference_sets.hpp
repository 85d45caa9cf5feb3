// The four aenet reference network sets of ../shared/reference/aenet (see its
// README): directory, network files and the Chebyshev convention each must be
// evaluated with.
#pragma once

namespace slhmc::test {

struct AenetSet {
  const char* dir;
  const char* ti;  // Ti network file
  const char* o;   // O network file
  int version;     // aenet Chebyshev convention (0: aenet >= 2.0.4, 1: <= 2.0.3)
};

inline constexpr AenetSet kAenetSets[] = {
    {"chebyshev_pytorch", "Ti.pytorch.nn", "O.pytorch.nn", 0},
    {"behler2011", "Ti.behler.nn", "O.behler.nn", 0},
    {"chebyshev_example_v1", "Ti.15t-15t.nn", "O.15t-15t.nn", 1},
    {"chebyshev_example_v0", "Ti.15t-15t.nn", "O.15t-15t.nn", 0},
};

}  // namespace slhmc::test
