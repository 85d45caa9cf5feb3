// TOML configuration access through toml++ (header-only, kept out of the
// public header). Every getter records the key it read so that unknown or
// misspelt keys can be reported by check_all_used().
#include "slhmc/io/config.hpp"

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#define TOML_EXCEPTIONS 1
// toml++ 3.1 checks some invariants on the *input* with assertions before it reports the same
// input as a parse error (found by fuzzing: the table header "[/x]" aborts a debug build in
// parser::parse_key; with NDEBUG under clang the check becomes an optimiser assumption). Its
// error path is what every build needs, so its assertions are switched off: neither an abort
// nor an assumption about the user's file.
#include <toml++/impl/preprocessor.h>
#undef TOML_ASSERT
#define TOML_ASSERT(expr) static_assert(true)
#undef TOML_ASSERT_ASSUME
#define TOML_ASSERT_ASSUME(expr) static_assert(true)
#include <toml++/toml.h>

#include "slhmc/core/error.hpp"

namespace slhmc {

struct Config::Shared {
  toml::table root;
  std::string source;
  std::set<std::string> used;
};

namespace {

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

const toml::table& table_at(const toml::table& root, const std::string& path) {
  if (path.empty()) return root;
  const toml::node* node = root.at_path(path).node();
  if (!node || !node->is_table()) throw ConfigError(path, "is not a table");
  return *node->as_table();
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date/time";
  }
}

// toml++ 3.3.0 (Debian 12) reaches __builtin_unreachable() — undefined
// behaviour — when it tests most non-ASCII characters for being whitespace,
// in its parser and in its error paths (found by fuzz_config). slhmc config
// files are therefore ASCII; anything else is refused, with the line, before
// toml++ sees it.
void reject_non_ascii(const std::string& text, const std::string& source) {
  std::size_t line = 1;
  for (const char ch : text) {
    if (ch == '\n') ++line;
    if (static_cast<unsigned char>(ch) >= 0x80)
      throw ParseError(source, line, "non-ASCII character: slhmc config files must be plain ASCII");
  }
}

std::string allowed_list(const std::vector<std::string>& allowed) {
  std::string s;
  for (std::size_t i = 0; i < allowed.size(); ++i) s += (i ? ", " : "") + ("'" + allowed[i] + "'");
  return s;
}

}  // namespace

Config::Config() : shared_(std::make_shared<Shared>()) {}
Config::~Config() = default;
Config::Config(const Config&) = default;
Config& Config::operator=(const Config&) = default;
Config::Config(std::shared_ptr<Shared> shared, std::string path) : shared_(std::move(shared)), path_(std::move(path)) {}

Config Config::parse(const std::string& text, const std::string& source) {
  Config c;
  c.shared_->source = source;
  reject_non_ascii(text, source);
  try {
    c.shared_->root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ParseError(source, e.source().begin.line, std::string(e.description()));
  }
  return c;
}

Config Config::from_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open config file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse(buffer.str(), path);
}

const std::string& Config::source() const { return shared_->source; }
std::string Config::key_path(const std::string& key) const { return join(path_, key); }
void Config::mark_used(const std::string& key) const { shared_->used.insert(key_path(key)); }

void Config::apply_override(const std::string& assignment) {
  const auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError(assignment, "an override must look like 'section.key=value'");
  const std::string key = assignment.substr(0, eq);
  const std::string value = assignment.substr(eq + 1);
  reject_non_ascii(assignment, "--set " + key);
  // Parse the value as TOML; fall back to a plain string for bare words.
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error&) {
    parsed = toml::table{{"v", value}};
  }
  toml::table* t = &shared_->root;
  std::string rest = join(path_, key);
  std::size_t dot;
  while ((dot = rest.find('.')) != std::string::npos) {
    const std::string part = rest.substr(0, dot);
    rest = rest.substr(dot + 1);
    toml::node* child = t->get(part);
    if (!child) {
      t->insert(part, toml::table{});
      child = t->get(part);
    }
    if (!child->is_table()) throw ConfigError(key, "cannot set a key below '" + part + "', which is not a table");
    t = child->as_table();
  }
  t->insert_or_assign(rest, *parsed.get("v"));
}

Config Config::section(const std::string& name) const {
  const toml::table& t = table_at(shared_->root, path_);
  const toml::node* node = t.get(name);
  if (!node) throw ConfigError(key_path(name), "missing section [" + key_path(name) + "]");
  if (!node->is_table()) throw ConfigError(key_path(name), "must be a table, got " + type_name(*node));
  mark_used(name);
  return Config(shared_, key_path(name));
}

