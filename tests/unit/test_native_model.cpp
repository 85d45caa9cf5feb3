// The native "slhmc-nnp" model file: metadata round trip (escapes, extra keys,
// lineage), loading through load_model("auto") to the same numbers as the
// aenet model it came from, and refusal of every damaged or inconsistent file
// (checksum, truncation at any point, version, magic, species sections).
#include <gtest/gtest.h>

#include <atomic>
#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "slhmc/core/error.hpp"
#include "slhmc/core/neighbor_list.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/native_model.hpp"
#include "test_support.hpp"

using namespace slhmc;
using namespace slhmc::nnp;

namespace {

constexpr int kTi = 22;

AenetNetFile seed_file() {
  return read_aenet_nn(std::string(SLHMC_SOURCE_DIR) + "/tests/fuzz/corpus/aenet_nn/tiny.nn.ascii");
}

NativeModelMetadata sample_metadata() {
  NativeModelMetadata m;
  m.model_version = 12;
  m.parent_version = 11;
  m.created = "2026-11-24T02:30:00Z";
  m.chebyshev_version = 1;
  m.training_data_digest = "fnv1a64:0123456789abcdef";
  m.description = " trained on 40 frames\nsecond line \\ with backslash ";
  m.extra["trainer.epochs"] = "300";
  return m;
}

// Replaces the checksum line so that a deliberately edited file passes the checksum and the
// reader's later checks are exercised.
std::string reseal(const std::string& text) {
  const std::size_t last = text.rfind("checksum fnv1a64 ");
  const std::string body = last == std::string::npos ? text : text.substr(0, last);
  char sum[64];
  std::snprintf(sum, sizeof sum, "checksum fnv1a64 %016" PRIx64 "\n", fnv1a64(body));
  return body + sum;
}

std::string replace_once(std::string s, const std::string& from, const std::string& to) {
  const auto p = s.find(from);
  EXPECT_NE(p, std::string::npos) << from;
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

// The reader's error for `text`, "" if it is accepted.
std::string error_of(const std::string& text) {
  try {
    parse_native_model(text, "m.slhmc-nnp");
  } catch (const ParseError& e) {
    return e.what();
  }
  return "";
}

Frame sample_frame(unsigned seed) {
  return test::random_frame(Cell::orthorhombic(5.1, 4.7, 4.9), 7, {kTi}, 1.7, seed);
}

ModelSpec spec_of(const std::string& path, const std::string& format) {
  ModelSpec s;
  s.path = path;
  s.format = format;
  return s;
}

ComputeResult evaluate(const Model& model, const Frame& frame) {
  NeighborList nl(NeighborListOptions{model.cutoff(), 0.0, false});
  nl.build(frame);
  ComputeRequest request;
  request.forces = true;
  request.virial = true;
  request.atomic_energies = true;
  return model.compute(frame, nl, request);
}

}  // namespace

TEST(NativeModel, MetadataRoundTrips) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  const NativeModel m = parse_native_model(text, "mem");
  const NativeModelMetadata want = sample_metadata();
  EXPECT_EQ(m.metadata.model_version, 12);
  ASSERT_TRUE(m.metadata.parent_version.has_value());
  EXPECT_EQ(*m.metadata.parent_version, 11);
  EXPECT_EQ(m.metadata.created, want.created);
  EXPECT_EQ(m.metadata.chebyshev_version, 1);
  EXPECT_EQ(m.metadata.training_data_digest, want.training_data_digest);
  EXPECT_EQ(m.metadata.description, want.description);  // edge blanks, line break and backslash kept
  EXPECT_EQ(m.metadata.extra, want.extra);
  EXPECT_EQ(m.metadata.species, std::vector<std::string>{"Ti"});
  EXPECT_EQ(m.metadata.descriptor, "Chebyshev");
  EXPECT_FALSE(m.metadata.descriptor_summary.empty());
  EXPECT_EQ(m.metadata.cutoff_angstrom, 4.0);
  ASSERT_EQ(m.species.size(), 1u);
  EXPECT_EQ(m.species[0].weights, seed_file().weights);
  // Writing what was read gives the same file.
  EXPECT_EQ(format_native_model(m.species, m.metadata), text);

  NativeModelMetadata fresh;  // defaults: no parent, created now, no digest
  const NativeModel n = parse_native_model(format_native_model({seed_file()}, fresh), "mem");
  EXPECT_FALSE(n.metadata.parent_version.has_value());
  EXPECT_EQ(n.metadata.training_data_digest, "");
  EXPECT_EQ(n.metadata.created.size(), 20u);
  EXPECT_EQ(n.metadata.description, "");
}

