// aenet `.nn` writers: every reference network (and the fuzz seed) read →
// written in both forms → read back gives identical fields and bit-identical
// doubles; the binary output reproduces the original files byte for byte; the
// bookkeeping records are recomputed; unrepresentable input is refused.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/nnp/aenet_writer.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

// Bitwise equality (distinguishes −0.0 from 0.0).
void expect_same_bits(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t k = 0; k < a.size(); ++k)
    EXPECT_EQ(std::memcmp(&a[k], &b[k], sizeof(double)), 0) << what << "[" << k << "]: " << a[k] << " vs " << b[k];
}

void expect_same_file(const AenetNetFile& a, const AenetNetFile& b) {
  EXPECT_EQ(a.nnodes, b.nnodes);
  EXPECT_EQ(a.activation_codes, b.activation_codes);
  expect_same_bits(a.weights, b.weights, "W");
  EXPECT_EQ(a.description, b.description);
  EXPECT_EQ(a.atomtype, b.atomtype);
  EXPECT_EQ(a.envtypes, b.envtypes);
  expect_same_bits({a.rc_min, a.rc_max, a.scale, a.shift, a.e_min, a.e_max, a.e_av},
                   {b.rc_min, b.rc_max, b.scale, b.shift, b.e_min, b.e_max, b.e_av}, "scalars");
  EXPECT_EQ(a.sftype, b.sftype);
  EXPECT_EQ(a.nsf, b.nsf);
  EXPECT_EQ(a.nsfparam, b.nsfparam);
  EXPECT_EQ(a.sf, b.sf);
  expect_same_bits(a.sfparam, b.sfparam, "sfparam");
  EXPECT_EQ(a.sfenv, b.sfenv);
  EXPECT_EQ(a.neval, b.neval);
  expect_same_bits(a.sfval_min, b.sfval_min, "sfval_min");
  expect_same_bits(a.sfval_max, b.sfval_max, "sfval_max");
  expect_same_bits(a.sfval_avg, b.sfval_avg, "sfval_avg");
  expect_same_bits(a.sfval_cov, b.sfval_cov, "sfval_cov");
  EXPECT_EQ(a.trainset_file, b.trainset_file);
  EXPECT_EQ(a.normalized, b.normalized);
  EXPECT_EQ(a.type_names, b.type_names);
  expect_same_bits(a.e_atom, b.e_atom, "E_atom");
  EXPECT_EQ(a.natoms_tot, b.natoms_tot);
  EXPECT_EQ(a.nstrucs, b.nstrucs);
}

// gfortran records of a binary file (payloads).
std::vector<std::string> records_of(const std::string& bytes) {
  std::vector<std::string> out;
  for (std::size_t p = 0; p + 4 <= bytes.size();) {
    std::int32_t n;
    std::memcpy(&n, bytes.data() + p, 4);
    out.push_back(bytes.substr(p + 4, static_cast<std::size_t>(n)));
    p += 8 + static_cast<std::size_t>(n);
  }
  return out;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(' ') - b + 1);
}

// Our binary equals the original byte for byte, except that the readers trim the leading blanks
// of the free-text records (description, training-set name): there, only the blanks may differ.
// `own_description`: the source states another description than the original binary (the
// aenet-PyTorch .orig-ascii files say "Descriptor for O." where the binary says "Descriptor").
void expect_same_records(const std::string& ours, const std::string& original, const std::string& what,
                         bool own_description) {
  EXPECT_EQ(ours.size(), original.size()) << what;
  const auto a = records_of(ours), b = records_of(original);
  ASSERT_EQ(a.size(), 36u);
  ASSERT_EQ(b.size(), 36u);
  for (std::size_t r = 0; r < 36; ++r) {
    if (a[r] == b[r]) continue;
    if (r == 9 && own_description) continue;
    const bool text = r == 9 || r == 26;
    EXPECT_TRUE(text && a[r].size() == b[r].size() && trimmed(a[r]) == trimmed(b[r]))
        << what << ": record " << r + 1 << " differs";
  }
}

// Read → write (both forms) → read back; the binary must equal `original_binary` if given.
void round_trip(const std::string& path, const std::string* original_binary) {
  SCOPED_TRACE(path);
  const AenetNetFile f = read_aenet_nn(path);
  const std::string ascii = format_aenet_nn_ascii(f);
  const std::string binary = format_aenet_nn_binary(f);
  expect_same_file(f, parse_aenet_nn_ascii(ascii, "written.ascii"));
  expect_same_file(f, parse_aenet_nn_binary(binary, "written.nn"));
  if (original_binary)
    expect_same_records(binary, *original_binary, f.source, path.find(".orig-ascii") != std::string::npos);
  // Through the file readers (content detection) as well.
  test::TempDir tmp;
  test::write_text(tmp.file("x.nn"), binary);
  test::write_text(tmp.file("x.nn.ascii"), ascii);
  expect_same_file(f, read_aenet_nn(tmp.file("x.nn")));
  expect_same_file(f, read_aenet_nn(tmp.file("x.nn.ascii")));
}

AenetNetFile seed_file() {
  return read_aenet_nn(std::string(SLHMC_SOURCE_DIR) + "/tests/fuzz/corpus/aenet_nn/tiny.nn.ascii");
}

}  // namespace

TEST(AenetWriter, SeedFileRoundTripsAndMatchesTheSeedBinary) {
  const std::string dir = std::string(SLHMC_SOURCE_DIR) + "/tests/fuzz/corpus/aenet_nn/";
  const std::string bin = test::read_text(dir + "tiny.nn");
  round_trip(dir + "tiny.nn", &bin);
  round_trip(dir + "tiny.nn.ascii", &bin);
}

