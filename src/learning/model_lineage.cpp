// Model versions as files and format-tagged bytes (see model_lineage.hpp).
#include "slhmc/learning/model_lineage.hpp"

#include <filesystem>

#include "slhmc/core/error.hpp"
#include "slhmc/io/durable_file.hpp"
#include "slhmc/learning/sample_format.hpp"

namespace slhmc::learning {

namespace fs = std::filesystem;

namespace {
constexpr const char* kPrefix = "model-v";
}

ModelLineage::ModelLineage(std::string root) : root_(std::move(root)) {}

std::string ModelLineage::file_name(long long version, const std::string& format) {
  return kPrefix + std::to_string(version) + nnp::model_bytes_support(format).extension;
}

std::string ModelLineage::entry(long long version, const std::string& format) {
  return "models/" + file_name(version, format);
}

std::string ModelLineage::format_of(const std::string& name) {
  const std::string ext = fs::path(name).extension().string();
  if (auto format = nnp::model_format_of_extension(ext)) return *format;
  throw Error("'" + name + "' is not a model file of a format that travels as bytes (extension '" + ext + "')");
}

std::string ModelLineage::directory() const { return (fs::path(root_) / "models").string(); }

std::string ModelLineage::path(const std::string& entry) const { return (fs::path(root_) / entry).string(); }

std::string ModelLineage::write(const PublishedModel& model) const {
  const std::string e = entry(model.version, model.format);
  fs::create_directories(directory());
  write_file_atomically(path(e), model.bytes);
  return e;
}

std::optional<PublishedModel> ModelLineage::read(const std::string& e, long long version) const {
  const std::string p = path(e);
  if (!fs::exists(p)) return std::nullopt;
  auto bytes = read_whole_file(p);
  if (!bytes) throw Error("cannot read '" + p + "'");
  return PublishedModel{version, format_of(e), std::move(*bytes)};
}

std::optional<PublishedModel> ModelLineage::find(long long version) const {
  for (const auto* f : nnp::registered_model_formats())
    if (f->bytes)
      if (auto m = read(entry(version, f->name), version)) return m;
  return std::nullopt;
}

std::map<long long, std::string> ModelLineage::versions() const {
  std::map<long long, std::string> out;
  std::error_code ec;
  for (const auto& item : fs::directory_iterator(directory(), ec)) {
    const std::string name = item.path().filename().string();
    const std::string ext = item.path().extension().string();
    if (name.rfind(kPrefix, 0) != 0 || !nnp::model_format_of_extension(ext)) continue;
    std::uint64_t version = 0;
    const std::size_t digits = name.size() - ext.size() - std::char_traits<char>::length(kPrefix);
    if (parse_count(name.substr(std::char_traits<char>::length(kPrefix), digits), version))
      out[static_cast<long long>(version)] = "models/" + name;
  }
  return out;
}

nnp::ModelDescription check_published_model(const PublishedModel& model, const std::string& source) {
  nnp::ModelDescription d = nnp::describe_model_bytes(model.format, model.bytes, source);
  if (d.version != model.version)
    throw Error(source + ": model version " + std::to_string(d.version) + ", published as version " +
                std::to_string(model.version));
  return d;
}

PublishedModel read_model_file(const std::string& path) {
  auto bytes = read_whole_file(path);
  if (!bytes) throw Error("cannot read '" + path + "'");
  PublishedModel m{0, ModelLineage::format_of(path), std::move(*bytes)};
  m.version = nnp::describe_model_bytes(m.format, m.bytes, path).version;
  return m;
}

}  // namespace slhmc::learning