TEST(NativeModel, LoadsThroughTheRegistryAndEvaluatesLikeTheAenetModel) {
  test::TempDir tmp;
  const std::string path = tmp.file("model.slhmc-nnp");
  write_native_model(path, {seed_file()}, sample_metadata());
  // Atomic write: nothing but the model is left in the directory.
  int entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(tmp.path())) ++entries;
  EXPECT_EQ(entries, 1);

  EXPECT_TRUE(looks_like_native_model(path));
  EXPECT_EQ(detect_model_format(path), "native");
  const auto model = load_model(spec_of(path, "auto"));
  AenetModelOptions options;
  options.chebyshev_version = 1;
  const AenetModel direct({seed_file()}, options);
  EXPECT_EQ(model->cutoff(), direct.cutoff());
  EXPECT_EQ(model->species(), direct.species());
  for (unsigned seed : {1u, 2u}) {
    const Frame frame = sample_frame(seed);
    const ComputeResult a = evaluate(*model, frame), b = evaluate(direct, frame);
    EXPECT_EQ(a.energy, b.energy);
    EXPECT_EQ(a.atomic_energies, b.atomic_energies);
    for (std::size_t i = 0; i < frame.size(); ++i) EXPECT_EQ(a.forces[i], b.forces[i]);
    for (int r = 0; r < 3; ++r) EXPECT_EQ(a.virial[r], b.virial[r]);
  }
  const auto meta = model->metadata();
  EXPECT_EQ(meta.at("format"), "native");
  EXPECT_EQ(meta.at("model_version"), "12");
  EXPECT_EQ(meta.at("parent_version"), "11");
  EXPECT_EQ(meta.at("training_data_digest"), "fnv1a64:0123456789abcdef");
  EXPECT_EQ(meta.at("created"), "2026-11-24T02:30:00Z");
  EXPECT_EQ(meta.at("chebyshev_version"), "1");
  EXPECT_EQ(meta.at("trainer.epochs"), "300");
  EXPECT_NE(model->description().find("version 12"), std::string::npos);

  // Options that contradict the file are refused, not silently applied.
  ModelSpec spec = spec_of(path, "native");
  spec.chebyshev_version = 0;
  EXPECT_THROW(load_model(spec), Error);
  spec = spec_of(path, "native");
  spec.energy_unit_ev = 27.2;
  EXPECT_THROW(load_model(spec), Error);
}

TEST(NativeModel, DetectorIsQuietOnForeignPaths) {
  test::TempDir tmp;
  EXPECT_FALSE(looks_like_native_model(tmp.path().string()));
  EXPECT_FALSE(looks_like_native_model(tmp.file("missing")));
  test::write_text(tmp.file("a.nn.ascii"), "3\n4\n");
  EXPECT_FALSE(looks_like_native_model(tmp.file("a.nn.ascii")));
  test::write_text(tmp.file("b"), "slhmc-nnpx 1\n");
  EXPECT_FALSE(looks_like_native_model(tmp.file("b")));
  test::write_text(tmp.file("c"), "slhmc-nnp 7\n");  // a future version is still recognised (and then named)
  EXPECT_TRUE(looks_like_native_model(tmp.file("c")));
}

TEST(NativeModel, AnyCorruptedByteIsCaught) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  ASSERT_EQ(error_of(text), "");
  // Flip one bit in a sample of positions all over the file (every 7th byte).
  for (std::size_t p = 0; p < text.size(); p += 7) {
    std::string bad = text;
    bad[p] = static_cast<char>(bad[p] ^ 0x04);
    EXPECT_NE(error_of(bad), "") << "byte " << p;
  }
  std::string bad = text;
  bad[text.size() / 2] = bad[text.size() / 2] == '1' ? '2' : '1';
  EXPECT_NE(error_of(bad).find("checksum mismatch"), std::string::npos) << error_of(bad);
}

TEST(NativeModel, TruncatedFilesAreRefused) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  for (std::size_t n = 0; n < text.size(); n += 3) EXPECT_NE(error_of(text.substr(0, n)), "") << "length " << n;
  EXPECT_NE(error_of(text.substr(0, text.size() - 1)), "");
  const std::string e = error_of(text.substr(0, text.size() / 2));
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
}

