// Fuzz target: the TCP transport's frame decoder and message payload decoders
// must either return frames or throw slhmc::Error, for any bytes split at any
// point. Inputs are fed whole and in chunks (the first byte picks the chunk
// size); the payload of every frame decoded is also tried as each message kind,
// and the input itself is wrapped in a valid frame so that the payload
// decoders are reached without the checksum stopping them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_frame.hpp"
#include "slhmc/learning/transport/tcp/tcp_message.hpp"

namespace {

using namespace slhmc::learning::tcp;

void payloads(const std::string& p) {
  try { decode_sample(p, "fuzz"); } catch (const slhmc::Error&) {}
  try { decode_ack(p, "fuzz"); } catch (const slhmc::Error&) {}
  try { decode_version(p, "fuzz"); } catch (const slhmc::Error&) {}
  try { decode_model(p, "fuzz"); } catch (const slhmc::Error&) {}
}

void decode_stream(const std::string& bytes, std::size_t chunk) {
  FrameDecoder d("fuzz", 1 << 16);
  try {
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
      d.feed(bytes.data() + i, std::min(chunk, bytes.size() - i));
      while (auto f = d.next()) payloads(f->payload);
    }
  } catch (const slhmc::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t chunk = size > 0 ? 1 + data[0] % 32 : 1;
  decode_stream(bytes, bytes.size() + 1);
  decode_stream(bytes, chunk);
  if (size < (1 << 16)) decode_stream(encode_frame(FrameType::sample, bytes), chunk);
  return 0;
}
