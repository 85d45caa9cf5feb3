// Reader of n2p2 weight files (§B9). n2p2 itself does not check the count;
// slhmc requires it exactly, since a shifted vector is silently wrong.
#include "slhmc/nnp/n2p2_weights.hpp"

#include "parse_util.hpp"
#include "slhmc/core/error.hpp"

namespace slhmc::nnp::n2p2 {

std::vector<DenseLayer> parse_weights(std::string_view text, const std::string& source, int num_inputs,
                                      const ElementTopology& topology, const std::string& activation_where) {
  std::vector<int> sizes{num_inputs};
  for (int n : topology.hidden_nodes) sizes.push_back(n);
  sizes.push_back(1);
  if (topology.activations.size() + 1 != sizes.size())
    throw Error(activation_where + ": expected " + std::to_string(sizes.size() - 1) + " activation letters");

  std::size_t expected = 0;
  for (std::size_t l = 1; l < sizes.size(); ++l)
    expected += static_cast<std::size_t>(sizes[l - 1] + 1) * static_cast<std::size_t>(sizes[l]);

  std::vector<double> values;
  values.reserve(expected);
  std::size_t last_line = 0;
  detail::for_each_line(text, [&](std::size_t line_no, std::string_view line) {
    last_line = line_no;
    const auto toks = detail::tokens_of(line);
    if (toks.empty()) return;
    if (values.size() == expected)
      throw ParseError(source, line_no, "more values than the network needs (" + std::to_string(expected) +
                                            " for topology " + std::to_string(num_inputs) + "-...-1)");
    values.push_back(detail::parse_double(toks[0], source, line_no, "a weight or bias in the first column"));
  });
  if (values.size() != expected)
    throw ParseError(source, last_line, "expected " + std::to_string(expected) + " weights and biases, found " +
                                            std::to_string(values.size()));

  std::vector<DenseLayer> layers;
  std::size_t p = 0;
  for (std::size_t l = 1; l < sizes.size(); ++l) {
    DenseLayer layer;
    layer.n_in = sizes[l - 1];
    layer.n_out = sizes[l];
    layer.weights.resize(static_cast<std::size_t>(layer.n_in) * static_cast<std::size_t>(layer.n_out));
    layer.bias.resize(static_cast<std::size_t>(layer.n_out));
    for (int j = 0; j < layer.n_in; ++j)  // source neuron outer, target inner
      for (int k = 0; k < layer.n_out; ++k) layer.weights[static_cast<std::size_t>(k * layer.n_in + j)] = values[p++];
    for (int k = 0; k < layer.n_out; ++k) layer.bias[static_cast<std::size_t>(k)] = values[p++];
    const char letter = topology.activations[l - 1];
    try {
      layer.activation = activation_from_n2p2_letter(letter);
    } catch (const Error& e) {
      throw Error(activation_where + ": " + e.what());
    }
    layers.push_back(std::move(layer));
  }
  return layers;
}

}  // namespace slhmc::nnp::n2p2
