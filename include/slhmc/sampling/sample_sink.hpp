// The door samples leave a walker by (DESIGN §4): SlhmcRun pushes every
// labelled reference evaluation into a SampleSink. The run's own sink is the
// durable log samples.xyz (append-only, synced; the exactly-once replay source
// after a restart); the owner of a run may compose further sinks after it
// (a learning transport's), which see the same samples in the same order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/core/frame.hpp"
#include "slhmc/forces/force_provider.hpp"
#include "slhmc/io/durable_file.hpp"

namespace slhmc::sampling {

struct Sample {
  std::string walker;          // walker id (letters, digits, '-', '_')
  std::uint64_t sequence = 0;  // per walker, increasing: SlhmcRun gives the trial number (0: the initial
                               // evaluation); a walker renumbers 0, 1, 2, ... without gaps for a trainer
  std::uint64_t trial = 0;     // the trial that evaluated it (0: initial)
  bool accepted = false;
  std::string move;            // "initial", "md", "volume", ...
  long long model_version = 0; // the surrogate that proposed it
  int bead = -1;               // the ring-polymer bead (path integrals) it is, or −1: a classical configuration
  LabelledFrame frame;         // positions, cell; REF energy (eV), forces (eV/Å), virial (eV)
};

class SampleSink {
 public:
  virtual ~SampleSink() = default;
  // Hands a sample over; it is durable (or delivered) once flush() returns.
  virtual void push(const Sample& sample) = 0;
  virtual void flush() = 0;
};

// A labelled frame from a configuration and its reference evaluation (energy, forces, and the
// virial if the result has one); no info keys.
LabelledFrame labelled_frame(const Frame& frame, const ComputeResult& reference);

// The extxyz record of a labelled frame with the reference keys (REF_energy, REF_forces,
// REF_virials), as samples.xyz and chain.xyz hold them.
std::string reference_extxyz(const LabelledFrame& frame);

// The extxyz record of a sample in samples.xyz: REF_energy/REF_forces/REF_virials and the info
// keys trial, accepted (T/F), move and model_version (the walker and sequence are not written).
std::string sample_record(const Sample& sample);
// sample_record's reader: the records of extxyz text as samples (walker "", sequence 0). Keys a
// record lacks (a bootstrap frame has none) leave the field at its default; accepted is true
// for T, 1 or True. Throws ParseError(source, line, ...) for a trial or model_version that is
// not a number.
std::vector<Sample> parse_sample_records(const std::string& text, const std::string& source);

// The durable log samples.xyz: push appends the record, flush syncs it to disk.
class SampleLog final : public SampleSink {
 public:
  SampleLog() = default;
  // Opens `path` for appending, first cut to `truncate_to` bytes if that is ≥ 0 (a restart).
  SampleLog(const std::string& path, std::int64_t truncate_to);
  void push(const Sample& sample) override { file_.append(sample_record(sample)); }
  void flush() override { file_.sync(); }
  // Bytes in the log (what a checkpoint records).
  std::int64_t size() const { return file_.size(); }

 private:
  AppendOnlyFile file_;
};

}  // namespace slhmc::sampling
