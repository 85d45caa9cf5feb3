// The shared-directory transport (see directory_transport.hpp).
#include "slhmc/learning/transport/directory/directory_transport.hpp"

#include <cinttypes>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

#include "slhmc/core/error.hpp"
#include "slhmc/core/fault_point.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/sample_format.hpp"
#include "slhmc/learning/model_lineage.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {
constexpr const char* kManifestMagic = "slhmc-model-manifest 1";
}  // namespace

namespace {

std::string padded(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%020" PRIu64, v);
  return buf;
}

// "shard-<first>-<last>.xyz" with 20-digit numbers, first <= last.
bool parse_shard_name(const std::string& name, std::uint64_t& first, std::uint64_t& last) {
  if (name.size() != 6 + 20 + 1 + 20 + 4 || name.compare(0, 6, "shard-") != 0 || name[26] != '-' ||
      name.compare(47, 4, ".xyz") != 0)
    return false;
  const std::string a = name.substr(6, 20), b = name.substr(27, 20);
  if (a.find_first_not_of("0123456789") != std::string::npos || b.find_first_not_of("0123456789") != std::string::npos)
    return false;
  try {
    first = std::stoull(a);
    last = std::stoull(b);
  } catch (const std::exception&) {
    return false;  // beyond 64 bits
  }
  return first <= last;
}

std::optional<ModelManifest> read_manifest(const std::string& models_dir) {
  const std::string path = (fs::path(models_dir) / "MANIFEST").string();
  const auto text = read_whole_file(path);
  if (!text) return std::nullopt;
  return parse_model_manifest(*text, path);
}

}  // namespace

ModelManifest parse_model_manifest(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 1;
  if (!std::getline(in, line) || line != kManifestMagic)
    throw ParseError(source, 1, std::string("not a model manifest (expected '") + kManifestMagic + "')");
  ModelManifest m;
  bool have_version = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) throw ParseError(source, line_no, "expected 'key = value', got '" + line + "'");
    const std::string key = line.substr(0, eq), value = line.substr(eq + 3);
    if (key == "version") {
      if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
        throw ParseError(source, line_no, "version '" + value + "' is not a count");
      m.version = std::stoll(value);
      have_version = true;
    } else if (key == "file") {
      m.file = value;
    } else if (key == "format") {
      if (value.empty()) throw ParseError(source, line_no, "an empty format");
      m.format = value;
    } else if (key == "fnv1a64") {
      if (value.size() != 16 || value.find_first_not_of("0123456789abcdef") != std::string::npos)
        throw ParseError(source, line_no, "fnv1a64 '" + value + "' is not 16 hex digits");
      m.checksum = value;
    } else {
      throw ParseError(source, line_no, "unknown manifest key '" + key + "'");
    }
  }
  if (!have_version || m.file.empty() || m.checksum.empty())
    throw ParseError(source, line_no, "manifest without version, file and fnv1a64 (partial file?)");
  try {
    // Manifests from before models were tagged have no format: the file's extension tells it.
    if (m.format.empty()) m.format = ModelLineage::format_of(m.file);
    if (m.file != ModelLineage::file_name(m.version, m.format))
      throw ParseError(source, line_no, "manifest names '" + m.file + "' for version " + std::to_string(m.version));
  } catch (const ParseError&) {
    throw;
  } catch (const Error& e) {
    throw ParseError(source, line_no, e.what());
  }
  return m;
}

// ---- sink -------------------------------------------------------------------

DirectorySampleSink::DirectorySampleSink(std::string root, std::string walker) : walker_(std::move(walker)) {
  if (!is_valid_walker_id(walker_))
    throw Error("invalid walker id '" + walker_ + "' (1 to 64 letters, digits, '-', '_')");
  dir_ = (fs::path(root) / "samples" / walker_).string();
  fs::create_directories(dir_);
}

void DirectorySampleSink::push(const Sample& sample) {
  if (sample.walker != walker_)
    throw Error("sample of walker '" + sample.walker + "' pushed into the sink of walker '" + walker_ + "'");
  if (!pending_.empty() && sample.sequence != pending_.back().sequence + 1)
    throw Error("walker '" + walker_ + "': sample " + std::to_string(sample.sequence) + " follows sample " +
                std::to_string(pending_.back().sequence) + " (sequence numbers run without gaps)");
  pending_.push_back(sample);
}

void DirectorySampleSink::flush() {
  if (pending_.empty()) return;
  const std::string name = "shard-" + padded(pending_.front().sequence) + "-" + padded(pending_.back().sequence) + ".xyz";
  write_file_atomically((fs::path(dir_) / name).string(), format_shard(pending_));
  pending_.clear();
  ++shards_written_;
}

// ---- feed -------------------------------------------------------------------

DirectorySampleFeed::DirectorySampleFeed(std::string root, SampleLedger ledger)
    : dir_((fs::path(root) / "samples").string()), ledger_(std::move(ledger)) {}

