// Framing of the TCP transport (see tcp_frame.hpp).
#include "slhmc/learning/transport/tcp/tcp_frame.hpp"

#include <cstring>

#include "slhmc/io/durable_file.hpp"

namespace slhmc::learning::tcp {

namespace {

constexpr char kMagic[4] = {'S', 'L', 'H', 'T'};

void put_u64(char* out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xffu);
}

std::uint64_t get_u64(const char* in) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

bool known_type(std::uint8_t t) { return t >= 1 && t <= 6; }

std::string show_bytes(const char* p, std::size_t n) {
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

}  // namespace

const char* frame_type_name(FrameType type) {
  switch (type) {
    case FrameType::sample: return "sample";
    case FrameType::ack: return "ack";
    case FrameType::model_request: return "model-request";
    case FrameType::model: return "model";
    case FrameType::no_model: return "no-model";
    case FrameType::error: return "error";
  }
  return "unknown";
}

std::string encode_frame(FrameType type, std::string_view payload, std::uint64_t max_payload) {
  if (payload.size() > max_payload)
    throw Error("TCP transport: a " + std::string(frame_type_name(type)) + " message of " +
                std::to_string(payload.size()) + " bytes exceeds the limit of " + std::to_string(max_payload) +
                " bytes (transport.max_message_bytes)");
  std::string out(kHeaderSize, '\0');
  std::memcpy(out.data(), kMagic, 4);
  out[4] = static_cast<char>(kProtocolVersion);
  out[5] = static_cast<char>(type);
  put_u64(out.data() + 8, payload.size());
  out.append(payload);
  char sum[8];
  put_u64(sum, fnv1a64(out));
  out.append(sum, 8);
  return out;
}

FrameDecoder::FrameDecoder(std::string source, std::uint64_t max_payload)
    : source_(std::move(source)), max_payload_(max_payload) {}

void FrameDecoder::feed(const char* data, std::size_t size) {
  // Drop what was consumed before growing, so the buffer holds about one frame.
  if (start_ > 0 && (start_ == buffer_.size() || start_ >= (1u << 16))) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(data, size);
}

std::optional<Frame> FrameDecoder::next() {
  if (failed_) throw FrameError("TCP transport: " + source_ + ": the stream was already refused");
  if (buffered() < kHeaderSize) return std::nullopt;
  const char* h = buffer_.data() + start_;
  const auto fail = [&](const std::string& what) {
    failed_ = true;
    throw FrameError("TCP transport: " + source_ + ": " + what + " (header bytes " + show_bytes(h, kHeaderSize) +
                     "); dropping the connection");
  };
  if (std::memcmp(h, kMagic, 4) != 0) fail("not a slhmc TCP transport message (expected the magic SLHT)");
  if (static_cast<std::uint8_t>(h[4]) != kProtocolVersion)
    fail("protocol version " + std::to_string(static_cast<unsigned char>(h[4])) + " is not the supported version " +
         std::to_string(kProtocolVersion));
  if (!known_type(static_cast<std::uint8_t>(h[5])))
    fail("unknown message type " + std::to_string(static_cast<unsigned char>(h[5])));
  if (h[6] != 0 || h[7] != 0) fail("reserved header bytes are not zero");
  const std::uint64_t length = get_u64(h + 8);
  if (length > max_payload_)
    fail("a message of " + std::to_string(length) + " bytes exceeds the limit of " + std::to_string(max_payload_) +
         " bytes");
  const std::size_t total = kHeaderSize + static_cast<std::size_t>(length) + kTrailerSize;
  if (buffered() < total) return std::nullopt;
  const std::string body = buffer_.substr(start_, kHeaderSize + static_cast<std::size_t>(length));
  const std::uint64_t expected = get_u64(buffer_.data() + start_ + kHeaderSize + length);
  if (fnv1a64(body) != expected) fail("checksum mismatch (corrupted message)");
  Frame frame;
  frame.type = static_cast<FrameType>(h[5]);
  frame.payload = body.substr(kHeaderSize);
  start_ += total;
  return frame;
}

}  // namespace slhmc::learning::tcp
