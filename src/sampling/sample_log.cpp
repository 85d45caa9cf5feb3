// The sample codec of samples.xyz (writer and reader) and the durable sample log.
#include <sstream>
#include <stdexcept>

#include "slhmc/core/error.hpp"
#include "slhmc/io/structure_io.hpp"
#include "slhmc/sampling/sample_sink.hpp"

namespace slhmc::sampling {

LabelledFrame labelled_frame(const Frame& frame, const ComputeResult& reference) {
  LabelledFrame lf;
  lf.frame = frame;
  lf.labels.energy = reference.energy;
  lf.labels.forces = reference.forces;
  if (reference.has_virial) lf.labels.virial = reference.virial;
  return lf;
}

std::string reference_extxyz(const LabelledFrame& frame) {
  std::ostringstream out;
  WriteOptions wo;
  wo.reference_keys = true;
  write_structure(out, frame, StructureFormat::extxyz, wo);
  return out.str();
}

std::string sample_record(const Sample& sample) {
  LabelledFrame lf = sample.frame;
  lf.info["trial"] = std::to_string(sample.trial);
  lf.info["accepted"] = sample.accepted ? "T" : "F";
  lf.info["move"] = sample.move;
  lf.info["model_version"] = std::to_string(sample.model_version);
  if (sample.bead >= 0) lf.info["bead"] = std::to_string(sample.bead);
  return reference_extxyz(lf);
}

std::vector<Sample> parse_sample_records(const std::string& text, const std::string& source) {
  std::istringstream in(text);
  ReadOptions ro;
  ro.format = StructureFormat::extxyz;
  StructureReader reader(in, source, ro);
  std::vector<Sample> out;
  while (auto f = reader.next()) {
    Sample s;
    auto take = [&](const char* key) {
      const auto it = f->info.find(key);
      std::string v = it == f->info.end() ? "" : it->second;
      if (it != f->info.end()) f->info.erase(it);
      return v;
    };
    try {
      const std::string trial = take("trial"), version = take("model_version"), bead = take("bead");
      s.trial = trial.empty() ? 0 : std::stoull(trial);
      s.model_version = version.empty() ? 0 : std::stoll(version);
      s.bead = bead.empty() ? -1 : std::stoi(bead);
      if (s.bead < -1) throw std::invalid_argument(bead);
    } catch (const std::logic_error&) {
      throw ParseError(source, reader.frame_line(), "bad trial, model_version or bead");
    }
    const std::string accepted = take("accepted");
    s.accepted = accepted == "T" || accepted == "1" || accepted == "True";
    s.move = take("move");
    s.frame = std::move(*f);
    out.push_back(std::move(s));
  }
  return out;
}

SampleLog::SampleLog(const std::string& path, std::int64_t truncate_to) : file_(path, truncate_to) {}

}  // namespace slhmc::sampling
