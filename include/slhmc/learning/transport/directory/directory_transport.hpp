// The shared-directory transport (DESIGN §6): walkers and a trainer that share
// only a file system (NFS, Lustre, a local disk). Every file appears whole or
// not at all (temporary file, fsync, rename, fsync of the directory); nothing
// is ever locked or rewritten in place; readers poll a bounded number of files.
//
//   ROOT/samples/<walker>/shard-<first>-<last>.xyz   samples first..last of a walker
//                                   (sequence numbers, 20 digits), extxyz + checksum line
//   ROOT/models/model-v<N><ext>     model version N, its file in its format (model_lineage.hpp;
//                                   ".nnp": native, checksummed)
//   ROOT/models/MANIFEST            the newest version: written after its model file
//
// MANIFEST:
//   slhmc-model-manifest 1
//   version = N
//   file = model-vN.nnp
//   format = native          (absent in manifests written before formats were tagged: the
//                            file's extension tells the format)
//   fnv1a64 = <16 hex digits of the model file's bytes>
//
// A reader ignores temporary files (names with ".tmp."), refuses a shard or a
// model whose checksum does not match (reporting it) and tries it again when
// its size changes, so a file that is still arriving is taken once complete.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/learning/sample_ledger.hpp"
#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

// Walker side: push() buffers, flush() writes the buffered samples as one shard.
class DirectorySampleSink : public SampleSink {
 public:
  DirectorySampleSink(std::string root, std::string walker);
  void push(const Sample& sample) override;
  void flush() override;
  std::size_t shards_written() const { return shards_written_; }

 private:
  std::string dir_;
  std::string walker_;
  std::vector<Sample> pending_;
  std::size_t shards_written_ = 0;
};

// Trainer side: take() scans ROOT/samples once and returns the samples of complete shards that
// the ledger has not counted yet (and counts them). ledger() is what a checkpoint saves;
// constructing with a saved ledger resumes without counting anything twice.
class DirectorySampleFeed : public SampleFeed {
 public:
  explicit DirectorySampleFeed(std::string root, SampleLedger ledger = {});
  std::vector<Sample> take() override;
  const SampleLedger& ledger() const { return ledger_; }
  // Shards refused since the last call ("path: reason"), each reported once per size.
  std::vector<std::string> take_problems();

 private:
  std::string dir_;
  SampleLedger ledger_;
  std::map<std::string, std::uintmax_t> refused_;  // path -> size when refused
  std::vector<std::string> problems_;
};

class DirectoryModelPublisher : public ModelPublisher {
 public:
  explicit DirectoryModelPublisher(std::string root);
  // Throws Error if the version is not above the newest one already published, or if the bytes
  // are not a valid model of that version in their format.
  void publish(const PublishedModel& model) override;

 private:
  std::string dir_;
};

class DirectoryModelSource : public ModelSource {
 public:
  explicit DirectoryModelSource(std::string root);
  std::optional<PublishedModel> newer_than(long long current, std::string* problem = nullptr) override;
  // models/model-vN.<ext> if it is there, whole (its own checksum) and of that version.
  std::optional<PublishedModel> exactly(long long version, std::string* problem = nullptr) override;

 private:
  std::string dir_;
};

struct ModelManifest {
  long long version = 0;
  std::string file;      // model-v<version><ext>
  std::string format;    // the model's format (from `format`, else the file's extension)
  std::string checksum;  // fnv1a64 of the model file, 16 hex digits
};
// Parses a MANIFEST; throws ParseError(source, line, ...) for anything malformed or missing.
ModelManifest parse_model_manifest(const std::string& text, const std::string& source);

// The version MANIFEST names (0 when there is none yet); throws ParseError for a malformed one.
long long published_version(const std::string& root);

}  // namespace slhmc::learning
