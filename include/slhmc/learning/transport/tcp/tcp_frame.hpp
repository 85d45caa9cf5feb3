// The TCP transport's framing (docs/learning-tcp.md): every message is
//
//   magic "SLHT" | version u8 = 1 | type u8 | reserved u16 = 0 | payload length u64 LE
//   | payload | FNV-1a 64 (u64 LE) of the header and the payload
//
// The decoder checks the header (magic, version, known type, reserved bits,
// length against a limit) as soon as its 16 bytes are there, before buffering
// a payload, so a wrong or oversized message costs no allocation; a checksum
// mismatch is refused whole. Decoding errors are FrameError: the receiver drops
// the connection (a byte stream cannot be resynchronised safely).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "slhmc/core/error.hpp"

namespace slhmc::learning::tcp {

inline constexpr std::size_t kHeaderSize = 16;
inline constexpr std::size_t kTrailerSize = 8;
inline constexpr std::uint8_t kProtocolVersion = 1;
// Native models of a few species are well below 1 MiB; 64 MiB leaves room for large networks.
inline constexpr std::uint64_t kDefaultMaxPayload = 64ull << 20;

enum class FrameType : std::uint8_t {
  sample = 1,         // walker → trainer: one sample (see tcp_message.hpp)
  ack = 2,            // trainer → walker: "<walker> <sequence> [<sequence> ...]"
  model_request = 3,  // walker → trainer: "<current version>"
  model = 4,          // trainer → walker: "<version> <format>\n<model bytes>"
  no_model = 5,       // trainer → walker: nothing newer than the request's version
  error = 6,          // either way: why the sender is about to drop the connection
};

const char* frame_type_name(FrameType type);

struct Frame {
  FrameType type = FrameType::error;
  std::string payload;
};

class FrameError : public Error {
 public:
  using Error::Error;
};

// The bytes of one frame. Throws Error if the payload exceeds `max_payload`.
std::string encode_frame(FrameType type, std::string_view payload, std::uint64_t max_payload = kDefaultMaxPayload);

// Incremental decoder for one byte stream.
class FrameDecoder {
 public:
  // `source` names the stream in errors (e.g. "walker 127.0.0.1:40312").
  explicit FrameDecoder(std::string source, std::uint64_t max_payload = kDefaultMaxPayload);
  void feed(const char* data, std::size_t size);
  // The next complete frame, or nothing until more bytes arrive. Throws FrameError for a bad
  // header (as soon as it is complete) or checksum; the decoder is unusable afterwards.
  std::optional<Frame> next();
  // Bytes received but not yet returned as frames.
  std::size_t buffered() const { return buffer_.size() - start_; }

 private:
  std::string source_;
  std::uint64_t max_payload_;
  std::string buffer_;
  std::size_t start_ = 0;
  bool failed_ = false;
};

}  // namespace slhmc::learning::tcp
