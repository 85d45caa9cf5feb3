// Training data: labelled frames read from structure files (extxyz with
// calculator or REF_* keys, XSF with the aenet energy comment, n2p2
// input.data, ...), each checked before it may be trained on, with a per-frame
// weight and a digest that every model trained on the set records.
//
// A frame is *bad* when it has no energy, forces of the wrong count, a
// non-finite value (the readers refuse those already) or an element the model
// does not know. Bad frames are never trained on: with BadFramePolicy::refuse
// the first one throws, with ::skip it is left out and reported (file, line,
// reason) in TrainingSet::skipped. A file that cannot be parsed at all is
// refused or, with ::skip, its remaining frames are skipped with the parser's
// message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/io/structure_io.hpp"

namespace slhmc::train {

enum class BadFramePolicy { refuse, skip };

struct TrainingSetOptions {
  // Structure files; a directory stands for every regular file in it whose format can be guessed
  // from its name (sorted by name, so the order does not depend on the file system).
  std::vector<std::string> paths;
  ReadOptions read;                     // format (guessed per file if empty), extxyz key names, units
  BadFramePolicy bad_frames = BadFramePolicy::refuse;
  std::vector<int> species;             // allowed atomic numbers; empty: any
  // A frame's weight is taken from this info key if present (e.g. extxyz `config_weight=0.5`).
  std::string weight_key = "config_weight";
};

struct SkippedFrame {
  std::string source;  // file
  std::size_t line = 0;
  std::string reason;
};

struct TrainingSet {
  std::vector<LabelledFrame> frames;
  std::vector<double> weights;        // one per frame, > 0
  std::vector<std::string> origins;   // "file:line" of each frame, for messages
  std::vector<SkippedFrame> skipped;

  std::size_t size() const { return frames.size(); }
  // Appends a frame after the same checks as loading (throws Error naming `origin` if bad).
  void add(LabelledFrame frame, double weight, std::string origin, const std::vector<int>& species = {});
  // Forgets the first `count` frames (a window of the newest samples; FeatureCache::drop_front alike).
  void drop_front(std::size_t count);
  // Sorted atomic numbers present in the set.
  std::vector<int> species() const;
  std::size_t num_atoms() const;
};

// Reads and checks every frame of options.paths. Throws Error (naming file and line) for the first bad
// frame unless options.bad_frames is skip; throws if nothing usable is left.
TrainingSet load_training_set(const TrainingSetOptions& options);

// Why `frame` cannot be trained on ("" if it can): no energy, forces not one per atom, element not
// in `species` (when non-empty), no atoms.
std::string bad_frame_reason(const LabelledFrame& frame, const std::vector<int>& species);

// Digest of the data as trained on: atomic numbers, positions, cell, labels and weights of every
// frame in order, as "fnv1a64:<16 hex digits>". Independent of file names and formats.
std::string training_set_digest(const TrainingSet& set);

// Deterministic split: a `validation_fraction` of the frames (rounded, at least one when the
// fraction is > 0 and there are two frames or more) chosen by a seeded shuffle.
struct Split {
  std::vector<std::size_t> train, validation;  // frame indices, each sorted
};
Split split_training_set(std::size_t num_frames, double validation_fraction, std::uint64_t seed);

}  // namespace slhmc::train
