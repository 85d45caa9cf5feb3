// n2p2 `weights.NNN.data` (nnp-formats.md §B9): the first column of every
// non-comment line, in n2p2's layer order (weights source-outer/target-inner,
// then biases), converted into slhmc's DenseLayer layout.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "slhmc/nnp/n2p2_settings.hpp"
#include "slhmc/nnp/network.hpp"

namespace slhmc::nnp::n2p2 {

// Layers of a network with `num_inputs` inputs and the hidden layers and
// activations of `topology`. The number of values must match the topology
// exactly; otherwise ParseError naming the file (and line where known).
// Activation letters that n2p2 does not know are rejected naming
// `activation_where` (the input.nn line).
std::vector<DenseLayer> parse_weights(std::string_view text, const std::string& source, int num_inputs,
                                      const ElementTopology& topology, const std::string& activation_where);

}  // namespace slhmc::nnp::n2p2
