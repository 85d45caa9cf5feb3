// Loading and checking training data (see training_set.hpp).
#include "slhmc/train/training_set.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "slhmc/core/elements.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/core/rng.hpp"
#include "slhmc/io/durable_file.hpp"

namespace slhmc::train {

namespace {

std::vector<std::string> expand_paths(const std::vector<std::string>& paths, const ReadOptions& read) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::string> inside;
      for (const auto& entry : std::filesystem::directory_iterator(p)) {
        if (!entry.is_regular_file()) continue;
        const std::string name = entry.path().string();
        if (!read.format) {
          try {
            (void)guess_structure_format(name);
          } catch (const Error&) {
            continue;  // README files and the like
          }
        }
        inside.push_back(name);
      }
      std::sort(inside.begin(), inside.end());
      if (inside.empty()) throw Error("training data: directory '" + p + "' holds no structure files");
      files.insert(files.end(), inside.begin(), inside.end());
    } else if (std::filesystem::exists(p, ec)) {
      files.push_back(p);
    } else {
      throw Error("training data: no such file or directory '" + p + "'");
    }
  }
  return files;
}

double frame_weight(const LabelledFrame& frame, const std::string& key) {
  if (key.empty()) return 1.0;
  const auto it = frame.info.find(key);
  if (it == frame.info.end()) return 1.0;
  char* end = nullptr;
  const double w = std::strtod(it->second.c_str(), &end);
  if (end == it->second.c_str() || *end != '\0' || !std::isfinite(w) || w < 0)
    throw Error("expected a finite weight >= 0 in '" + key + "', got '" + it->second + "'");
  return w;
}

// The digest's input: the raw bytes of every number, in a fixed order.
void put(std::string& bytes, double x) { bytes.append(reinterpret_cast<const char*>(&x), sizeof x); }
void put(std::string& bytes, std::int64_t x) { bytes.append(reinterpret_cast<const char*>(&x), sizeof x); }

}  // namespace

std::string bad_frame_reason(const LabelledFrame& frame, const std::vector<int>& species) {
  const std::size_t n = frame.frame.size();
  if (n == 0) return "the frame has no atoms";
  if (!frame.labels.energy) return "the frame has no energy label";
  if (frame.labels.forces && frame.labels.forces->size() != n)
    return std::to_string(frame.labels.forces->size()) + " forces for " + std::to_string(n) + " atoms";
  if (!species.empty())
    for (int z : frame.frame.numbers)
      if (std::find(species.begin(), species.end(), z) == species.end())
        return "element " + std::string(element_symbol(z)) + " is not one of the model's species";
  return "";
}

void TrainingSet::drop_front(std::size_t count) {
  count = std::min(count, frames.size());
  const auto n = static_cast<std::ptrdiff_t>(count);
  frames.erase(frames.begin(), frames.begin() + n);
  weights.erase(weights.begin(), weights.begin() + n);
  origins.erase(origins.begin(), origins.begin() + n);
}

void TrainingSet::add(LabelledFrame frame, double weight, std::string origin, const std::vector<int>& allowed) {
  frame.frame.validate();
  const std::string reason = bad_frame_reason(frame, allowed);
  if (!reason.empty()) throw Error(origin + ": " + reason);
  if (!std::isfinite(weight) || weight < 0) throw Error(origin + ": the frame weight must be finite and >= 0");
  frames.push_back(std::move(frame));
  weights.push_back(weight);
  origins.push_back(std::move(origin));
}

std::vector<int> TrainingSet::species() const {
  std::vector<int> zs;
  for (const auto& f : frames)
    for (int z : f.frame.numbers)
      if (std::find(zs.begin(), zs.end(), z) == zs.end()) zs.push_back(z);
  std::sort(zs.begin(), zs.end());
  return zs;
}

std::size_t TrainingSet::num_atoms() const {
  std::size_t n = 0;
  for (const auto& f : frames) n += f.frame.size();
  return n;
}

TrainingSet load_training_set(const TrainingSetOptions& options) {
  if (options.paths.empty()) throw Error("training data: no files given");
  TrainingSet set;
  const bool skip = options.bad_frames == BadFramePolicy::skip;
  for (const auto& path : expand_paths(options.paths, options.read)) {
    try {
      StructureReader reader(path, options.read);
      while (auto frame = reader.next()) {
        const std::string origin = path + ":" + std::to_string(reader.frame_line());
        std::string reason = bad_frame_reason(*frame, options.species);
        double weight = 1.0;
        if (reason.empty()) {
          try {
            weight = frame_weight(*frame, options.weight_key);
          } catch (const Error& e) {
            reason = e.what();
          }
        }
        if (!reason.empty()) {
          if (!skip) throw Error(origin + ": " + reason + " (set bad_frames = \"skip\" to leave such frames out)");
          set.skipped.push_back({path, reader.frame_line(), reason});
          continue;
        }
        if (weight == 0) continue;  // weight 0: present in the file, deliberately not trained on
        set.frames.push_back(std::move(*frame));
        set.weights.push_back(weight);
        set.origins.push_back(origin);
      }
    } catch (const ParseError& e) {
      if (!skip) throw;
      set.skipped.push_back({path, e.line(), std::string("unreadable, the rest of the file is skipped: ") + e.what()});
    }
  }
  if (set.frames.empty()) throw Error("training data: no usable frames in the given files");
  return set;
}

std::string training_set_digest(const TrainingSet& set) {
  std::string bytes;
  put(bytes, static_cast<std::int64_t>(set.frames.size()));
  for (std::size_t s = 0; s < set.frames.size(); ++s) {
    const Frame& f = set.frames[s].frame;
    const Labels& l = set.frames[s].labels;
    put(bytes, static_cast<std::int64_t>(f.size()));
    for (std::size_t i = 0; i < f.size(); ++i) {
      put(bytes, static_cast<std::int64_t>(f.numbers[i]));
      for (double x : f.positions[i]) put(bytes, x);
    }
    for (const auto& row : f.cell.matrix())
      for (double x : row) put(bytes, x);
    for (bool p : f.cell.pbc()) put(bytes, static_cast<std::int64_t>(p));
    put(bytes, l.energy.value_or(0.0));
    put(bytes, static_cast<std::int64_t>(l.forces.has_value()));
    if (l.forces)
      for (const auto& v : *l.forces)
        for (double x : v) put(bytes, x);
    put(bytes, static_cast<std::int64_t>(l.virial.has_value()));
    if (l.virial)
      for (const auto& row : *l.virial)
        for (double x : row) put(bytes, x);
    put(bytes, set.weights[s]);
  }
  return "fnv1a64:" + hex16(fnv1a64(bytes));
}

Split split_training_set(std::size_t num_frames, double validation_fraction, std::uint64_t seed) {
  if (!(validation_fraction >= 0 && validation_fraction < 1))
    throw Error("the validation fraction must be in [0, 1), got " + std::to_string(validation_fraction));
  std::vector<std::size_t> order(num_frames);
  std::iota(order.begin(), order.end(), 0);
  Rng rng(seed, 0x59117ULL);  // a stream of its own: the split does not move with other draws
  for (std::size_t i = num_frames; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  auto n_val = static_cast<std::size_t>(std::llround(validation_fraction * static_cast<double>(num_frames)));
  if (validation_fraction > 0 && n_val == 0 && num_frames >= 2) n_val = 1;
  Split split;
  split.validation.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n_val));
  split.train.assign(order.begin() + static_cast<std::ptrdiff_t>(n_val), order.end());
  std::sort(split.validation.begin(), split.validation.end());
  std::sort(split.train.begin(), split.train.end());
  return split;
}

}  // namespace slhmc::train
