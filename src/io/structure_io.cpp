// Format names and guessing, the streaming StructureReader, and the writers'
// dispatch including the atomic whole-file write (temporary file, fsync, rename).
#include "slhmc/io/structure_io.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/formats.hpp"
#include "slhmc/io/durable_file.hpp"

namespace slhmc {

using io_detail::LineReader;

StructureFormat structure_format_from_name(const std::string& name) {
  if (name == "extxyz" || name == "xyz") return StructureFormat::extxyz;
  if (name == "xsf") return StructureFormat::xsf;
  if (name == "poscar" || name == "vasp") return StructureFormat::poscar;
  if (name == "n2p2") return StructureFormat::n2p2;
  if (name == "lammps-data") return StructureFormat::lammps_data;
  throw Error("unknown structure format '" + name + "'; expected one of extxyz, xsf, poscar, n2p2, lammps-data");
}

const char* structure_format_name(StructureFormat format) {
  switch (format) {
    case StructureFormat::extxyz: return "extxyz";
    case StructureFormat::xsf: return "xsf";
    case StructureFormat::poscar: return "poscar";
    case StructureFormat::n2p2: return "n2p2";
    case StructureFormat::lammps_data: return "lammps-data";
  }
  return "unknown";
}

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// For an ambiguous ".data" file: n2p2 blocks start with "begin", LAMMPS data
// has a header with "atoms". Returns nullopt if the file cannot tell.
std::optional<StructureFormat> sniff_data_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  for (int i = 0; i < 50 && std::getline(in, line); ++i) {
    const auto tokens = io_detail::split(line);
    if (tokens.empty() || tokens[0][0] == '#') continue;
    if (tokens[0] == "begin") return StructureFormat::n2p2;
    if (tokens.size() >= 2 && tokens[1] == "atoms") return StructureFormat::lammps_data;
  }
  return std::nullopt;
}

}  // namespace

StructureFormat guess_structure_format(const std::string& path) {
  const std::filesystem::path p(path);
  const std::string name = p.filename().string();
  const std::string ext = io_detail::lower(p.extension().string());
  const std::string upper_name = [&] {
    std::string u = name;
    for (char& c : u) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return u;
  }();
  if (ext == ".xyz" || ext == ".extxyz") return StructureFormat::extxyz;
  if (ext == ".xsf") return StructureFormat::xsf;
  if (starts_with(upper_name, "POSCAR") || starts_with(upper_name, "CONTCAR") || ext == ".vasp" || ext == ".poscar")
    return StructureFormat::poscar;
  if (ext == ".lmp" || ext == ".lammps" || starts_with(name, "data.")) return StructureFormat::lammps_data;
  if (name == "input.data") return StructureFormat::n2p2;
  if (ext == ".data") {
    if (auto f = sniff_data_file(path)) return *f;
  }
  throw Error("cannot tell the structure format of '" + path +
              "' from its name; give the format (extxyz, xsf, poscar, n2p2, lammps-data)");
}

struct StructureReader::Impl {
  std::unique_ptr<std::ifstream> file;  // owned stream when reading from a path
  LineReader reader;
  StructureFormat format;
  ReadOptions options;
  bool first = true;
  bool done = false;
  std::size_t frame_line = 0;  // first line read for the frame last returned
  Impl(std::unique_ptr<std::ifstream> f, std::istream& in, std::string source, StructureFormat fmt, ReadOptions opt)
      : file(std::move(f)), reader(in, std::move(source)), format(fmt), options(std::move(opt)) {}
};

namespace {
std::unique_ptr<std::ifstream> open_input(const std::string& path) {
  auto in = std::make_unique<std::ifstream>(path);
  if (!*in) throw Error("cannot open structure file '" + path + "': " + std::strerror(errno));
  return in;
}
}  // namespace

StructureReader::StructureReader(const std::string& path, ReadOptions options) {
  const StructureFormat format = options.format ? *options.format : guess_structure_format(path);
  auto file = open_input(path);
  std::istream& in = *file;
  impl_ = std::make_unique<Impl>(std::move(file), in, path, format, std::move(options));
}

StructureReader::StructureReader(std::istream& in, std::string source_name, ReadOptions options) {
  if (!options.format) throw Error("reading structures from a stream needs ReadOptions::format");
  const StructureFormat format = *options.format;
  impl_ = std::make_unique<Impl>(nullptr, in, std::move(source_name), format, std::move(options));
}

