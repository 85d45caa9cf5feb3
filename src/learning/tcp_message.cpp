// Payloads of the TCP transport (see tcp_message.hpp).
#include "slhmc/learning/tcp_message.hpp"

#include <charconv>
#include <cmath>
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::learning::tcp {

namespace {

const char* const kSampleKeys[] = {"walker", "sequence", "trial", "accepted", "model_version"};

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

template <class Int>
Int info_int(const LabelledFrame& f, const char* key, const std::string& source) {
  Int v{};
  const auto it = f.info.find(key);
  if (it == f.info.end()) throw ParseError(source, 1, std::string("the sample has no info key ") + key);
  if (!parse_int(it->second, v))
    throw ParseError(source, 1, std::string("the sample's ") + key + " is not an integer: '" + it->second + "'");
  return v;
}

}  // namespace

bool valid_walker_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  return true;
}

std::string encode_sample(const Sample& sample) {
  if (!valid_walker_id(sample.walker))
    throw Error("TCP transport: invalid walker id '" + sample.walker + "' (1..64 of letters, digits, '-', '_')");
  // Refused here rather than by the trainer: a sample the trainer cannot read would be re-sent
  // after every reconnection and cost each connection it travels on.
  const std::string what = "TCP transport: sample " + std::to_string(sample.sequence) + " of walker " + sample.walker;
  sample.frame.frame.validate();
  const Labels& labels = sample.frame.labels;
  if (!labels.energy || !std::isfinite(*labels.energy)) throw Error(what + " has no finite reference energy");
  if (!labels.forces || labels.forces->size() != sample.frame.frame.size())
    throw Error(what + " needs one reference force per atom");
  for (const Vec3& force : *labels.forces)
    for (const double c : force)
      if (!std::isfinite(c)) throw Error(what + " has a non-finite reference force");
  LabelledFrame f = sample.frame;
  for (const char* key : kSampleKeys) f.info.erase(key);
  f.info["walker"] = sample.walker;
  f.info["sequence"] = std::to_string(sample.sequence);
  f.info["trial"] = std::to_string(sample.trial);
  f.info["accepted"] = sample.accepted ? "1" : "0";
  f.info["model_version"] = std::to_string(sample.model_version);
  std::ostringstream out;
  WriteOptions options;
  options.reference_keys = true;
  write_structure(out, f, StructureFormat::extxyz, options);
  return out.str();
}

Sample decode_sample(const std::string& payload, const std::string& source) {
  std::istringstream in(payload);
  ReadOptions options;
  options.format = StructureFormat::extxyz;
  StructureReader reader(in, source, options);
  std::optional<LabelledFrame> frame = reader.next();
  if (!frame) throw ParseError(source, 1, "a sample message holds no frame");
  if (reader.next()) throw ParseError(source, 0, "a sample message holds more than one frame");
  Sample s;
  s.walker = frame->info.count("walker") ? frame->info.at("walker") : "";
  if (!valid_walker_id(s.walker))
    throw ParseError(source, 1, "the sample's walker id '" + s.walker + "' is missing or invalid");
  s.sequence = info_int<std::uint64_t>(*frame, "sequence", source);
  s.trial = info_int<std::uint64_t>(*frame, "trial", source);
  const int accepted = info_int<int>(*frame, "accepted", source);
  if (accepted != 0 && accepted != 1) throw ParseError(source, 1, "the sample's accepted must be 0 or 1");
  s.accepted = accepted == 1;
  s.model_version = info_int<long long>(*frame, "model_version", source);
  if (!frame->labels.energy || !frame->labels.forces)
    throw ParseError(source, 1, "the sample has no REF_energy or REF_forces");
  for (const char* key : kSampleKeys) frame->info.erase(key);
  s.frame = std::move(*frame);
  return s;
}

std::string encode_ack(const Ack& ack) {
  std::string out = ack.walker;
  for (const std::uint64_t s : ack.sequences) out += ' ' + std::to_string(s);
  return out;
}

Ack decode_ack(const std::string& payload, const std::string& source) {
  Ack ack;
  std::size_t pos = 0;
  bool first = true;
  while (pos <= payload.size()) {
    const std::size_t space = std::min(payload.find(' ', pos), payload.size());
    const std::string_view word(payload.data() + pos, space - pos);
    if (first) {
      ack.walker = std::string(word);
      if (!valid_walker_id(ack.walker)) throw ParseError(source, 1, "an acknowledgement names an invalid walker id");
      first = false;
    } else {
      std::uint64_t s = 0;
      if (!parse_int(word, s)) throw ParseError(source, 1, "an acknowledgement holds a bad sequence number");
      ack.sequences.push_back(s);
    }
    pos = space + 1;
  }
  if (ack.sequences.empty()) throw ParseError(source, 1, "an acknowledgement without sequence numbers");
  return ack;
}

std::string encode_version(long long version) { return std::to_string(version); }

long long decode_version(const std::string& payload, const std::string& source) {
  long long v = 0;
  if (!parse_int(std::string_view(payload), v)) throw ParseError(source, 1, "expected a model version (an integer)");
  return v;
}

std::string encode_model(const PublishedModel& model) { return std::to_string(model.version) + "\n" + model.text; }

PublishedModel decode_model(const std::string& payload, const std::string& source) {
  const std::size_t nl = payload.find('\n');
  if (nl == std::string::npos) throw ParseError(source, 1, "a model message without its version line");
  PublishedModel m;
  m.version = decode_version(payload.substr(0, nl), source);
  m.text = payload.substr(nl + 1);
  return m;
}

}  // namespace slhmc::learning::tcp
