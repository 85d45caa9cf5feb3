// The two doors between walkers and a trainer (DESIGN §4, §6): a walker pushes
// its reference evaluations into a SampleSink and polls a ModelSource for newer
// model versions; a trainer reads samples from a SampleFeed and publishes
// models through a ModelPublisher. Transports implement the pairs:
//
//   in-process   a queue and a model slot shared with a trainer thread
//   directory    append-only, checksummed sample shards and versioned model
//                files with a manifest in a shared directory (NFS/Lustre-safe:
//                write, fsync, rename; no locks, no inotify; bounded polling)
//   tcp          a framed protocol to the trainer with reconnect and backoff
//
// Samples are identified by (walker id, sequence number): a trainer counts each
// exactly once whatever a transport repeats after a reconnect or a restart.
// A model travels as format-tagged bytes (the content of one model file of a
// registered format, nnp/model_loader.hpp); a walker loads it only after its
// format verified it (checksums) and its species and cutoff match.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/sampling/sample_sink.hpp"

namespace slhmc::learning {

// A sample and the door it leaves a walker by are the sampler's own (sampling/sample_sink.hpp):
// SlhmcRun numbers its samples by trial; a walker renumbers them 0, 1, 2, ... without gaps
// before a transport carries them, and a trainer identifies each by (walker, sequence).
using Sample = sampling::Sample;
using SampleSink = sampling::SampleSink;

struct PublishedModel {
  long long version = 0;
  std::string format;          // a registered model format that travels as bytes ("native", ...)
  std::string bytes;           // the model file's content
};

// Walker side (and SampleSink above).
class ModelSource {
 public:
  virtual ~ModelSource() = default;
  // The newest published model if its version is above `current`, else nothing. Never blocks
  // longer than the transport's poll timeout; a broken or partial publication is skipped (and
  // reported through `problem`), never returned.
  virtual std::optional<PublishedModel> newer_than(long long current, std::string* problem = nullptr) = 0;
  // Published version `version` exactly, if the transport keeps earlier versions and has it (the
  // deterministic mode asks for the one its schedule needs); by default nothing (only the newest).
  virtual std::optional<PublishedModel> exactly(long long /*version*/, std::string* /*problem*/ = nullptr) {
    return std::nullopt;
  }
};

// Trainer side.
class SampleFeed {
 public:
  virtual ~SampleFeed() = default;
  // Samples that arrived since the last call, each (walker, sequence) once, in arrival order.
  virtual std::vector<Sample> take() = 0;
};

class ModelPublisher {
 public:
  virtual ~ModelPublisher() = default;
  // Makes `model` the newest version (atomically: a reader sees the old or the new one whole).
  virtual void publish(const PublishedModel& model) = 0;
};

}  // namespace slhmc::learning
