// Helpers shared by the structure I/O tests: sample frames with labels, reading
// and writing through strings, exact comparison, and parse-error checks.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::test {

// A frame whose numbers use all 17 digits (so that any rounding shows), with a
// triclinic cell of the given periodicity (none at all if `isolated`), and
// energy, forces, virial and atomic energies when `labelled`.
inline LabelledFrame sample_frame(Pbc pbc, bool isolated, bool labelled, unsigned seed = 1) {
  LabelledFrame lf;
  const std::vector<int> species{22, 8, 8, 1, 6, 8, 22};
  double x = 0.1234567890123 + 0.01 * seed;
  auto next = [&] {  // deterministic irrational-looking numbers in (0, 1)
    x = std::fmod(x * 3.7 + 0.318309886183791, 1.0);
    return x;
  };
  if (!isolated)
    lf.frame.cell = Cell(Mat3{Vec3{7.1 + next(), 0.2 * next(), -0.1 * next()}, Vec3{1.3 * next(), 6.7 + next(), 0.1 * next()},
                              Vec3{-0.9 * next(), 0.7 * next(), 8.3 + next()}},
                         pbc);
  for (std::size_t i = 0; i < species.size(); ++i)
    lf.frame.add_atom(species[i], Vec3{7 * next() - 0.5, 6 * next(), 8 * next() + 0.25});
  if (labelled) {
    lf.labels.energy = -123.456789012345678 * next();
    lf.labels.forces.emplace();
    lf.labels.atomic_energies.emplace();
    for (std::size_t i = 0; i < species.size(); ++i) {
      lf.labels.forces->push_back(Vec3{next() - 0.5, 2 * next() - 1, 1e-7 * next()});
      lf.labels.atomic_energies->push_back(-3 * next());
    }
    Mat3 w{};
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b <= a; ++b) w[a][b] = w[b][a] = 10 * next() - 5;
    lf.labels.virial = w;
  }
  return lf;
}

inline std::string write_string(const std::vector<LabelledFrame>& frames, StructureFormat format,
                                const WriteOptions& options = {}) {
  std::ostringstream out;
  for (const auto& f : frames) write_structure(out, f, format, options);
  return out.str();
}

inline std::vector<LabelledFrame> read_string(const std::string& text, StructureFormat format,
                                              ReadOptions options = {}) {
  std::istringstream in(text);
  options.format = format;
  StructureReader reader(in, "test-input", options);
  std::vector<LabelledFrame> frames;
  while (auto f = reader.next()) frames.push_back(std::move(*f));
  return frames;
}

// Exact equality of the frame (and of the labels that both sides carry).
inline void expect_same_frame(const Frame& a, const Frame& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(a.numbers, b.numbers);
  EXPECT_EQ(a.positions, b.positions);
  EXPECT_EQ(a.masses, b.masses);
  EXPECT_EQ(a.cell.matrix(), b.cell.matrix());
  EXPECT_EQ(a.cell.pbc(), b.cell.pbc());
}

inline void expect_near_mat(const Mat3& a, const Mat3& b, double tol) {
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(a[i][j], b[i][j], tol) << "component " << i << "," << j;
}

// Expects a ParseError at `line` whose message contains `fragment`.
inline void expect_parse_error(const std::string& text, StructureFormat format, std::size_t line,
                               const std::string& fragment, ReadOptions options = {}) {
  try {
    read_string(text, format, options);
    ADD_FAILURE() << "expected a ParseError at line " << line << " for:\n" << text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "message '" << e.what() << "' lacks '" << fragment << "'";
    EXPECT_EQ(e.source(), "test-input");
  }
}

}  // namespace slhmc::test
