// Samples as extxyz text and checksummed shards (see sample_format.hpp).
#include "slhmc/learning/sample_format.hpp"

#include <cstdio>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::learning {

namespace {

constexpr const char* kShardTag = "slhmc-shard";
const char* const kSampleKeys[] = {"walker", "sequence", "trial", "accepted", "move", "model_version", "bead"};
}  // namespace

bool parse_count(const std::string& text, std::uint64_t& value) {
  if (text.empty() || text.size() > 19) return false;
  value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return true;
}

bool is_valid_walker_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

std::string format_samples(const std::vector<Sample>& samples) {
  std::ostringstream out;
  WriteOptions wo;
  wo.reference_keys = true;
  for (const Sample& s : samples) {
    if (!is_valid_walker_id(s.walker)) throw Error("sample: invalid walker id '" + s.walker + "'");
    LabelledFrame lf = s.frame;
    for (const char* key : kSampleKeys) lf.info.erase(key);
    lf.info["walker"] = s.walker;
    lf.info["sequence"] = std::to_string(s.sequence);
    lf.info["trial"] = std::to_string(s.trial);
    lf.info["accepted"] = s.accepted ? "1" : "0";
    lf.info["model_version"] = std::to_string(s.model_version);
    if (!s.move.empty()) lf.info["move"] = s.move;  // bootstrap samples have none
    if (s.bead >= 0) lf.info["bead"] = std::to_string(s.bead);  // classical samples have none
    write_structure(out, lf, StructureFormat::extxyz, wo);
  }
  return out.str();
}

std::vector<Sample> parse_samples(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  ReadOptions ro;
  ro.format = StructureFormat::extxyz;
  StructureReader reader(in, source, ro);
  std::vector<Sample> samples;
  while (auto f = reader.next()) {
    const std::size_t line = reader.frame_line();
    auto take = [&](const char* key) {
      const auto it = f->info.find(key);
      if (it == f->info.end()) throw ParseError(source, line, std::string("sample without the info key '") + key + "'");
      std::string value = it->second;
      f->info.erase(it);
      return value;
    };
    Sample s;
    s.walker = take("walker");
    if (!is_valid_walker_id(s.walker)) throw ParseError(source, line, "invalid walker id '" + s.walker + "'");
    const std::string seq = take("sequence"), trial = take("trial"), accepted = take("accepted"),
                      version = take("model_version");
    std::uint64_t v = 0;
    if (!parse_count(seq, s.sequence)) throw ParseError(source, line, "sequence '" + seq + "' is not a count");
    if (!parse_count(trial, s.trial)) throw ParseError(source, line, "trial '" + trial + "' is not a count");
    if (accepted != "0" && accepted != "1") throw ParseError(source, line, "accepted must be 0 or 1, not '" + accepted + "'");
    s.accepted = accepted == "1";
    if (!parse_count(version, v) || v > static_cast<std::uint64_t>(INT64_MAX))
      throw ParseError(source, line, "model_version '" + version + "' is not a count");
    s.model_version = static_cast<long long>(v);
    if (const auto it = f->info.find("move"); it != f->info.end()) {
      s.move = it->second;
      f->info.erase(it);
    }
    if (const auto it = f->info.find("bead"); it != f->info.end()) {
      std::uint64_t bead = 0;
      if (!parse_count(it->second, bead) || bead > 1000000) throw ParseError(source, line, "bead '" + it->second + "' is not a bead index");
      s.bead = static_cast<int>(bead);
      f->info.erase(it);
    }
    if (!f->labels.energy || !f->labels.forces) throw ParseError(source, line, "sample without REF energy and forces");
    s.frame = std::move(*f);
    samples.push_back(std::move(s));
  }
  return samples;
}

std::string format_shard(const std::vector<Sample>& samples) {
  std::string body = format_samples(samples);
  return body + kShardTag + " fnv1a64=" + hex16(fnv1a64(body)) + " samples=" + std::to_string(samples.size()) + "\n";
}

std::vector<Sample> parse_shard(const std::string& text, const std::string& source) {
  // The checksum line is the last one: a file cut anywhere has none or a wrong one.
  if (text.empty() || text.back() != '\n') throw ParseError(source, 0, "partial shard (no final checksum line)");
  const std::size_t start = text.rfind('\n', text.size() - 2);
  const std::size_t body_end = start == std::string::npos ? 0 : start + 1;
  const std::string last = text.substr(body_end, text.size() - 1 - body_end);
  std::size_t line_no = 1;
  for (std::size_t i = 0; i < body_end; ++i) line_no += text[i] == '\n';
  const std::string prefix = std::string(kShardTag) + " fnv1a64=";
  if (last.compare(0, prefix.size(), prefix) != 0)
    throw ParseError(source, line_no, "partial shard (no final checksum line)");
  const std::string rest = last.substr(prefix.size());
  const std::size_t blank = rest.find(' ');
  if (blank != 16 || rest.compare(17, 8, "samples=") != 0)
    throw ParseError(source, line_no, "malformed checksum line '" + last + "'");
  const std::string body = text.substr(0, body_end);
  if (rest.substr(0, 16) != hex16(fnv1a64(body)))
    throw ParseError(source, line_no, "checksum mismatch (the shard is corrupted)");
  std::uint64_t count = 0;
  if (!parse_count(rest.substr(25), count)) throw ParseError(source, line_no, "malformed sample count in '" + last + "'");
  std::vector<Sample> samples = parse_samples(body, source);
  if (samples.size() != count)
    throw ParseError(source, line_no,
                     "the checksum line counts " + std::to_string(count) + " samples, the shard holds " +
                         std::to_string(samples.size()));
  return samples;
}

}  // namespace slhmc::learning
