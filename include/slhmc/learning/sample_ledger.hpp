// Which samples a trainer has counted: per walker, every sequence number below
// a watermark plus the few above it that arrived out of order. Sequence numbers
// run 0, 1, 2, ... without gaps per walker, so the ledger stays small however
// many samples pass. Saved in the trainer's checkpoint so that a restarted
// trainer counts each (walker, sequence) exactly once.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace slhmc::learning {

class SampleLedger {
 public:
  // Records the sample; false if it was already recorded (a repeat to drop).
  bool insert(const std::string& walker, std::uint64_t sequence);
  bool contains(const std::string& walker, std::uint64_t sequence) const;
  // True if every sequence in [first, last] of `walker` is recorded.
  bool contains_all(const std::string& walker, std::uint64_t first, std::uint64_t last) const;
  // How many of `walker`'s samples form an unbroken run from sequence 0.
  std::uint64_t contiguous(const std::string& walker) const;
  std::uint64_t total() const { return total_; }
  std::size_t walkers() const { return walkers_.size(); }

  // One line per walker: "walker <id> <watermark> [extra sequences...]".
  std::string serialize() const;
  // Throws ParseError(source, line, ...) for a malformed line.
  static SampleLedger parse(const std::string& text, const std::string& source);

 private:
  struct Walker {
    std::uint64_t next = 0;          // 0..next-1 recorded
    std::set<std::uint64_t> above;   // recorded, > next
  };
  std::map<std::string, Walker> walkers_;
  std::uint64_t total_ = 0;
};

}  // namespace slhmc::learning
