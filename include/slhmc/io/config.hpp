// Configuration tables (TOML) with typed access that produces errors naming
// the full key path and the allowed values, command-line overrides
// ("a.b.c=value"), and a check that every key given was used (so a typo is an
// error, not a silently ignored setting). Describes, computes nothing.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace slhmc {

class Config {
 public:
  // Parses TOML text; `source` names it in error messages.
  static Config parse(const std::string& text, const std::string& source);
  static Config from_file(const std::string& path);
  Config();  // empty root
  ~Config();
  Config(const Config&);
  Config& operator=(const Config&);

  // Applies "dotted.key=value" (value parsed as TOML: 1, 2.5, true, "text", [1,2]); bare
  // words are taken as strings.
  void apply_override(const std::string& assignment);

  // A view of a sub-table ("potential"); the section must exist unless optional.
  Config section(const std::string& name) const;
  std::optional<Config> optional_section(const std::string& name) const;
  bool has(const std::string& key) const;
  // Full dotted path of this table ("" for the root) and of a key in it.
  const std::string& path() const { return path_; }
  std::string key_path(const std::string& key) const;
  // Source name (file) for messages.
  const std::string& source() const;

  double get_double(const std::string& key) const;
  double get_double(const std::string& key, double fallback) const;
  long get_int(const std::string& key) const;
  long get_int(const std::string& key, long fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;
  std::string get_string(const std::string& key) const;
  std::string get_string(const std::string& key, const std::string& fallback) const;
  // A string that must be one of `allowed`.
  std::string get_choice(const std::string& key, const std::vector<std::string>& allowed) const;
  std::string get_choice(const std::string& key, const std::vector<std::string>& allowed,
                         const std::string& fallback) const;
  std::vector<double> get_double_array(const std::string& key) const;
  std::vector<std::string> get_string_array(const std::string& key) const;
  // Keys of this table in file order.
  std::vector<std::string> keys() const;

  // Throws ConfigError naming the first key under this table that no getter read.
  void check_all_used() const;
  // TOML text of this table (for provenance / --dry-run).
  std::string to_toml() const;

 private:
  struct Shared;
  Config(std::shared_ptr<Shared> shared, std::string path);
  void mark_used(const std::string& key) const;

  std::shared_ptr<Shared> shared_;
  std::string path_;
};

// A file named in a config: `path` relative to `base_dir` (the config file's directory);
// unchanged if absolute, empty, or if base_dir is empty or ".".
std::string path_relative_to(const std::string& base_dir, const std::string& path);

}  // namespace slhmc