StructureReader::~StructureReader() = default;
std::size_t StructureReader::frame_line() const { return impl_ ? impl_->frame_line : 0; }
const std::string& StructureReader::source() const { return impl_->reader.source(); }
StructureReader::StructureReader(StructureReader&&) noexcept = default;

std::optional<LabelledFrame> StructureReader::next() {
  if (!impl_ || impl_->done) return std::nullopt;
  Impl& m = *impl_;
  m.frame_line = m.reader.line() + 1;
  std::optional<LabelledFrame> frame;
  switch (m.format) {
    case StructureFormat::extxyz: frame = io_detail::read_extxyz_frame(m.reader, m.options); break;
    case StructureFormat::xsf: frame = io_detail::read_xsf_frame(m.reader, m.options, m.first); break;
    case StructureFormat::poscar: frame = io_detail::read_poscar_frame(m.reader, m.options, m.first); break;
    case StructureFormat::n2p2: frame = io_detail::read_n2p2_frame(m.reader, m.options); break;
    case StructureFormat::lammps_data:
      frame = io_detail::read_lammps_data_frame(m.reader, m.options, m.first);
      break;
  }
  m.first = false;
  if (!frame) {
    m.done = true;
    return frame;
  }
  // A safety net behind the format parsers: values that are finite on their own
  // can still overflow once scaled (POSCAR scale, n2p2 units, W = −Vσ).
  try {
    frame->frame.validate();
    const Labels& labels = frame->labels;
    auto finite = [](const auto& values) {
      for (const auto& v : values)
        for (double x : v)
          if (!std::isfinite(x)) return false;
      return true;
    };
    if (labels.energy && !std::isfinite(*labels.energy)) throw Error("the energy is not finite");
    if (labels.forces && (labels.forces->size() != frame->frame.size() || !finite(*labels.forces)))
      throw Error("the forces are not finite or not one per atom");
    if (labels.virial && !finite(*labels.virial)) throw Error("the virial is not finite");
    if (labels.atomic_energies) {
      if (labels.atomic_energies->size() != frame->frame.size()) throw Error("not one atomic energy per atom");
      for (double e : *labels.atomic_energies)
        if (!std::isfinite(e)) throw Error("an atomic energy is not finite");
    }
  } catch (const Error& e) {
    throw ParseError(m.reader.source(), m.reader.line(), std::string("expected a valid structure: ") + e.what());
  }
  return frame;
}

std::vector<LabelledFrame> read_structures(const std::string& path, const ReadOptions& options) {
  StructureReader reader(path, options);
  std::vector<LabelledFrame> frames;
  while (auto frame = reader.next()) frames.push_back(std::move(*frame));
  return frames;
}

LabelledFrame read_structure(const std::string& path, const ReadOptions& options) {
  StructureReader reader(path, options);
  auto frame = reader.next();
  if (!frame) throw ParseError(path, 0, "expected at least one structure, found none");
  return std::move(*frame);
}

void write_structure(std::ostream& out, const LabelledFrame& frame, StructureFormat format,
                     const WriteOptions& options) {
  switch (format) {
    case StructureFormat::extxyz: io_detail::write_extxyz_frame(out, frame, options); break;
    case StructureFormat::xsf: io_detail::write_xsf_frame(out, frame, options); break;
    case StructureFormat::poscar: io_detail::write_poscar_frame(out, frame, options); break;
    case StructureFormat::n2p2: io_detail::write_n2p2_frame(out, frame, options); break;
    case StructureFormat::lammps_data: io_detail::write_lammps_data_frame(out, frame, options); break;
  }
  if (!out) throw Error(std::string("writing a ") + structure_format_name(format) + " structure failed");
}

void write_structures(const std::string& path, const std::vector<LabelledFrame>& frames, StructureFormat format,
                      const WriteOptions& options) {
  if (frames.size() > 1 && format != StructureFormat::extxyz && format != StructureFormat::n2p2)
    throw Error(std::string("the ") + structure_format_name(format) + " format holds one structure, not " +
                std::to_string(frames.size()) + " ('" + path + "')");
  // Formatted in memory, then replaced atomically (temporary file beside it, fsync, rename):
  // readers never see a half-written file.
  std::ostringstream out;
  for (const auto& frame : frames) write_structure(out, frame, format, options);
  write_file_atomically(path, out.str());
}

}  // namespace slhmc
