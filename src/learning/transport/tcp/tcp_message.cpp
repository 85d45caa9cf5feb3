// Payloads of the TCP transport (see tcp_message.hpp).
#include "slhmc/learning/transport/tcp/tcp_message.hpp"

#include <charconv>
#include <cmath>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning::tcp {

namespace {

template <class Int>
bool parse_int(std::string_view text, Int& out) {
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string encode_sample(const Sample& sample) {
  if (!is_valid_walker_id(sample.walker))
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
  // The same text as a sample shard's (sample_format.hpp).
  return format_samples({sample});
}

Sample decode_sample(const std::string& payload, const std::string& source) {
  std::vector<Sample> samples = parse_samples(payload, source);
  if (samples.empty()) throw ParseError(source, 1, "a sample message holds no frame");
  if (samples.size() > 1) throw ParseError(source, 0, "a sample message holds more than one frame");
  return std::move(samples.front());
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
      if (!is_valid_walker_id(ack.walker)) throw ParseError(source, 1, "an acknowledgement names an invalid walker id");
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

std::string encode_model(const PublishedModel& model) {
  return std::to_string(model.version) + " " + model.format + "\n" + model.bytes;
}

PublishedModel decode_model(const std::string& payload, const std::string& source) {
  const std::size_t nl = payload.find('\n');
  if (nl == std::string::npos) throw ParseError(source, 1, "a model message without its version line");
  const std::string head = payload.substr(0, nl);
  const std::size_t space = head.find(' ');
  PublishedModel m;
  m.version = decode_version(head.substr(0, space), source);
  // A head without a format is a trainer's from before models were tagged: they were native.
  m.format = space == std::string::npos ? "native" : head.substr(space + 1);
  if (m.format.empty() || m.format.find_first_of(" \t\r") != std::string::npos)
    throw ParseError(source, 1, "a model message with a bad format name '" + m.format + "'");
  m.bytes = payload.substr(nl + 1);
  return m;
}

}  // namespace slhmc::learning::tcp
