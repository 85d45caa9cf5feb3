// The i-PI wire format: layouts of cell, inverse cell and virial, unit
// conversions, and the refusal of malformed messages before allocation.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "slhmc/core/error.hpp"
#include "slhmc/core/units.hpp"
#include "slhmc/engines/ipi_message.hpp"

namespace slhmc::ipi {
namespace {

std::vector<double> doubles(const std::string& bytes, std::size_t offset, std::size_t count) {
  std::vector<double> out(count);
  std::memcpy(out.data(), bytes.data() + offset, 8 * count);
  return out;
}

std::string raw_int(std::int32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
std::string raw_doubles(const std::vector<double>& v) { return std::string(reinterpret_cast<const char*>(v.data()), 8 * v.size()); }

const Mat3 kCell{Vec3{5.0, 0.0, 0.0}, Vec3{1.0, 6.0, 0.0}, Vec3{0.5, 0.7, 7.0}};  // rows a, b, c in Å

template <class F>
void expect_error(F&& f, const std::string& fragment) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one containing '" << fragment << "'";
  } catch (const EngineError& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(IpiMessage, PosdataSendsTheCellAsColumnsRowMajorInBohr) {
  const AtomicUnits u = AtomicUnits::codata2018();
  const std::string m = encode_posdata(kCell, {Vec3{1, 2, 3}, Vec3{-1, 0.5, 4}}, u);
  ASSERT_EQ(m.size(), 160 + 24 * 2u);  // the spec's sizes include the header
  EXPECT_EQ(m.substr(0, 12), "POSDATA     ");
  const auto h = doubles(m, 12, 9);
  // a_x b_x c_x a_y b_y c_y a_z b_z c_z
  const double expected[9] = {5, 1, 0.5, 0, 6, 0.7, 0, 0, 7};
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(h[k] * u.bohr_angstrom, expected[k], 1e-14) << k;
  // inv(h) row-major: h · inv(h) = 1.
  const auto ih = doubles(m, 12 + 72, 9);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double s = 0;
      for (int k = 0; k < 3; ++k) s += h[3 * i + k] * ih[3 * k + j];
      EXPECT_NEAR(s, i == j ? 1.0 : 0.0, 1e-14);
    }
  std::int32_t n = 0;
  std::memcpy(&n, m.data() + 12 + 144, 4);
  EXPECT_EQ(n, 2);
  EXPECT_NEAR(doubles(m, 12 + 148, 6)[3] * u.bohr_angstrom, -1.0, 1e-15);
}

TEST(IpiMessage, PosdataRoundTripsThroughTheClientReader) {
  const AtomicUnits u = AtomicUnits::codata2018();
  const std::vector<Vec3> r{Vec3{1, 2, 3}, Vec3{-1, 0.5, 4}};
  const std::string m = encode_posdata(kCell, r, u);
  BufferSource in(m);
  EXPECT_EQ(read_header(in), "POSDATA");
  const PosData d = read_posdata(in, 2, u);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(d.cell_rows[i][j], kCell[i][j], 1e-14);
  EXPECT_NEAR(d.positions[1][2], 4.0, 1e-14);
  EXPECT_EQ(in.remaining(), 0u);
  BufferSource again(m.substr(12));
  expect_error([&] { read_posdata(again, 3, u); }, "holds 2 atoms, expected 3");
}

TEST(IpiMessage, ForcereadyConvertsUnitsAndKeepsTheFullVirial) {
  const AtomicUnits u = AtomicUnits::codata2018();
  const Mat3 w{Vec3{1, 0.2, 0.3}, Vec3{0.25, 2, 0.4}, Vec3{0.35, 0.45, 3}};  // deliberately asymmetric
  const std::string m = encode_forceready(-12.5, {Vec3{0.1, -0.2, 0.3}}, w, "{\"a\":1}", u);
  ASSERT_EQ(m.size(), 100 + 24u + 7u);
  EXPECT_NEAR(doubles(m, 12, 1)[0] * units::kHartreeToEv, -12.5, 1e-13);
  BufferSource in(m);
  EXPECT_EQ(read_header(in), "FORCEREADY");
  const ForceData d = read_forceready(in, 1, u);
  EXPECT_NEAR(d.energy, -12.5, 1e-13);
  EXPECT_NEAR(d.forces[0][1], -0.2, 1e-15);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(d.virial[i][j], w[i][j], 1e-15);
  EXPECT_EQ(d.extra, "{\"a\":1}");
}

TEST(IpiMessage, UpperTriangularVirialIsMirroredAsLammpsSendsIt) {
  const AtomicUnits u = AtomicUnits::codata2018();
  std::string payload = raw_doubles({-1.0}) + raw_int(1) + raw_doubles({0, 0, 0});
  payload += raw_doubles({1, 0.2, 0.3, 0, 2, 0.4, 0, 0, 3});
  payload += raw_int(0);
  BufferSource in(payload);
  const ForceData d = read_forceready(in, 1, u);
  EXPECT_NEAR(d.virial[1][0], 0.2 * u.hartree_ev, 1e-14);
  EXPECT_NEAR(d.virial[2][0], 0.3 * u.hartree_ev, 1e-14);
  EXPECT_NEAR(d.virial[2][1], 0.4 * u.hartree_ev, 1e-14);
  EXPECT_EQ(d.extra, "");
}

TEST(IpiMessage, SizesAreCheckedBeforeAllocation) {
  const AtomicUnits u = AtomicUnits::codata2018();
  BufferSource huge_n(raw_doubles({1.0}) + raw_int(2'000'000'000));
  expect_error([&] { read_forceready(huge_n, 4, u); }, "impossible atom count 2000000000");
  BufferSource negative(raw_doubles({1.0}) + raw_int(-3));
  expect_error([&] { read_forceready(negative, 4, u); }, "impossible atom count -3");
  BufferSource wrong(raw_doubles({1.0}) + raw_int(5));
  expect_error([&] { read_forceready(wrong, 4, u); }, "holds 5 atoms, expected 4");
  const std::string body = raw_doubles({1.0}) + raw_int(0) + raw_doubles(std::vector<double>(9, 0.0));
  BufferSource long_extra(body + raw_int(1 << 30));
  expect_error([&] { read_forceready(long_extra, 0, u, 1000); }, "length 1073741824 (allowed 0..1000 bytes)");
  BufferSource long_init(raw_int(0) + raw_int(-1));
  expect_error([&] { read_init(long_init); }, "the INIT text has length -1");
  BufferSource truncated(body.substr(0, 20));
  expect_error([&] { read_forceready(truncated, 0, u); }, "the stream ended");
}

TEST(IpiMessage, NonFiniteNumbersAreRefused) {
  const AtomicUnits u = AtomicUnits::codata2018();
  const double nan = std::nan("");
  const std::string zeros9 = raw_doubles(std::vector<double>(9, 0.0));
  BufferSource e(raw_doubles({nan}));
  expect_error([&] { read_forceready(e, 1, u); }, "non-finite energy");
  BufferSource f(raw_doubles({1.0}) + raw_int(1) + raw_doubles({0.0, INFINITY, 0.0}));
  expect_error([&] { read_forceready(f, 1, u); }, "non-finite force");
  BufferSource v(raw_doubles({1.0}) + raw_int(0) + raw_doubles({0, 0, 0, 0, nan, 0, 0, 0, 0}));
  expect_error([&] { read_forceready(v, 0, u); }, "non-finite virial");
  BufferSource p(zeros9 + zeros9 + raw_int(1) + raw_doubles({nan, 0, 0}));
  expect_error([&] { read_posdata(p, 1, u); }, "non-finite position");
}

TEST(IpiMessage, HeadersMustBeSpacePaddedUpperCaseWords) {
  BufferSource ok(header("HAVEDATA") + header("FORCEREADY"));
  EXPECT_EQ(read_header(ok), "HAVEDATA");
  EXPECT_EQ(read_header(ok), "FORCEREADY");
  for (const std::string& bad : {std::string("\x00\xffGARBAGE!\x01\x02", 12), std::string("status      "),
                                std::string("            "), std::string("READY\0\0\0\0\0\0\0", 12)}) {
    BufferSource in(bad);
    expect_error([&] { read_header(in); }, "garbage instead of a message header");
  }
  EXPECT_EQ(escape_bytes(std::string("A\x00\xff", 3)), "A\\x00\\xff");
}

TEST(IpiMessage, InitCarriesBeadAndText) {
  BufferSource in(encode_init(3, "batch_size:1"));
  EXPECT_EQ(read_header(in), "INIT");
  const InitData d = read_init(in);
  EXPECT_EQ(d.bead, 3);
  EXPECT_EQ(d.text, "batch_size:1");
}

}  // namespace
}  // namespace slhmc::ipi
