// slhmc's native NNP model file ("slhmc-nnp", format version 1; described in
// docs/native-model-format.md): a text file with a magic/version line, a
// `key = value` metadata block (model version and lineage, species, cutoff,
// units, training-data digest), one section per species holding that species'
// complete aenet network + descriptor setup in the §A12 ASCII layout, and a
// final FNV-1a 64 checksum line over everything before it. Written atomically
// (temporary file + rename) so that walkers hot-swapping models never read a
// partial file; the checksum catches everything else (truncation, corruption).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slhmc/nnp/aenet_file.hpp"
#include "slhmc/nnp/model.hpp"

namespace slhmc::nnp {

inline constexpr const char* kNativeModelMagic = "slhmc-nnp";
inline constexpr int kNativeModelFormatVersion = 1;

struct NativeModelMetadata {
  long long model_version = 0;                 // ≥ 0, increases with every published model
  std::optional<long long> parent_version;     // model this one was trained from (none: from scratch/imported)
  std::string created;                         // UTC ISO 8601 time, e.g. 2026-11-24T02:30:00Z; empty: now
  int chebyshev_version = 0;                   // aenet Chebyshev convention of the networks (§A5): 0 or 1
  std::string training_data_digest;            // e.g. "fnv1a64:0123..."; "" when unknown (written "none")
  std::string description;                     // free text (line breaks allowed; escaped in the file)
  // Further keys (letters, digits, '_', '.', '-'), kept verbatim: e.g. trainer settings.
  std::map<std::string, std::string> extra;

  // Filled by read_native_model from the file (ignored by the writer, which derives them).
  std::vector<std::string> species;            // section order
  std::string descriptor;                      // "Chebyshev", "Behler2011" or "mixed"
  std::string descriptor_summary;              // per species, human readable
  double cutoff_angstrom = 0.0;                // largest Rc_max of the sections
};

struct NativeModel {
  NativeModelMetadata metadata;
  std::vector<AenetNetFile> species;  // one per species, section order
};

// Writes the model atomically to `path` (Å and eV: networks in other units must be converted
// before, e.g. with convert_aenet_energy_unit). `species`: one network per species, each species
// once, every ENV species among them. Throws Error on inconsistent input (naming what) or I/O failure.
void write_native_model(const std::string& path, const std::vector<AenetNetFile>& species,
                        const NativeModelMetadata& metadata);
// The file's text (what write_native_model writes), e.g. for tests and in-memory publication.
std::string format_native_model(const std::vector<AenetNetFile>& species, const NativeModelMetadata& metadata);

// Reads and fully validates a native model file. Throws ParseError(path, line, ...) for a
// missing/wrong magic, an unknown format version (named), a missing checksum line (truncated
// file), a checksum mismatch, bad or missing metadata keys, and inconsistent species sections.
NativeModel read_native_model(const std::string& path);
// The same from memory; `source` names the data in errors.
NativeModel parse_native_model(const std::string& text, const std::string& source);

// True if `path` is a regular file whose first line is the magic (any version). Never throws.
bool looks_like_native_model(const std::string& path);

// Rescales a network's energy unit to eV: `ev_per_unit` eV per energy unit of `file`
// (scale, shift, free-atom and training-set energies).
void convert_aenet_energy_unit(AenetNetFile& file, double ev_per_unit);

// The model a native file describes: an aenet evaluator plus the native metadata (metadata()
// holds format = native, model_version, parent_version, created, training_data_digest, ...).
std::unique_ptr<Model> make_native_model(NativeModel model, const std::string& source);

}  // namespace slhmc::nnp
