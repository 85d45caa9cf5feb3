// The native model as an nnp::Model (an AenetModel built from the file's
// sections, with the native metadata added to metadata()) and its registration
// as model format "native".
#include <sstream>

#include "slhmc/core/error.hpp"
#include "slhmc/nnp/aenet_model.hpp"
#include "slhmc/nnp/model_loader.hpp"
#include "slhmc/nnp/native_model.hpp"

namespace slhmc::nnp {

namespace {

class NativeNnpModel final : public Model {
 public:
  NativeNnpModel(NativeModel model, const std::string& source) : source_(source), meta_(std::move(model.metadata)) {
    AenetModelOptions options;
    options.chebyshev_version = meta_.chebyshev_version;
    aenet_ = std::make_unique<AenetModel>(std::move(model.species), options);
  }

  double cutoff() const override { return aenet_->cutoff(); }
  std::vector<int> species() const override { return aenet_->species(); }
  ComputeResult compute(const Frame& frame, const NeighborList& neighbors,
                        const ComputeRequest& request) const override {
    return aenet_->compute(frame, neighbors, request);
  }
  double operation_count(const Frame& frame, const NeighborList& neighbors) const override {
    return aenet_->operation_count(frame, neighbors);
  }
  std::string description() const override {
    std::ostringstream s;
    s << "slhmc native model '" << source_ << "' version " << meta_.model_version << " ("
      << aenet_->description() << ")";
    return s.str();
  }
  std::map<std::string, std::string> metadata() const override {
    std::map<std::string, std::string> m = aenet_->metadata();
    for (const auto& [k, v] : meta_.extra) m[k] = v;
    m["format"] = "native";
    m["path"] = source_;
    m["format_version"] = std::to_string(kNativeModelFormatVersion);
    m["model_version"] = std::to_string(meta_.model_version);
    m["parent_version"] = meta_.parent_version ? std::to_string(*meta_.parent_version) : "none";
    m["created"] = meta_.created;
    m["descriptor"] = meta_.descriptor;
    m["descriptor_summary"] = meta_.descriptor_summary;
    m["training_data_digest"] = meta_.training_data_digest.empty() ? "none" : meta_.training_data_digest;
    m["description"] = meta_.description;
    std::ostringstream rc;
    rc.precision(17);
    rc << meta_.cutoff_angstrom;
    m["cutoff_A"] = rc.str();
    return m;
  }

 private:
  std::string source_;
  NativeModelMetadata meta_;
  std::unique_ptr<AenetModel> aenet_;
};

std::unique_ptr<Model> load(const ModelSpec& spec) {
  if (spec.length_unit_angstrom != 1.0 || spec.energy_unit_ev != 1.0)
    throw Error("native model '" + spec.path + "' is in Å and eV by definition; model unit options do not apply");
  NativeModel model = read_native_model(spec.path);
  if (spec.chebyshev_version && *spec.chebyshev_version != model.metadata.chebyshev_version)
    throw Error("Chebyshev version " + std::to_string(*spec.chebyshev_version) + " requested but native model '" +
                spec.path + "' states chebyshev_version = " + std::to_string(model.metadata.chebyshev_version));
  return make_native_model(std::move(model), spec.path);
}

ModelDescription describe(const std::string& bytes, const std::string& source) {
  const NativeModel model = parse_native_model(bytes, source);
  return {model.metadata.model_version, model.metadata.species, model.metadata.cutoff_angstrom, model.metadata.extra};
}

std::unique_ptr<Model> load_bytes(const std::string& bytes, const std::string& source) {
  return make_native_model(parse_native_model(bytes, source), source);
}

const ModelFormatRegistration reg("native",
                                  "slhmc native model file (slhmc-nnp: metadata, per-species aenet networks, checksum)",
                                  &looks_like_native_model, &load, ModelBytesSupport{".nnp", &describe, &load_bytes});

}  // namespace

std::unique_ptr<Model> make_native_model(NativeModel model, const std::string& source) {
  return std::make_unique<NativeNnpModel>(std::move(model), source);
}

}  // namespace slhmc::nnp