TEST(NativeModel, VersionAndMagicAreChecked) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  const std::string v2 = reseal(replace_once(text, "slhmc-nnp 1\n", "slhmc-nnp 2\n"));
  EXPECT_NE(error_of(v2).find("version '2'"), std::string::npos) << error_of(v2);
  // The version is reported even if the rest is unreadable to this version.
  EXPECT_NE(error_of("slhmc-nnp 3\nsomething new\n").find("version '3'"), std::string::npos);
  EXPECT_NE(error_of("").find("not an slhmc native model"), std::string::npos);
  EXPECT_NE(error_of("slhmc-nn 1\n").find("not an slhmc native model"), std::string::npos);
  EXPECT_NE(error_of(reseal(replace_once(text, "format_version = 1", "format_version = 2"))), "");
  test::TempDir tmp;
  test::write_text(tmp.file("v2"), v2);
  EXPECT_THROW(load_model(spec_of(tmp.file("v2"), "auto")), ParseError);
}

TEST(NativeModel, MetadataErrorsNameTheKeyAndLine) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  auto err = [&](const std::string& from, const std::string& to) { return error_of(reseal(replace_once(text, from, to))); };
  EXPECT_NE(err("model_version = 12\n", "").find("missing metadata key 'model_version'"), std::string::npos);
  EXPECT_NE(err("model_version = 12", "model_version = twelve").find("m.slhmc-nnp:3: model_version"), std::string::npos);
  EXPECT_NE(err("parent_version = 11", "parent_version = -1").find("parent_version"), std::string::npos);
  EXPECT_NE(err("created = 2026-11-24T02:30:00Z", "created = yesterday").find("created"), std::string::npos);
  EXPECT_NE(err("length_unit = angstrom", "length_unit = bohr").find("length_unit"), std::string::npos);
  EXPECT_NE(err("energy_unit = eV", "energy_unit = Ha").find("energy_unit"), std::string::npos);
  EXPECT_NE(err("chebyshev_version = 1", "chebyshev_version = 2").find("chebyshev_version"), std::string::npos);
  EXPECT_NE(err("cutoff_A = 4\n", "cutoff_A = 5\n").find("cutoff_A"), std::string::npos);
  EXPECT_NE(err("descriptor = Chebyshev", "descriptor = Behler2011").find("descriptor"), std::string::npos);
  EXPECT_NE(err("trainer.epochs = 300\n", "trainer.epochs = 300\ntrainer.epochs = 3\n").find("twice"), std::string::npos);
  EXPECT_NE(err("trainer.epochs = 300", "trainer epochs 300").find("key = value"), std::string::npos);
  EXPECT_NE(err("description = ", "description = \\q").find("escape"), std::string::npos);
}

TEST(NativeModel, InconsistentSpeciesSectionsAreRefused) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  const auto b = text.find("begin species Ti");
  const auto e = text.find("end species Ti\n") + std::string("end species Ti\n").size();
  const std::string section = text.substr(b, e - b);
  auto body = [&](const std::string& s) { return s.substr(0, text.rfind("checksum")); };

  const std::string twice = reseal(replace_once(body(text) + section, "species = Ti\n", "species = Ti Ti\n"));
  EXPECT_NE(error_of(twice).find("two networks"), std::string::npos) << error_of(twice);

  // ENV lists O, but the model has no O network.
  const std::string env = reseal(replace_once(text, "\n1\nTi\n0.5\n", "\n2\nTi O\n0.5\n"));
  EXPECT_NE(error_of(env).find("ENV species O"), std::string::npos) << error_of(env);

  const std::string list = reseal(replace_once(text, "species = Ti\n", "species = O\n"));
  EXPECT_NE(error_of(list).find("does not list"), std::string::npos) << error_of(list);

  const std::string wrong_name = reseal(replace_once(replace_once(text, "begin species Ti", "begin species O"),
                                                     "end species Ti", "end species O"));
  EXPECT_NE(error_of(wrong_name).find("holds the network of Ti"), std::string::npos) << error_of(wrong_name);

  const std::string short_count = reseal(replace_once(text, "lines 36", "lines 35"));
  EXPECT_NE(error_of(short_count).find("expected 'end species Ti'"), std::string::npos) << error_of(short_count);

  const std::string no_sections = reseal(body(text).substr(0, b));
  EXPECT_NE(error_of(no_sections).find("no species"), std::string::npos) << error_of(no_sections);

  // An error inside a section is located on the line of the whole file.
  const std::string bad_value = reseal(replace_once(text, "\nChebyshev\n4\n4\n", "\nChebyshev\nfour\n4\n"));
  const std::string msg = error_of(bad_value);
  EXPECT_NE(msg.find("species section Ti: nsf"), std::string::npos) << msg;
  std::size_t nsf_line = 1;
  for (std::size_t p = 0; p < bad_value.find("\nfour\n"); ++p) nsf_line += bad_value[p] == '\n';
  EXPECT_NE(msg.find("m.slhmc-nnp:" + std::to_string(nsf_line + 1) + ":"), std::string::npos) << msg;
}

