// Parser for aenet's predict.in (§A14). Unlike aenet, network paths with '/'
// are accepted unquoted (aenet cuts them at the slash, Part D #5), keywords are
// case-insensitive and lines starting with ! # % are comments.
#include "slhmc/nnp/aenet_predict_in.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "slhmc/core/error.hpp"

namespace slhmc::nnp {

namespace {

struct Line {
  std::size_t number;
  std::string text;  // left-adjusted, right-trimmed
};

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::vector<Line> filtered_lines(std::string_view text) {
  std::vector<Line> out;
  std::istringstream in{std::string(text)};
  std::string raw;
  std::size_t n = 0;
  while (std::getline(in, raw)) {
    ++n;
    std::size_t b = raw.find_first_not_of(" \t\r");
    if (b == std::string::npos) continue;
    std::size_t e = raw.find_last_not_of(" \t\r");
    std::string t = raw.substr(b, e - b + 1);
    if (t[0] == '!' || t[0] == '#' || t[0] == '%') continue;
    out.push_back({n, t});
  }
  return out;
}

std::string first_token(const std::string& s) {
  const std::size_t e = s.find_first_of(" \t=");
  return s.substr(0, e);
}

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || path.empty() || path[0] == '/') return path;
  return (std::filesystem::path(base_dir) / path).string();
}

// Value after '=' on the same line, or the next line's first token.
std::string keyword_value(const std::vector<Line>& lines, std::size_t& i, const std::string& source) {
  const std::string& t = lines[i].text;
  const std::size_t eq = t.find('=');
  if (eq != std::string::npos) {
    std::string v = t.substr(eq + 1);
    std::istringstream ss(v);
    std::string tok;
    ss >> tok;
    if (tok.empty()) throw ParseError(source, lines[i].number, "expected a value after '='");
    return tok;
  }
  std::istringstream ss(t);
  std::string kw, tok;
  ss >> kw >> tok;
  if (!tok.empty()) return tok;
  if (i + 1 >= lines.size()) throw ParseError(source, lines[i].number, "expected a value after " + kw);
  ++i;
  return first_token(lines[i].text);
}

int to_int(const std::string& s, const std::string& source, std::size_t line, const char* what) {
  try {
    std::size_t pos = 0;
    const int v = std::stoi(s, &pos);
    if (pos != s.size()) throw std::invalid_argument(s);
    return v;
  } catch (const std::exception&) {
    throw ParseError(source, line, std::string("expected an integer ") + what + ", got '" + s + "'");
  }
}

}  // namespace

AenetPredictInput parse_aenet_predict_in(std::string_view text, const std::string& source,
                                         const std::string& base_dir) {
  const auto lines = filtered_lines(text);
  AenetPredictInput in;
  std::optional<std::size_t> networks_at;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string kw = lower(first_token(lines[i].text));
    if (kw == "types") {
      if (i + 1 >= lines.size()) throw ParseError(source, lines[i].number, "TYPES needs a count");
      ++i;
      const int n = to_int(first_token(lines[i].text), source, lines[i].number, "species count");
      if (n <= 0 || i + static_cast<std::size_t>(n) >= lines.size())
        throw ParseError(source, lines[i].number, "TYPES count " + std::to_string(n) + " does not match the lines that follow");
      for (int t = 0; t < n; ++t) in.types.push_back(first_token(lines[++i].text));
    } else if (kw == "networks") {
      networks_at = i;  // parsed once TYPES is known (it may come later)
    } else if (kw == "files") {
      if (i + 1 >= lines.size()) throw ParseError(source, lines[i].number, "FILES needs a count");
      ++i;
      const int n = to_int(first_token(lines[i].text), source, lines[i].number, "file count");
      if (n < 0 || i + static_cast<std::size_t>(n) >= lines.size())
        throw ParseError(source, lines[i].number, "FILES count " + std::to_string(n) + " does not match the lines that follow");
      for (int t = 0; t < n; ++t) in.files.push_back(resolve(base_dir, lines[++i].text));
    } else if (kw == "version" || kw == "chebyshev_version") {
      const std::size_t at = lines[i].number;
      in.chebyshev_version = to_int(keyword_value(lines, i, source), source, at, "Chebyshev version");
    }
  }
  if (in.types.empty()) throw ParseError(source, 0, "no TYPES section");
  if (!networks_at) throw ParseError(source, 0, "no NETWORKS section");
  std::size_t i = *networks_at;
  in.networks.assign(in.types.size(), "");
  for (std::size_t t = 0; t < in.types.size(); ++t) {
    if (++i >= lines.size()) throw ParseError(source, lines.back().number, "NETWORKS lists fewer networks than TYPES");
    const std::string& l = lines[i].text;
    const std::string symbol = first_token(l);
    std::string rest = l.substr(symbol.size());
    const std::size_t b = rest.find_first_not_of(" \t");
    if (b == std::string::npos) throw ParseError(source, lines[i].number, "expected 'symbol network-file'");
    rest = rest.substr(b);
    std::string path;
    if (rest[0] == '"' || rest[0] == '\'') {
      const std::size_t close = rest.find(rest[0], 1);
      if (close == std::string::npos) throw ParseError(source, lines[i].number, "unterminated quoted path");
      path = rest.substr(1, close - 1);
    } else {
      path = first_token(rest);
    }
    const auto it = std::find(in.types.begin(), in.types.end(), symbol);
    if (it == in.types.end())
      throw ParseError(source, lines[i].number, "network for species '" + symbol + "' which is not under TYPES");
    const std::size_t idx = static_cast<std::size_t>(it - in.types.begin());
    if (!in.networks[idx].empty()) throw ParseError(source, lines[i].number, "second network for species " + symbol);
    in.networks[idx] = resolve(base_dir, path);
  }
  return in;
}

AenetPredictInput read_aenet_predict_in(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw Error("cannot open aenet predict.in '" + path + "'");
  std::ostringstream ss;
  ss << f.rdbuf();
  return parse_aenet_predict_in(ss.str(), path, std::filesystem::path(path).parent_path().string());
}

bool looks_like_aenet_predict_in(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return false;
  if (std::filesystem::file_size(path, ec) > (1u << 20)) return false;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    std::istringstream ss(line);
    std::string tok;
    ss >> tok;
    if (lower(tok) == "networks") return true;
  }
  return false;
}

}  // namespace slhmc::nnp
