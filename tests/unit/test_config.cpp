#include <gtest/gtest.h>

#include "slhmc/core/error.hpp"
#include "slhmc/io/config.hpp"

using namespace slhmc;

TEST(Config, TypedAccessAndDefaults) {
  Config c = Config::parse("[md]\nsteps = 100\ndt = 1.5\nname = \"x\"\n", "test.toml");
  Config md = c.section("md");
  EXPECT_EQ(md.get_int("steps"), 100);
  EXPECT_DOUBLE_EQ(md.get_double("dt"), 1.5);
  EXPECT_DOUBLE_EQ(md.get_double("steps"), 100.0);  // integers accepted as numbers
  EXPECT_EQ(md.get_string("name"), "x");
  EXPECT_EQ(md.get_int("missing", 7), 7);
  EXPECT_NO_THROW(c.check_all_used());
}

TEST(Config, ErrorsNameKeyAndAllowedValues) {
  Config c = Config::parse("[md]\nintegrator = \"verlett\"\nsteps = \"many\"\n", "test.toml");
  Config md = c.section("md");
  try {
    md.get_choice("integrator", {"verlet", "langevin"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("md.integrator"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("'verlet', 'langevin'"), std::string::npos);
  }
  EXPECT_THROW(md.get_int("steps"), ConfigError);
  EXPECT_THROW(md.get_double("dt"), ConfigError);
}

TEST(Config, UnknownKeyIsReported) {
  Config c = Config::parse("[md]\nsteps = 1\nstesp = 2\n", "test.toml");
  c.section("md").get_int("steps");
  try {
    c.check_all_used();
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "md.stesp");
  }
}

TEST(Config, OverridesFromCommandLine) {
  Config c = Config::parse("[md]\nsteps = 1\n", "test.toml");
  c.apply_override("md.steps=25");
  c.apply_override("md.thermostat.type=langevin");
  c.apply_override("md.dt=0.5");
  Config md = c.section("md");
  EXPECT_EQ(md.get_int("steps"), 25);
  EXPECT_DOUBLE_EQ(md.get_double("dt"), 0.5);
  EXPECT_EQ(md.section("thermostat").get_string("type"), "langevin");
  EXPECT_THROW(c.apply_override("nonsense"), ConfigError);
}

namespace {
// The ParseError that parsing `text` throws (a test failure, and a line-0 error, if none).
ParseError parse_error_of(const std::string& text, const std::string& source) {
  try {
    Config::parse(text, source);
  } catch (const ParseError& e) {
    return e;
  }
  ADD_FAILURE() << "'" << text << "' parsed without a ParseError";
  return ParseError(source, 0, "no error");
}
}  // namespace

TEST(Config, SyntaxErrorNamesLine) {
  const ParseError e = parse_error_of("[md]\nsteps = = 3\n", "bad.toml");
  EXPECT_EQ(e.line(), 2u);
  EXPECT_NE(std::string(e.what()).find("bad.toml:2"), std::string::npos);
}

TEST(Config, BadTableHeaderIsAParseErrorInEveryBuild) {
  // Found by fuzzing: toml++ asserted on this header (aborting a debug or sanitizer build)
  // before reporting it; it must be an error naming the line.
  const ParseError e = parse_error_of("[system]\nfile = \"si.xyz\"\n\n[/ystem]\nfile = 1\n", "bad.toml");
  EXPECT_EQ(e.line(), 4u);
  EXPECT_NE(std::string(e.what()).find("saw '/'"), std::string::npos) << e.what();
}

TEST(Config, NonAsciiIsRefusedWithLine) {
  // toml++ 3.3.0 has undefined behaviour on non-ASCII whitespace tests; we refuse such text up front.
  EXPECT_EQ(parse_error_of("[md]\nsteps = 1\nname = \"caf\xc3\xa9\"\n", "u.toml").line(), 3u);
  Config c;
  EXPECT_THROW(c.apply_override("md.name=\xc3\xa9"), ParseError);
}