TEST(NativeModel, WriterRefusesInconsistentModels) {
  const AenetNetFile ti = seed_file();
  EXPECT_THROW(format_native_model({}, {}), Error);
  EXPECT_THROW(format_native_model({ti, ti}, {}), Error);
  AenetNetFile env = ti;
  env.envtypes = {"Ti", "O"};
  EXPECT_THROW(format_native_model({env}, {}), Error);
  NativeModelMetadata m;
  m.created = "2026-11-24 02:30";
  EXPECT_THROW(format_native_model({ti}, m), Error);
  m = {};
  m.extra["species"] = "x";
  EXPECT_THROW(format_native_model({ti}, m), Error);
  m = {};
  m.extra["bad key"] = "x";
  EXPECT_THROW(format_native_model({ti}, m), Error);
  m = {};
  m.chebyshev_version = 2;
  EXPECT_THROW(format_native_model({ti}, m), Error);
  m = {};
  m.model_version = -1;
  EXPECT_THROW(format_native_model({ti}, m), Error);
}

TEST(NativeModel, EnergyUnitConversionMatchesTheUnitOption) {
  // A network trained in Hartree: converting the file to eV must give what the aenet model
  // computes with energy_unit_ev = Hartree.
  const double ha = energy_unit_in_ev("hartree");
  AenetModelOptions options;
  options.energy_unit_ev = ha;
  const AenetModel in_hartree({seed_file()}, options);
  AenetNetFile f = seed_file();
  convert_aenet_energy_unit(f, ha);
  test::TempDir tmp;
  write_native_model(tmp.file("m"), {f}, {});
  const auto native = load_model(spec_of(tmp.file("m"), "auto"));
  const Frame frame = sample_frame(5);
  const ComputeResult a = evaluate(*native, frame), b = evaluate(in_hartree, frame);
  EXPECT_NEAR(a.energy, b.energy, 1e-12 * std::abs(b.energy));
  for (std::size_t i = 0; i < frame.size(); ++i)
    for (int c = 0; c < 3; ++c) EXPECT_NEAR(a.forces[i][c], b.forces[i][c], 1e-12 * (1 + std::abs(b.forces[i][c])));
  EXPECT_THROW(convert_aenet_energy_unit(f, 0.0), Error);
}

TEST(NativeModel, UnusableSectionsAreRefusedByTheReader) {
  const std::string text = format_native_model({seed_file()}, sample_metadata());
  // Readable but not evaluable: the Chebyshev setup no longer matches nsf.
  const std::string orders = reseal(replace_once(text, "\n4 1 3 1 ", "\n4 2 3 1 "));
  const std::string e = error_of(orders);
  EXPECT_NE(e.find("m.slhmc-nnp:16: species section Ti"), std::string::npos) << e;
  const std::string symbol = reseal(replace_once(text, "\n1\nTi\n0.5\n", "\n1\nXq\n0.5\n"));
  EXPECT_NE(error_of(symbol).find("ENV species Xq"), std::string::npos) << error_of(symbol);
}

TEST(NativeModel, ReadersNeverSeeAPartialFileWhileAModelIsPublished) {
  // One thread republishes versions 1, 2, 1, 2, ... at the same path while this thread reads:
  // every read must give a complete, valid model of one of the two versions.
  test::TempDir tmp;
  const std::string path = tmp.file("live.slhmc-nnp");
  NativeModelMetadata m1 = sample_metadata(), m2 = sample_metadata();
  m1.model_version = 1;
  m2.model_version = 2;
  m2.description = std::string(4000, 'x');  // different sizes, so a torn read could not pass unnoticed
  write_native_model(path, {seed_file()}, m1);
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int k = 0; k < 40; ++k) write_native_model(path, {seed_file()}, k % 2 ? m1 : m2);
    done = true;
  });
  int reads = 0, bad = 0;
  while (!done || reads < 10) {
    try {
      const long long v = read_native_model(path).metadata.model_version;
      bad += v != 1 && v != 2;
    } catch (const Error& e) {
      ++bad;
      ADD_FAILURE() << e.what();
    }
    ++reads;
  }
  writer.join();
  EXPECT_EQ(bad, 0) << "of " << reads << " reads";
}
