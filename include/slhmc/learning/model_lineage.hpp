// A run's or a trainer's model versions as files: ROOT/models/model-v<N><ext>,
// where <ext> is the extension the model's format registers (".nnp" for the
// native format). ModelLineage owns that naming, writing (atomically, never
// over another version) and reading; the walker, the in-process learner, the
// trainer and every transport use it, so that a model is handed over as
// format-tagged bytes (PublishedModel) and never parsed by the learning code:
// what the learning code checks (version, species, cutoff, the deterministic
// schedule's marks) comes from the format registry's description.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "slhmc/learning/transport.hpp"
#include "slhmc/nnp/model_loader.hpp"

namespace slhmc::learning {

// The format of the models the trainer trains (train::write_trained_model writes it).
inline constexpr const char* kTrainedModelFormat = "native";

class ModelLineage {
 public:
  // `root`: the run directory, the trainer's state directory or a shared directory.
  explicit ModelLineage(std::string root);

  // "model-v<version><ext>" for `format`; throws Error for a format without bytes support.
  static std::string file_name(long long version, const std::string& format);
  // "models/model-v<version><ext>": the name relative to the root that checkpoints record.
  static std::string entry(long long version, const std::string& format);
  // The format of an entry or file name by its extension; throws Error if no format has it.
  static std::string format_of(const std::string& name);

  const std::string& root() const { return root_; }
  std::string directory() const;                       // ROOT/models
  std::string path(const std::string& entry) const;    // ROOT/entry

  // Writes the model's bytes atomically under its entry (creating models/); returns the entry.
  std::string write(const PublishedModel& model) const;
  // The model stored under `entry` as bytes tagged with its format (by the extension), its
  // version `version`. Nothing if the file is not there; Error if it cannot be read.
  std::optional<PublishedModel> read(const std::string& entry, long long version) const;
  // Version `version` in any format, if a file of it is there.
  std::optional<PublishedModel> find(long long version) const;
  // Every version's entry, by version (rising).
  std::map<long long, std::string> versions() const;

 private:
  std::string root_;
};

// The registry's description of a published model (checksums and structure verified by its
// format); throws Error naming `source` if the bytes are not a whole model of that version.
nnp::ModelDescription check_published_model(const PublishedModel& model, const std::string& source);

// A model file as format-tagged bytes (the format from its extension), for its version.
PublishedModel read_model_file(const std::string& path);

}  // namespace slhmc::learning
