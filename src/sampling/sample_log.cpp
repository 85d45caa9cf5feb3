// The sample codec of samples.xyz and the durable sample log.
#include <sstream>

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
  return reference_extxyz(lf);
}

SampleLog::SampleLog(const std::string& path, std::int64_t truncate_to) : file_(path, truncate_to) {}

}  // namespace slhmc::sampling
