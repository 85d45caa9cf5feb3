// Payloads of the TCP transport's messages (docs/learning-tcp.md). A sample is
// one extended XYZ frame with REF_* labels and the info keys walker, sequence,
// trial, accepted and model_version (the same text a sample shard holds), so
// what travels is also an ordinary training file. Decoders throw ParseError
// naming `source`; they never return a half-read message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/learning/transport.hpp"

namespace slhmc::learning::tcp {

std::string encode_sample(const Sample& sample);
Sample decode_sample(const std::string& payload, const std::string& source);

struct Ack {
  std::string walker;
  std::vector<std::uint64_t> sequences;
};
std::string encode_ack(const Ack& ack);
Ack decode_ack(const std::string& payload, const std::string& source);

std::string encode_version(long long version);
long long decode_version(const std::string& payload, const std::string& source);

// "<version> <format>\n<bytes>" (a head without the format, from trainers before format tags,
// means "native"); the bytes are not parsed here (the walker verifies them through their format).
std::string encode_model(const PublishedModel& model);
PublishedModel decode_model(const std::string& payload, const std::string& source);

}  // namespace slhmc::learning::tcp