std::optional<Config> Config::optional_section(const std::string& name) const {
  if (!has(name)) return std::nullopt;
  return section(name);
}

bool Config::has(const std::string& key) const { return table_at(shared_->root, path_).contains(key); }

std::vector<std::string> Config::keys() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : table_at(shared_->root, path_)) out.emplace_back(k.str());
  return out;
}

namespace {
const toml::node& require_node(const toml::table& t, const std::string& key, const std::string& full) {
  const toml::node* node = t.get(key);
  if (!node) throw ConfigError(full, "is required but missing");
  return *node;
}
}  // namespace

double Config::get_double(const std::string& key) const {
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  mark_used(key);
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<int64_t>()) return static_cast<double>(*v);
  throw ConfigError(key_path(key), "must be a number, got " + type_name(node));
}
double Config::get_double(const std::string& key, double fallback) const {
  return has(key) ? get_double(key) : (mark_used(key), fallback);
}
long Config::get_int(const std::string& key) const {
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  mark_used(key);
  if (auto v = node.value_exact<int64_t>()) return static_cast<long>(*v);
  throw ConfigError(key_path(key), "must be an integer, got " + type_name(node));
}
long Config::get_int(const std::string& key, long fallback) const {
  return has(key) ? get_int(key) : (mark_used(key), fallback);
}
bool Config::get_bool(const std::string& key, bool fallback) const {
  mark_used(key);
  if (!has(key)) return fallback;
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  if (auto v = node.value_exact<bool>()) return *v;
  throw ConfigError(key_path(key), "must be true or false, got " + type_name(node));
}
std::string Config::get_string(const std::string& key) const {
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  mark_used(key);
  if (auto v = node.value_exact<std::string>()) return *v;
  throw ConfigError(key_path(key), "must be a string, got " + type_name(node));
}
std::string Config::get_string(const std::string& key, const std::string& fallback) const {
  return has(key) ? get_string(key) : (mark_used(key), fallback);
}
std::string Config::get_choice(const std::string& key, const std::vector<std::string>& allowed) const {
  const std::string v = get_string(key);
  for (const auto& a : allowed)
    if (a == v) return v;
  throw ConfigError(key_path(key), "'" + v + "' is not allowed; allowed values: " + allowed_list(allowed));
}
std::string Config::get_choice(const std::string& key, const std::vector<std::string>& allowed,
                               const std::string& fallback) const {
  if (!has(key)) {
    mark_used(key);
    return fallback;
  }
  return get_choice(key, allowed);
}
std::vector<double> Config::get_double_array(const std::string& key) const {
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  mark_used(key);
  const toml::array* arr = node.as_array();
  if (!arr) throw ConfigError(key_path(key), "must be an array of numbers, got " + type_name(node));
  std::vector<double> out;
  for (const auto& el : *arr) {
    if (auto v = el.value_exact<double>()) out.push_back(*v);
    else if (auto i = el.value_exact<int64_t>()) out.push_back(static_cast<double>(*i));
    else throw ConfigError(key_path(key), "must be an array of numbers, found " + type_name(el));
  }
  return out;
}
std::vector<std::string> Config::get_string_array(const std::string& key) const {
  const toml::node& node = require_node(table_at(shared_->root, path_), key, key_path(key));
  mark_used(key);
  const toml::array* arr = node.as_array();
  if (!arr) throw ConfigError(key_path(key), "must be an array of strings, got " + type_name(node));
  std::vector<std::string> out;
  for (const auto& el : *arr) {
    if (auto v = el.value_exact<std::string>()) out.push_back(*v);
    else throw ConfigError(key_path(key), "must be an array of strings, found " + type_name(el));
  }
  return out;
}

void Config::check_all_used() const {
  std::function<void(const toml::table&, const std::string&)> walk = [&](const toml::table& t, const std::string& p) {
    for (const auto& [k, v] : t) {
      const std::string full = join(p, std::string(k.str()));
      if (!shared_->used.count(full))
        throw ConfigError(full, "unknown key (misspelt, or not used by the chosen options)");
      if (v.is_table()) walk(*v.as_table(), full);
    }
  };
  walk(table_at(shared_->root, path_), path_);
}

std::string Config::to_toml() const {
  std::ostringstream out;
  out << toml::toml_formatter(table_at(shared_->root, path_));
  return out.str();
}

std::string path_relative_to(const std::string& base_dir, const std::string& path) {
  if (path.empty() || path[0] == '/' || base_dir.empty() || base_dir == ".") return path;
  return (std::filesystem::path(base_dir) / path).string();
}

}  // namespace slhmc
