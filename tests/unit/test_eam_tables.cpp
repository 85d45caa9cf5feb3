// EAM file reading (three formats, errors with lines) and LAMMPS's spline
// scheme (exactness, continuity, clamping, extension beyond ρ_max).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "eam_test_files.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/forces/classical/eam_tables.hpp"

using namespace slhmc;

namespace {

// Expects a ParseError at `line` whose message contains `text`.
void expect_parse_error(const std::string& file, EamFormat format, std::size_t line, const std::string& text) {
  try {
    parse_eam(file, "bad.eam", format);
    ADD_FAILURE() << "no error for: " << text;
  } catch (const ParseError& e) {
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bad.eam"), std::string::npos) << e.what();
  }
}

std::string replace_line(const std::string& text, int line, const std::string& with) {
  std::size_t pos = 0;
  for (int k = 1; k < line; ++k) pos = text.find('\n', pos) + 1;
  const std::size_t end = text.find('\n', pos);
  return text.substr(0, pos) + with + text.substr(end);
}

}  // namespace

TEST(EamFormat, NamesAndGuesses) {
  EXPECT_EQ(guess_eam_format("/a/Cu_u3.eam"), EamFormat::funcfl);
  EXPECT_EQ(guess_eam_format("Cu_zhou.eam.alloy"), EamFormat::setfl);
  EXPECT_EQ(guess_eam_format("CuZr_mm.eam.fs"), EamFormat::fs);
  EXPECT_THROW(guess_eam_format("CuTa_eam.poly"), Error);
  EXPECT_EQ(eam_format_from_name("fs"), EamFormat::fs);
  EXPECT_THROW(eam_format_from_name("alloy"), Error);
  EXPECT_STREQ(eam_format_name(EamFormat::setfl), "setfl");
}

TEST(EamSpline, ReproducesCubicsInsideAndIsC1) {
  // The 5-point slopes are exact for cubics, so every interval whose two knots
  // have 5-point slopes reproduces the cubic exactly.
  const double delta = 0.1;
  auto f = [](double x) { return 0.3 * x * x * x - x * x + 2.0 * x - 0.5; };
  auto df = [](double x) { return 0.9 * x * x - 2.0 * x + 2.0; };
  std::vector<double> v(12);
  for (std::size_t k = 0; k < v.size(); ++k) v[k] = f(k * delta);
  const auto knots = eam_spline(v, delta);
  ASSERT_EQ(knots.size(), v.size());
  for (std::size_t m = 2; m + 3 < v.size(); ++m)
    for (double p : {0.0, 0.25, 0.7, 1.0}) {
      EXPECT_NEAR(knots[m].value(p), f((m + p) * delta), 1e-13) << m << " " << p;
      EXPECT_NEAR(knots[m].derivative(p), df((m + p) * delta), 1e-12) << m << " " << p;
    }
  // Everywhere: interpolating, value and slope continuous, derivative = d value/dr.
  for (std::size_t m = 0; m + 1 < v.size(); ++m) {
    EXPECT_EQ(knots[m].value(0.0), v[m]);
    EXPECT_NEAR(knots[m].value(1.0), v[m + 1], 1e-14);
    EXPECT_NEAR(knots[m].derivative(1.0), knots[m + 1].derivative(0.0), 1e-12);
    const double h = 1e-6, p = 0.37;
    EXPECT_NEAR(knots[m].derivative(p), (knots[m].value(p + h) - knots[m].value(p - h)) / (2 * h * delta), 1e-7);
  }
  // The end formulas: one-sided at the ends, 3-point next to them.
  EXPECT_DOUBLE_EQ(knots[0].v1, v[1] - v[0]);
  EXPECT_DOUBLE_EQ(knots[1].v1, 0.5 * (v[2] - v[0]));
  EXPECT_DOUBLE_EQ(knots[11].v1, v[11] - v[10]);
  EXPECT_EQ(knots[11].v2, 0.0);
  EXPECT_EQ(knots[11].v3, 0.0);
  EXPECT_THROW(eam_spline({1, 2, 3, 4}, 0.1), Error);
  EXPECT_THROW(eam_spline({1, 2, 3, 4, 5}, 0.0), Error);
}

