// Feed-forward atomic neural networks as used by aenet and n2p2: dense layers,
// one activation per layer, a single output node. Weights are stored per layer
// as a row-major (n_out × n_in) matrix plus a bias vector, independent of the
// file layout of either code (the readers convert).
#pragma once

#include <span>
#include <string>
#include <vector>

namespace slhmc::nnp {

enum class Activation {
  linear,
  tanh,
  sigmoid,            // aenet code 2: 1/(1+e^-z), no saturation branch
  mtanh,              // aenet code 3: 1.7159·tanh(0.666666666666667·z)
  twist,              // aenet code 4: mtanh + 0.1·z
  logistic,           // n2p2 's': like sigmoid, saturates for |x| > 35
  softplus,           // n2p2 'p': ln(1+e^x), saturates for |x| > 35
  relu,               // n2p2 'r'
  gaussian,           // n2p2 'g': e^(−x²/2)
  cosine,             // n2p2 'c'
  reverse_logistic,   // n2p2 'S': 1 − logistic, no saturation branch
  exponential,        // n2p2 'e': e^(−x)
  harmonic,           // n2p2 'h': x²
};

// aenet activation code (0..4) → Activation; throws Error naming the code otherwise.
Activation activation_from_aenet_code(int code);
int aenet_code(Activation a);  // throws for activations aenet does not know
// n2p2 activation letter → Activation; throws Error naming the letter otherwise.
Activation activation_from_n2p2_letter(char letter);
char n2p2_letter(Activation a);
const char* activation_name(Activation a);

struct DenseLayer {
  int n_in = 0;
  int n_out = 0;
  std::vector<double> weights;  // n_out × n_in, row-major: weights[o·n_in + i]
  std::vector<double> bias;     // n_out
  Activation activation = Activation::linear;
};

class Network {
 public:
  Network() = default;
  // `normalize_nodes` (n2p2): each neuron's weighted sum (bias included) is divided by its fan-in.
  Network(std::vector<DenseLayer> layers, bool normalize_nodes = false);

  int num_inputs() const;
  const std::vector<DenseLayer>& layers() const { return layers_; }
  bool normalize_nodes() const { return normalize_nodes_; }
  std::size_t num_parameters() const;
  // Operations of one evaluate(x, dy_dx): forward and backward matrix-vector products
  // (2 per weight each way), biases, activations and their derivatives (2 per neuron each).
  double operation_count() const;

  // Output of the single output node.
  double evaluate(std::span<const double> x) const;
  // Output and its gradient with respect to the inputs (dy_dx has num_inputs() entries).
  double evaluate(std::span<const double> x, std::span<double> dy_dx) const;

 private:
  std::vector<DenseLayer> layers_;
  bool normalize_nodes_ = false;
};

}  // namespace slhmc::nnp
