// The configs in the docs must be copyable: every ```toml block of docs/*.md
// and examples/*/README.md is plain ASCII (slhmc refuses anything else) and is
// valid TOML.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "slhmc/core/error.hpp"
#include "slhmc/io/config.hpp"
#include "test_support.hpp"

namespace slhmc {

TEST(DocsConfigs, EveryTomlBlockIsAsciiAndParses) {
  namespace fs = std::filesystem;
  const fs::path root(SLHMC_SOURCE_DIR);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(root / "docs"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  for (const auto& e : fs::directory_iterator(root / "examples"))
    if (fs::exists(e.path() / "README.md")) files.push_back(e.path() / "README.md");
  int blocks = 0;
  for (const auto& file : files) {
    const std::string text = test::read_text(file.string());
    std::size_t pos = 0;
    while ((pos = text.find("```toml\n", pos)) != std::string::npos) {
      const std::size_t start = pos + 8, end = text.find("```", start);
      ASSERT_NE(end, std::string::npos) << file;
      const std::string block = text.substr(start, end - start);
      const std::string where = file.filename().string() + " block at offset " + std::to_string(start);
      for (char c : block) EXPECT_GE(static_cast<signed char>(c), 0) << where << ": non-ASCII character";
      EXPECT_NO_THROW(Config::parse(block, where)) << where;
      ++blocks;
      pos = end + 3;
    }
  }
  EXPECT_GT(blocks, 10);
}

}  // namespace slhmc
