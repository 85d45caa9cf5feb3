// Walker side of the TCP transport: models (see tcp_walker.hpp).
#include "slhmc/core/error.hpp"
#include "slhmc/learning/transport/tcp/tcp_message.hpp"
#include "slhmc/learning/transport/tcp/tcp_walker.hpp"
#include "slhmc/learning/model_lineage.hpp"
#include "tcp_link.hpp"

namespace slhmc::learning {

using namespace tcp;

TcpModelSource::TcpModelSource(TcpWalkerOptions options)
    : link_(std::make_unique<TcpLink>(options, "model source")), options_(std::move(options)) {}

TcpModelSource::~TcpModelSource() = default;

std::optional<PublishedModel> TcpModelSource::newer_than(long long current, std::string* problem) {
  const auto deadline = Clock::now() + options_.poll_timeout;
  const auto fail = [&](const std::string& why) -> std::optional<PublishedModel> {
    if (problem) *problem = why;
    return std::nullopt;
  };
  if (!link_->ensure_connected(deadline)) return fail(link_->last_problem());
  if (!link_->send(encode_frame(FrameType::model_request, encode_version(current), options_.max_message_bytes)))
    return fail(link_->last_problem());
  std::optional<Frame> reply = link_->receive(deadline);
  if (!reply) {
    // Drop a slow connection: its late answer must not be taken for the next request's.
    if (link_->connected()) link_->drop("no answer to a model request within poll_timeout");
    return fail(link_->last_problem());
  }
  if (reply->type == FrameType::no_model) return std::nullopt;
  if (reply->type != FrameType::model) {
    link_->drop(std::string("unexpected ") + frame_type_name(reply->type) + " message in answer to a model request");
    return fail(link_->last_problem());
  }
  const std::string source = "model from the " + link_->describe();
  try {
    PublishedModel m = decode_model(reply->payload, source);
    if (m.version <= current)
      return fail("TCP transport: refused " + source + ": version " + std::to_string(m.version) +
                  " is not above the current " + std::to_string(current));
    check_published_model(m, source + " (version " + std::to_string(m.version) + ")");
    return m;
  } catch (const Error& e) {
    return fail(std::string("TCP transport: refused a broken model: ") + e.what());
  }
}

}  // namespace slhmc::learning
