// Samples as text: extended XYZ frames with REF_* labels and the info keys
// walker, sequence, trial, accepted, move (when known) and model_version, so that a sample shard
// or a trainer's sample store is also an ordinary training file (slhmc train,
// ASE). A shard ends with one checksum line over everything before it:
//
//   slhmc-shard fnv1a64=<16 hex digits> samples=<count>
//
// and is refused whole when that line is missing (a partial file) or wrong.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "slhmc/learning/transport.hpp"

namespace slhmc::learning {

// A whole decimal number of at most 19 digits (no sign, no blanks, so no overflow) into
// `value`; false for anything else. Sequence numbers, trials, counts in files and metadata.
bool parse_count(const std::string& text, std::uint64_t& value);

// True for a valid walker id (1..64 of letters, digits, '-', '_').
bool is_valid_walker_id(const std::string& id);

// The frames, one extxyz frame per sample.
std::string format_samples(const std::vector<Sample>& samples);
// Parses format_samples' text; throws ParseError(source, line, ...) for a frame without the
// sample keys or labels. `source` names the data in errors.
std::vector<Sample> parse_samples(const std::string& text, const std::string& source);

// A complete shard: the samples and the checksum line.
std::string format_shard(const std::vector<Sample>& samples);
// Verifies the checksum line and parses; throws ParseError naming `source` for a partial,
// corrupted or inconsistent shard.
std::vector<Sample> parse_shard(const std::string& text, const std::string& source);

}  // namespace slhmc::learning
