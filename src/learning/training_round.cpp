// One training round (see training_round.hpp).
#include "slhmc/learning/training_round.hpp"

#include "slhmc/core/error.hpp"
#include "slhmc/core/fault_point.hpp"
#include "slhmc/train/training_output.hpp"

namespace slhmc::learning {

RoundOutput run_training_round(const ModelLineage& lineage, const RoundInput& input, const train::TrainingSet& set,
                        const train::TrainOptions& options) {
  const bool scratch = input.base.empty();
  if (scratch && !input.scratch) throw Error("a training round from scratch needs a model architecture");
  RoundOutput out;
  out.result = scratch ? train::train(*input.scratch, set, options)
                       : train::train(train::load_trainable_model(lineage.path(input.base)), set, options);
  // A trainer killed here has trained but written nothing: its restart trains the round again.
  fault_point("trainer-mid-round");
  out.version = input.version + 1;
  auto meta = train::training_metadata(out.result, options, scratch ? std::nullopt : std::optional<long long>(input.version));
  meta.model_version = out.version;
  for (const auto& [key, value] : input.marks) meta.extra[key] = value;
  out.entry = ModelLineage::entry(out.version, kTrainedModelFormat);
  train::write_trained_model(lineage.path(out.entry), out.result.model, meta);
  return out;
}

}  // namespace slhmc::learning