TEST(EamParse, SetflRoundTrip) {
  test::SyntheticGrid g;
  const EamFileData d = parse_eam(test::synthetic_multi({"Cu", "Ni"}, false, g), "x.eam.alloy", EamFormat::setfl);
  ASSERT_EQ(d.elements, (std::vector<std::string>{"Cu", "Ni"}));
  EXPECT_EQ(d.masses, (std::vector<double>{20.0, 21.0}));
  EXPECT_EQ(d.nrho, g.nrho);
  EXPECT_EQ(d.nr, g.nr);
  EXPECT_DOUBLE_EQ(d.cutoff, g.cutoff);
  ASSERT_EQ(d.embedding.size(), 2u);
  ASSERT_EQ(d.density.size(), 2u);
  ASSERT_EQ(d.rphi.size(), 3u);
  EXPECT_DOUBLE_EQ(d.embedding[1][7], test::synthetic_embedding(1, 7 * g.drho));
  EXPECT_DOUBLE_EQ(d.density[1][9], test::synthetic_density(0, 1, 9 * g.dr, g.cutoff));
  EXPECT_DOUBLE_EQ(d.rphi[2][30], test::synthetic_rphi(1, 1, 30 * g.dr, g.cutoff));
  EXPECT_DOUBLE_EQ(d.rphi[1][30], test::synthetic_rphi(1, 0, 30 * g.dr, g.cutoff));

  const EamTables t = make_eam_tables(d, "x");
  EXPECT_EQ(t.atomic_numbers, (std::vector<int>{29, 28}));
  EXPECT_DOUBLE_EQ(t.rhomax, (g.nrho - 1) * g.drho);
  EXPECT_EQ(t.density.size(), 2u * g.nr);
  // setfl: the density at a Cu centre from a Ni neighbour is Ni's function, whatever the centre.
  EXPECT_EQ(t.density_index, (std::vector<int>{0, 1, 0, 1}));
  EXPECT_EQ(t.pair_index, (std::vector<int>{0, 1, 1, 2}));
}

TEST(EamParse, FinnisSinclairOrder) {
  test::SyntheticGrid g;
  const EamFileData d = parse_eam(test::synthetic_multi({"Cu", "Zr"}, true, g), "x.eam.fs", EamFormat::fs);
  ASSERT_EQ(d.density.size(), 4u);
  // density[b·n + a] = ρ_{a←b}: block of neighbour element b, function of centre element a.
  EXPECT_DOUBLE_EQ(d.density[1 * 2 + 0][5], test::synthetic_density(0, 1, 5 * g.dr, g.cutoff));
  EXPECT_DOUBLE_EQ(d.density[0 * 2 + 1][5], test::synthetic_density(1, 0, 5 * g.dr, g.cutoff));
  const EamTables t = make_eam_tables(d, "x");
  // density_index[a·n + b] → function b·n + a.
  EXPECT_EQ(t.density_index, (std::vector<int>{0, 2, 1, 3}));
  const double r = 2.345;
  int m;
  double p;
  t.locate_r(r, m, p);
  EXPECT_NEAR(t.density[t.density_index[0 * 2 + 1] * t.nr + m].value(p), test::synthetic_density(0, 1, r, g.cutoff),
              1e-8);
}

TEST(EamParse, FuncflCommonGrid) {
  test::SyntheticGrid g;
  const EamFileData d = parse_eam(test::synthetic_funcfl(29, g), "x.eam", EamFormat::funcfl);
  EXPECT_EQ(d.elements, std::vector<std::string>{"Cu"});
  EXPECT_EQ(d.charge.size(), static_cast<std::size_t>(g.nr));
  const EamTables t = make_eam_tables(d, "x");
  // LAMMPS's common grid: round((n−1)·Δ/Δ) = n−1 points; ρ_max stays (n_file − 1)·Δρ.
  EXPECT_EQ(t.nr, g.nr - 1);
  EXPECT_EQ(t.nrho, g.nrho - 1);
  EXPECT_DOUBLE_EQ(t.rhomax, (g.nrho - 1) * g.drho);
  // Lagrange re-tabulation at the file's own grid points gives back the file values;
  // the pair function is 27.2·0.529·Z².
  for (int k : {0, 1, 50, g.nr - 2}) {
    EXPECT_NEAR(t.density[k].v0, d.density[0][k], 1e-13) << k;
    EXPECT_NEAR(t.rphi[k].v0, 27.2 * 0.529 * d.charge[k] * d.charge[k], 1e-12) << k;
  }
  EXPECT_NEAR(t.embedding[3].v0, d.embedding[0][3], 1e-13);
}