TEST(AenetWriter, ReferenceNetworksRoundTripExactly) {
  SLHMC_REQUIRE_SHARED(root, "reference/aenet");
  int files = 0;
  for (const char* set : {"chebyshev_pytorch", "behler2011", "chebyshev_example_v0", "chebyshev_example_v1"}) {
    for (const auto& e : std::filesystem::directory_iterator(root + "/" + set)) {
      const std::string p = e.path().string();
      const std::string name = e.path().filename().string();
      const bool binary = name.size() > 3 && name.compare(name.size() - 3, 3, ".nn") == 0;
      const bool ascii = name.find(".nn.ascii") != std::string::npos || name.find(".nn.orig-ascii") != std::string::npos;
      if (!binary && !ascii) continue;
      // Every form's binary output must equal the shipped binary file of the same network.
      const std::string bin_path = p.substr(0, p.find(".nn") + 3);
      const std::string original = test::read_text(bin_path);
      round_trip(p, &original);
      ++files;
    }
  }
  EXPECT_EQ(files, 18);  // 4 sets × 2 species × (binary + ASCII) + 2 original aenet-PyTorch files
}

TEST(AenetWriter, AsciiLayoutIsOneGroupPerLine) {
  const AenetNetFile f = seed_file();
  const std::string text = format_aenet_nn_ascii(f);
  std::vector<std::string> lines;
  for (std::size_t p = 0; p < text.size();) {
    const auto e = text.find('\n', p);
    lines.push_back(text.substr(p, e - p));
    p = e + 1;
  }
  ASSERT_EQ(lines.size(), 36u);
  EXPECT_EQ(lines[0], "3");
  EXPECT_EQ(lines[1], "4");    // nnodes_max
  EXPECT_EQ(lines[2], "13");   // Wsize
  EXPECT_EQ(lines[3], "9");    // nvalues = 5 + 3 + 1
  EXPECT_EQ(lines[6], "0 10 13");
  EXPECT_EQ(lines[7], "0 5 8");
  EXPECT_EQ(lines[9], "synthetic seed$$");
  EXPECT_EQ(lines[27], "T");
  EXPECT_EQ(lines[32], "-1600.5");
  // 17 significant digits: 0.1 is written so that it reads back exactly.
  EXPECT_EQ(lines[8].substr(0, 19), "0.10000000000000001");
}

TEST(AenetWriter, BookkeepingIsRecomputedFromTheLayers) {
  AenetNetFile f = seed_file();
  // A network built in memory: 4 → 3 → 2 → 1, weights sized by the layers only.
  f.nnodes = {4, 3, 2, 1};
  f.activation_codes = {1, 2, 0};
  f.weights.assign(5 * 3 + 4 * 2 + 3 * 1, 0.25);
  const std::string text = format_aenet_nn_ascii(f);
  EXPECT_EQ(text.substr(0, text.find("0.25")), "4\n4\n26\n13\n4 3 2 1\n1 2 0\n0 15 23 26\n0 5 9 12\n");
  const std::string bin = format_aenet_nn_binary(f);
  std::int32_t v[4];
  for (int r = 0; r < 4; ++r) std::memcpy(&v[r], bin.data() + 12 * r + 4, 4);
  EXPECT_EQ(v[0], 4);
  EXPECT_EQ(v[1], 4);
  EXPECT_EQ(v[2], 26);
  EXPECT_EQ(v[3], 13);
  expect_same_file(f, parse_aenet_nn_binary(bin, "mem"));
}

TEST(AenetWriter, EmptyStringsAreWrittenReadably) {
  AenetNetFile f = seed_file();
  f.description.clear();
  f.trainset_file.clear();
  const AenetNetFile a = parse_aenet_nn_ascii(format_aenet_nn_ascii(f), "a");
  EXPECT_EQ(a.description, "$$");
  EXPECT_EQ(a.trainset_file, "-");
  const AenetNetFile b = parse_aenet_nn_binary(format_aenet_nn_binary(f), "b");
  EXPECT_EQ(b.description, "");
  EXPECT_EQ(b.trainset_file, "");
}

TEST(AenetWriter, RefusesWhatCannotBeWritten) {
  const AenetNetFile good = seed_file();
  auto refuses = [](AenetNetFile f) {
    EXPECT_THROW(format_aenet_nn_ascii(f), Error);
    EXPECT_THROW(format_aenet_nn_binary(f), Error);
  };
  AenetNetFile f = good;
  f.weights.pop_back();
  refuses(f);
  f = good;
  f.sfparam.push_back(1.0);
  refuses(f);
  f = good;
  f.sfenv.pop_back();
  refuses(f);
  f = good;
  f.e_atom.push_back(1.0);
  refuses(f);
  f = good;
  f.activation_codes.push_back(0);
  refuses(f);
  f = good;
  f.atomtype = "Tix";
  refuses(f);
  f = good;
  f.envtypes = {"T i"};
  refuses(f);
  f = good;
  f.description = "two\nlines";
  refuses(f);
  f = good;
  f.description = std::string(1025, 'x');
  EXPECT_NO_THROW(format_aenet_nn_ascii(f));  // no length limit in the ASCII form
  EXPECT_THROW(format_aenet_nn_binary(f), Error);
  f = good;
  f.trainset_file = "/abs/path.train";
  EXPECT_THROW(format_aenet_nn_ascii(f), Error);  // list-directed readers would stop at '/'
  f = good;
  f.weights[3] = std::nan("");
  EXPECT_THROW(format_aenet_nn_ascii(f), Error);
}
