// Feed-forward atomic networks (aenet and n2p2): forward pass and the input
// gradient by back-propagation. The activation formulas, including the exact
// constants and derivative forms, follow nnp-formats §A8 (aenet codes) and
// §B8.2 (n2p2 letters, saturation branches), so that outputs match the peers
// to rounding.
#include "slhmc/nnp/network.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "slhmc/core/error.hpp"

namespace slhmc::nnp {

namespace {

// aenet's literals (§A8): b is the 15-digit decimal, not 2/3.
constexpr double kMtanhA = 1.7159;
constexpr double kMtanhB = 0.666666666666667;
constexpr double kTwistC = 0.1;
// n2p2 saturation threshold for logistic and softplus (§B8.2).
constexpr double kSaturation = 35.0;

// f(z) and f'(z) in the form each peer computes them.
inline void activate(Activation a, double z, double& f, double& df) {
  switch (a) {
    case Activation::linear:
      f = z;
      df = 1.0;
      return;
    case Activation::tanh:
      f = std::tanh(z);
      df = 1.0 - f * f;
      return;
    case Activation::sigmoid:
      f = 1.0 / (1.0 + std::exp(-z));
      df = f * (1.0 - f);
      return;
    case Activation::mtanh: {
      const double t = std::tanh(kMtanhB * z);
      f = kMtanhA * t;
      df = kMtanhA * (1.0 - t * t) * kMtanhB;
      return;
    }
    case Activation::twist: {
      const double t = std::tanh(kMtanhB * z);
      f = kMtanhA * t + kTwistC * z;
      df = kMtanhA * (1.0 - t * t) * kMtanhB + kTwistC;
      return;
    }
    case Activation::logistic:
      if (z > kSaturation) {
        f = 1.0;
        df = 0.0;
      } else if (z < -kSaturation) {
        f = 0.0;
        df = 0.0;
      } else {
        f = 1.0 / (1.0 + std::exp(-z));
        df = f * (1.0 - f);
      }
      return;
    case Activation::softplus:
      if (z > kSaturation) {
        f = z;
        df = 1.0;
      } else if (z < -kSaturation) {
        f = 0.0;
        df = 0.0;
      } else {
        // n2p2 forms e^x first and takes log(1 + e^x), not log1p.
        f = std::log(1.0 + std::exp(z));
        df = 1.0 / (1.0 + std::exp(-z));
      }
      return;
    case Activation::relu:
      if (z > 0.0) {
        f = z;
        df = 1.0;
      } else {
        f = 0.0;
        df = 0.0;
      }
      return;
    case Activation::gaussian:
      f = std::exp(-0.5 * z * z);
      df = -z * f;
      return;
    case Activation::cosine:
      f = std::cos(z);
      df = -std::sin(z);
      return;
    case Activation::reverse_logistic: {
      const double s = 1.0 / (1.0 + std::exp(-z));
      f = 1.0 - s;
      df = -s * (1.0 - s);
      return;
    }
    case Activation::exponential:
      f = std::exp(-z);
      df = -f;
      return;
    case Activation::harmonic:
      f = z * z;
      df = 2.0 * z;
      return;
  }
  f = 0.0;
  df = 0.0;
}

// Per-thread scratch so that evaluate() allocates nothing once warmed up.
struct Scratch {
  std::vector<double> values;       // layer outputs, all layers concatenated
  std::vector<double> derivatives;  // f'(z) of every non-input node
  std::vector<double> grad_a;       // back-propagation buffers
  std::vector<double> grad_b;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

Activation activation_from_aenet_code(int code) {
  switch (code) {
    case 0: return Activation::linear;
    case 1: return Activation::tanh;
    case 2: return Activation::sigmoid;
    case 3: return Activation::mtanh;
    case 4: return Activation::twist;
    default: break;
  }
  throw Error("unknown aenet activation code " + std::to_string(code) +
              " (expected 0 linear, 1 tanh, 2 sigmoid, 3 mtanh, 4 twist)");
}

int aenet_code(Activation a) {
  switch (a) {
    case Activation::linear: return 0;
    case Activation::tanh: return 1;
    case Activation::sigmoid: return 2;
    case Activation::mtanh: return 3;
    case Activation::twist: return 4;
    default: break;
  }
  throw Error(std::string("activation '") + activation_name(a) + "' has no aenet code");
}

Activation activation_from_n2p2_letter(char letter) {
  switch (letter) {
    case 'l': return Activation::linear;
    case 't': return Activation::tanh;
    case 's': return Activation::logistic;
    case 'p': return Activation::softplus;
    case 'r': return Activation::relu;
    case 'g': return Activation::gaussian;
    case 'c': return Activation::cosine;
    case 'S': return Activation::reverse_logistic;
    case 'e': return Activation::exponential;
    case 'h': return Activation::harmonic;
    default: break;
  }
  throw Error(std::string("unknown n2p2 activation letter '") + letter +
              "' (expected one of l t s p r g c S e h)");
}

char n2p2_letter(Activation a) {
  switch (a) {
    case Activation::linear: return 'l';
    case Activation::tanh: return 't';
    case Activation::logistic: return 's';
    case Activation::softplus: return 'p';
    case Activation::relu: return 'r';
    case Activation::gaussian: return 'g';
    case Activation::cosine: return 'c';
    case Activation::reverse_logistic: return 'S';
    case Activation::exponential: return 'e';
    case Activation::harmonic: return 'h';
    default: break;
  }
  throw Error(std::string("activation '") + activation_name(a) + "' has no n2p2 letter");
}

const char* activation_name(Activation a) {
  switch (a) {
    case Activation::linear: return "linear";
    case Activation::tanh: return "tanh";
    case Activation::sigmoid: return "sigmoid";
    case Activation::mtanh: return "mtanh";
    case Activation::twist: return "twist";
    case Activation::logistic: return "logistic";
    case Activation::softplus: return "softplus";
    case Activation::relu: return "relu";
    case Activation::gaussian: return "gaussian";
    case Activation::cosine: return "cosine";
    case Activation::reverse_logistic: return "reverse_logistic";
    case Activation::exponential: return "exponential";
    case Activation::harmonic: return "harmonic";
  }
  return "unknown";
}

Network::Network(std::vector<DenseLayer> layers, bool normalize_nodes)
    : layers_(std::move(layers)), normalize_nodes_(normalize_nodes) {
  if (layers_.empty()) throw Error("network has no layers");
  for (std::size_t l = 0; l < layers_.size(); ++l) {
    const DenseLayer& layer = layers_[l];
    const std::string where = "network layer " + std::to_string(l + 1) + ": ";
    if (layer.n_in <= 0 || layer.n_out <= 0)
      throw Error(where + "sizes must be positive, got " + std::to_string(layer.n_in) + " → " +
                  std::to_string(layer.n_out));
    if (l > 0 && layers_[l - 1].n_out != layer.n_in)
      throw Error(where + "expects " + std::to_string(layer.n_in) + " inputs but the previous layer has " +
                  std::to_string(layers_[l - 1].n_out) + " outputs");
    if (layer.weights.size() != static_cast<std::size_t>(layer.n_in) * layer.n_out)
      throw Error(where + "weight matrix has " + std::to_string(layer.weights.size()) + " entries, expected " +
                  std::to_string(layer.n_in * layer.n_out));
    if (layer.bias.size() != static_cast<std::size_t>(layer.n_out))
      throw Error(where + "bias has " + std::to_string(layer.bias.size()) + " entries, expected " +
                  std::to_string(layer.n_out));
  }
  if (layers_.back().n_out != 1)
    throw Error("network output layer has " + std::to_string(layers_.back().n_out) + " nodes, expected 1");
}

int Network::num_inputs() const { return layers_.empty() ? 0 : layers_.front().n_in; }

std::size_t Network::num_parameters() const {
  std::size_t n = 0;
  for (const auto& layer : layers_) n += layer.weights.size() + layer.bias.size();
  return n;
}

double Network::evaluate(std::span<const double> x) const {
  return evaluate(x, std::span<double>());
}

double Network::evaluate(std::span<const double> x, std::span<double> dy_dx) const {
  if (layers_.empty()) throw Error("evaluate() on an empty network");
  if (x.size() != static_cast<std::size_t>(num_inputs()))
    throw Error("network expects " + std::to_string(num_inputs()) + " inputs, got " + std::to_string(x.size()));
  const bool want_gradient = !dy_dx.empty();
  if (want_gradient && dy_dx.size() != x.size())
    throw Error("network gradient buffer has " + std::to_string(dy_dx.size()) + " entries, expected " +
                std::to_string(x.size()));

  Scratch& s = scratch();
  std::size_t total = 0;
  std::size_t widest = static_cast<std::size_t>(num_inputs());
  for (const auto& layer : layers_) {
    total += static_cast<std::size_t>(layer.n_out);
    widest = std::max(widest, static_cast<std::size_t>(layer.n_out));
  }
  if (s.values.size() < total) s.values.resize(total);
  if (s.derivatives.size() < total) s.derivatives.resize(total);
  if (want_gradient && s.grad_a.size() < widest) {
    s.grad_a.resize(widest);
    s.grad_b.resize(widest);
  }

  // Forward: z_o = (Σ_i W_oi y_i + b_o) [/ n_in], summing the weights first and the
  // bias last, as both peers do (aenet's bias is the last matrix column).
  const double* in = x.data();
  std::size_t offset = 0;
  for (const auto& layer : layers_) {
    double* out = s.values.data() + offset;
    double* deriv = s.derivatives.data() + offset;
    for (int o = 0; o < layer.n_out; ++o) {
      const double* w = layer.weights.data() + static_cast<std::size_t>(o) * layer.n_in;
      double z = 0.0;
      for (int i = 0; i < layer.n_in; ++i) z += w[i] * in[i];
      z += layer.bias[o];
      if (normalize_nodes_) z /= layer.n_in;
      activate(layer.activation, z, out[o], deriv[o]);
    }
    in = out;
    offset += static_cast<std::size_t>(layer.n_out);
  }
  const double y = s.values[total - 1];
  if (!want_gradient) return y;

  // Backward: g holds ∂y/∂z of the current layer's nodes.
  double* g = s.grad_a.data();
  double* g_prev = s.grad_b.data();
  offset = total - 1;
  g[0] = s.derivatives[offset];
  for (std::size_t l = layers_.size(); l-- > 0;) {
    const DenseLayer& layer = layers_[l];
    const double scale = normalize_nodes_ ? 1.0 / layer.n_in : 1.0;
    // ∂y/∂y_prev_i = Σ_o g_o W_oi (· 1/n_in with normalised nodes)
    for (int i = 0; i < layer.n_in; ++i) g_prev[i] = 0.0;
    for (int o = 0; o < layer.n_out; ++o) {
      const double go = g[o] * scale;
      const double* w = layer.weights.data() + static_cast<std::size_t>(o) * layer.n_in;
      for (int i = 0; i < layer.n_in; ++i) g_prev[i] += go * w[i];
    }
    if (l == 0) {
      for (int i = 0; i < layer.n_in; ++i) dy_dx[i] = g_prev[i];
      break;
    }
    // Chain through the previous layer's activation.
    offset -= static_cast<std::size_t>(layer.n_in);
    const double* deriv = s.derivatives.data() + offset;
    for (int i = 0; i < layer.n_in; ++i) g_prev[i] *= deriv[i];
    std::swap(g, g_prev);
  }
  return y;
}

}  // namespace slhmc::nnp