TEST(EamTables, ClampingAndExtension) {
  test::SyntheticGrid g;
  g.cutoff = 7.0;  // beyond the last knot at (nr − 1)·dr = 5.99 Å
  const EamTables t = make_eam_tables(parse_eam(test::synthetic_multi({"Cu"}, false, g), "x", EamFormat::setfl), "x");
  int m;
  double p;
  t.locate_r(6.5, m, p);  // beyond the table: the end of the last interval
  EXPECT_EQ(m, g.nr - 2);
  EXPECT_EQ(p, 1.0);
  t.locate_r(0.0, m, p);
  EXPECT_EQ(m, 0);
  EXPECT_EQ(p, 0.0);
  t.locate_r(1.005, m, p);
  EXPECT_EQ(m, 100);
  EXPECT_NEAR(p, 0.5, 1e-9);

  // F is extended linearly beyond ρ_max with the end slope, continuously.
  double d_end, d_beyond;
  const double F_end = t.embed(0, t.rhomax, d_end);
  const double F_beyond = t.embed(0, t.rhomax + 0.7, d_beyond);
  EXPECT_DOUBLE_EQ(d_beyond, d_end);
  EXPECT_NEAR(F_beyond, F_end + 0.7 * d_end, 1e-12);
  EXPECT_NEAR(F_end, test::synthetic_embedding(0, t.rhomax), 1e-9);
  // Below 0 the first cubic is extrapolated (continuous at 0).
  double d0, dneg;
  const double F0 = t.embed(0, 0.0, d0);
  const double Fneg = t.embed(0, -1e-9, dneg);
  EXPECT_NEAR(Fneg, F0 - 1e-9 * d0, 1e-15);
  double dnan;
  EXPECT_TRUE(std::isnan(t.embed(0, std::nan(""), dnan)));
}

TEST(EamParse, ErrorsNameTheLine) {
  test::SyntheticGrid g;
  g.nrho = 10;
  g.nr = 10;
  const std::string good = test::synthetic_multi({"Cu", "Ni"}, false, g);
  ASSERT_NO_THROW(parse_eam(good, "ok", EamFormat::setfl));
  // Line 4: elements; line 5: grid; line 6: Cu's header; lines 7–8: F; 9–10: ρ.
  expect_parse_error(replace_line(good, 4, "3 Cu Ni"), EamFormat::setfl, 4, "N El1");
  expect_parse_error(replace_line(good, 5, "10 0.01 10 -0.01 5.5"), EamFormat::setfl, 5, "dr must be positive");
  expect_parse_error(replace_line(good, 5, "10 0.01 1e12 0.01 5.5"), EamFormat::setfl, 5, "expected an integer");
  expect_parse_error(replace_line(good, 6, "29"), EamFormat::setfl, 6, "atomic-number mass");
  expect_parse_error(replace_line(good, 7, "1 2 x 4 5"), EamFormat::setfl, 7, "expected a number, got 'x'");
  expect_parse_error(replace_line(good, 8, "1 2 3 4 5 6"), EamFormat::setfl, 8, "beyond the 10 expected");
  expect_parse_error(replace_line(good, 7, "1 2 nan 4 5"), EamFormat::setfl, 7, "not finite");
  EXPECT_THROW(parse_eam(good.substr(0, good.size() / 2), "x", EamFormat::setfl), ParseError);
  try {
    parse_eam(good + "1.0\n", "x", EamFormat::setfl);
    ADD_FAILURE() << "trailing content accepted";
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("after the last table"), std::string::npos) << e.what();
  }
  // A setfl file read as fs runs out of data or misreads a header.
  EXPECT_THROW(parse_eam(good, "x", EamFormat::fs), ParseError);
  // Blank lines and comments between values are skipped, as LAMMPS does.
  std::string spaced = good;
  std::size_t pos = 0;
  for (int k = 1; k < 8; ++k) pos = spaced.find('\n', pos) + 1;
  spaced.insert(pos, "\n   \n# a comment\n");
  const EamFileData a = parse_eam(good, "x", EamFormat::setfl);
  const EamFileData b = parse_eam(spaced, "x", EamFormat::setfl);
  EXPECT_EQ(a.embedding, b.embedding);
  EXPECT_EQ(a.rphi, b.rphi);
}

TEST(EamParse, TruncatedFileReportsWhatIsMissing) {
  const std::string text = test::synthetic_funcfl(29);
  try {
    parse_eam(text.substr(0, text.size() - 200), "cut.eam", EamFormat::funcfl);
    FAIL();
  } catch (const ParseError& e) {
    EXPECT_NE(std::string(e.what()).find("rho(r)"), std::string::npos) << e.what();
  }
}

TEST(EamParse, EveryShippedLammpsFile) {
  const std::string dir = "/usr/share/lammps/potentials";
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no " << dir;
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    EamFormat format;
    try {
      format = guess_eam_format(name);
    } catch (const Error&) {
      continue;
    }
    SCOPED_TRACE(name);
    const EamFileData d = read_eam_file(entry.path().string(), format);
    const EamTables t = make_eam_tables(d, name);
    EXPECT_GT(t.cutoff, 1.0);
    EXPECT_EQ(t.embedding.size(), t.num_elements() * t.nrho);
    ++count;
  }
  EXPECT_GT(count, 20);
}

TEST(EamParse, MissingFile) { EXPECT_THROW(read_eam_file("/nonexistent/x.eam", EamFormat::funcfl), Error); }