std::vector<Sample> DirectorySampleFeed::take() {
  std::vector<Sample> out;
  std::error_code ec;
  if (!fs::is_directory(dir_, ec)) return out;
  std::vector<std::string> walkers;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.is_directory(ec) && is_valid_walker_id(e.path().filename().string()))
      walkers.push_back(e.path().filename().string());
  std::sort(walkers.begin(), walkers.end());
  for (const auto& walker : walkers) {
    struct Shard {
      std::uint64_t first, last;
      std::string path;
    };
    std::vector<Shard> shards;
    for (const auto& e : fs::directory_iterator(fs::path(dir_) / walker, ec)) {
      std::uint64_t first = 0, last = 0;
      if (parse_shard_name(e.path().filename().string(), first, last)) shards.push_back({first, last, e.path().string()});
    }
    std::sort(shards.begin(), shards.end(), [](const Shard& a, const Shard& b) { return a.first < b.first; });
    for (const auto& shard : shards) {
      if (ledger_.contains_all(walker, shard.first, shard.last)) continue;
      const std::uintmax_t size = fs::file_size(shard.path, ec);
      if (ec) continue;  // vanished (replaced by a rename): next scan
      if (auto it = refused_.find(shard.path); it != refused_.end() && it->second == size) continue;
      try {
        const auto text = read_whole_file(shard.path);
        if (!text) continue;
        std::vector<Sample> samples = parse_shard(*text, shard.path);
        if (samples.size() != shard.last - shard.first + 1)
          throw Error(shard.path + ": holds " + std::to_string(samples.size()) + " samples, its name says " +
                      std::to_string(shard.last - shard.first + 1));
        for (std::size_t i = 0; i < samples.size(); ++i)
          if (samples[i].walker != walker || samples[i].sequence != shard.first + i)
            throw Error(shard.path + ": sample " + std::to_string(i + 1) + " is (" + samples[i].walker + ", " +
                        std::to_string(samples[i].sequence) + "), not what the name says");
        refused_.erase(shard.path);
        for (auto& s : samples)
          if (ledger_.insert(s.walker, s.sequence)) out.push_back(std::move(s));
      } catch (const Error& e) {
        refused_[shard.path] = size;
        problems_.push_back(e.what());
      }
    }
  }
  return out;
}

std::vector<std::string> DirectorySampleFeed::take_problems() { return std::exchange(problems_, {}); }

// ---- models -----------------------------------------------------------------

long long published_version(const std::string& root) {
  const auto m = read_manifest((fs::path(root) / "models").string());
  return m ? m->version : 0;
}

DirectoryModelPublisher::DirectoryModelPublisher(std::string root) : dir_((fs::path(root) / "models").string()) {
  fs::create_directories(dir_);
}

void DirectoryModelPublisher::publish(const PublishedModel& model) {
  const auto current = read_manifest(dir_);
  if (current && model.version <= current->version)
    throw Error("cannot publish model version " + std::to_string(model.version) + ": version " +
                std::to_string(current->version) + " is already published in " + dir_);
  check_published_model(model, "cannot publish model version " + std::to_string(model.version));
  // The model first, then the manifest naming it: a reader that sees the manifest finds the file.
  const std::string file = ModelLineage::file_name(model.version, model.format);
  write_file_atomically((fs::path(dir_) / file).string(), model.bytes);
  fault_point("trainer-mid-publication");
  std::string manifest = std::string(kManifestMagic) + "\nversion = " + std::to_string(model.version) +
                         "\nfile = " + file + "\nformat = " + model.format + "\nfnv1a64 = " + hex16(fnv1a64(model.bytes)) + "\n";
  write_file_atomically((fs::path(dir_) / "MANIFEST").string(), manifest);
}

DirectoryModelSource::DirectoryModelSource(std::string root) : dir_((fs::path(root) / "models").string()) {}

std::optional<PublishedModel> DirectoryModelSource::newer_than(long long current, std::string* problem) {
  try {
    const auto m = read_manifest(dir_);
    if (!m || m->version <= current) return std::nullopt;
    const std::string path = (fs::path(dir_) / m->file).string();
    const auto text = read_whole_file(path);
    if (!text) throw Error(path + ": named by the manifest but cannot be read");
    if (hex16(fnv1a64(*text)) != m->checksum)
      throw Error(path + ": its bytes do not match the manifest's checksum (partial or corrupted file)");
    PublishedModel model{m->version, m->format, *text};
    check_published_model(model, path);
    return model;
  } catch (const Error& e) {
    if (problem) *problem = e.what();
    return std::nullopt;
  }
}

std::optional<PublishedModel> DirectoryModelSource::exactly(long long version, std::string* problem) {
  const ModelLineage lineage(fs::path(dir_).parent_path().string());
  try {
    auto model = lineage.find(version);
    if (!model) return std::nullopt;  // not published (yet)
    // Published files are renamed into place whole; the format's own checks catch damage.
    check_published_model(*model, lineage.directory() + "/" + ModelLineage::file_name(version, model->format));
    return model;
  } catch (const Error& e) {
    if (problem) *problem = e.what();
    return std::nullopt;
  }
}

}  // namespace slhmc::learning
