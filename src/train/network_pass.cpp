// Per-atom network passes for training (see network_pass.hpp).
#include "network_pass.hpp"

#include <cmath>

#include "slhmc/core/error.hpp"

namespace slhmc::train::detail {

void activation_derivatives(nnp::Activation a, double z, double& f, double& df, double& d2f) {
  constexpr double ma = 1.7159, mb = 0.666666666666667, mc = 0.1;  // §A8 literals
  switch (a) {
    case nnp::Activation::linear:
      f = z, df = 1.0, d2f = 0.0;
      return;
    case nnp::Activation::tanh: {
      const double t = std::tanh(z);
      f = t, df = 1.0 - t * t, d2f = -2.0 * t * (1.0 - t * t);
      return;
    }
    case nnp::Activation::sigmoid: {
      const double s = 1.0 / (1.0 + std::exp(-z));
      f = s, df = s * (1.0 - s), d2f = s * (1.0 - s) * (1.0 - 2.0 * s);
      return;
    }
    case nnp::Activation::mtanh:
    case nnp::Activation::twist: {
      const double t = std::tanh(mb * z);
      f = ma * t, df = ma * (1.0 - t * t) * mb, d2f = -2.0 * ma * mb * mb * t * (1.0 - t * t);
      if (a == nnp::Activation::twist) f += mc * z, df += mc;
      return;
    }
    default:
      throw Error(std::string("activation '") + nnp::activation_name(a) + "' cannot be trained");
  }
}

namespace {

std::size_t total_nodes(const SpeciesNetwork& net) {
  std::size_t n = 0;
  for (int k : net.nodes) n += static_cast<std::size_t>(k);
  return n;
}

void ensure(std::vector<double>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

// Forward pass keeping every layer's output in s.h and f'(z) in s.df.
struct ForwardEnd {
  double y;              // the output
  std::size_t last;      // offset of the output layer in s.h / s.df
  std::size_t weights;   // number of weights (the end of the last layer's block)
};

ForwardEnd forward_keep(const SpeciesNetwork& net, const double* weights, const double* x, PassScratch& s) {
  const std::size_t T = net.nodes.size() - 1;
  const std::size_t total = total_nodes(net);
  ensure(s.h, total);
  ensure(s.df, total);
  std::copy(x, x + net.nodes[0], s.h.begin());
  std::size_t in_off = 0, iw = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const auto n_in = static_cast<std::size_t>(net.nodes[t]), n_out = static_cast<std::size_t>(net.nodes[t + 1]);
    const double* A = weights + iw;
    const double* h_in = s.h.data() + in_off;
    const std::size_t out_off = in_off + n_in;
    double* z = s.h.data() + out_off;
    for (std::size_t p = 0; p < n_out; ++p) z[p] = A[n_in * n_out + p];
    for (std::size_t q = 0; q < n_in; ++q)
      for (std::size_t p = 0; p < n_out; ++p) z[p] += A[q * n_out + p] * h_in[q];
    for (std::size_t p = 0; p < n_out; ++p) {
      double f, df, d2f;
      activation_derivatives(net.activations[t], z[p], f, df, d2f);
      z[p] = f;
      s.df[out_off + p] = df;
    }
    in_off = out_off;
    iw += (n_in + 1) * n_out;
  }
  return {s.h[in_off], in_off, iw};
}

std::size_t widest_layer(const SpeciesNetwork& net) {
  std::size_t max_nodes = 0;
  for (int k : net.nodes) max_nodes = std::max(max_nodes, static_cast<std::size_t>(k));
  return max_nodes;
}

}  // namespace

double forward_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double* g,
                        PassScratch& s) {
  const ForwardEnd end = forward_keep(net, weights, x, s);
  const std::size_t T = net.nodes.size() - 1;
  ensure(s.adj, widest_layer(net));
  ensure(s.next, widest_layer(net));

  // Back-propagate ∂y/∂h from the output to the inputs.
  s.adj[0] = 1.0;
  std::size_t out_off = end.last, iw = end.weights;
  for (std::size_t t = T; t-- > 0;) {
    const auto n_in = static_cast<std::size_t>(net.nodes[t]), n_out = static_cast<std::size_t>(net.nodes[t + 1]);
    iw -= (n_in + 1) * n_out;
    const double* A = weights + iw;
    for (std::size_t p = 0; p < n_out; ++p) s.adj[p] *= s.df[out_off + p];
    for (std::size_t q = 0; q < n_in; ++q) {
      double sum = 0.0;
      for (std::size_t p = 0; p < n_out; ++p) sum += A[q * n_out + p] * s.adj[p];
      s.next[q] = sum;
    }
    std::copy(s.next.begin(), s.next.begin() + static_cast<std::ptrdiff_t>(n_in), s.adj.begin());
    out_off -= n_in;
  }
  std::copy(s.adj.begin(), s.adj.begin() + net.nodes[0], g);
  return end.y;
}

void parameter_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double c,
                        const double* v, double* grad, PassScratch& s) {
  const std::size_t T = net.nodes.size() - 1;
  const std::size_t total = total_nodes(net);
  ensure(s.h, total);
  ensure(s.hdot, total);
  ensure(s.df, total);
  ensure(s.d2f, total);
  ensure(s.zdot, total);
  for (auto* buf : {&s.adj, &s.adj_dot, &s.next, &s.next_dot}) ensure(*buf, widest_layer(net));

  // Forward pass with tangents along v.
  const auto n0 = static_cast<std::size_t>(net.nodes[0]);
  std::copy(x, x + n0, s.h.begin());
  std::copy(v, v + n0, s.hdot.begin());
  std::size_t in_off = 0, iw = 0;
  for (std::size_t t = 0; t < T; ++t) {
    const auto n_in = static_cast<std::size_t>(net.nodes[t]), n_out = static_cast<std::size_t>(net.nodes[t + 1]);
    const double* A = weights + iw;
    const std::size_t out_off = in_off + n_in;
    double* z = s.h.data() + out_off;
    double* zdot = s.zdot.data() + out_off;
    for (std::size_t p = 0; p < n_out; ++p) z[p] = A[n_in * n_out + p], zdot[p] = 0.0;
    for (std::size_t q = 0; q < n_in; ++q) {
      const double hq = s.h[in_off + q], hdq = s.hdot[in_off + q];
      for (std::size_t p = 0; p < n_out; ++p) {
        z[p] += A[q * n_out + p] * hq;
        zdot[p] += A[q * n_out + p] * hdq;
      }
    }
    for (std::size_t p = 0; p < n_out; ++p) {
      double f, df, d2f;
      activation_derivatives(net.activations[t], z[p], f, df, d2f);
      z[p] = f;
      s.df[out_off + p] = df;
      s.d2f[out_off + p] = d2f;
      s.hdot[out_off + p] = df * zdot[p];
    }
    in_off = out_off;
    iw += (n_in + 1) * n_out;
  }

  // Reverse pass through values and tangents: adjoints of y (= c) and of ẏ (= 1).
  s.adj[0] = c;
  s.adj_dot[0] = 1.0;
  std::size_t out_off = in_off;
  for (std::size_t t = T; t-- > 0;) {
    const auto n_in = static_cast<std::size_t>(net.nodes[t]), n_out = static_cast<std::size_t>(net.nodes[t + 1]);
    iw -= (n_in + 1) * n_out;
    in_off = out_off - n_in;
    const double* A = weights + iw;
    double* G = grad + iw;
    // s.adj ← z̄, s.adj_dot ← ż̄ of this layer's outputs.
    for (std::size_t p = 0; p < n_out; ++p) {
      const double a = s.adj[p], ad = s.adj_dot[p];
      s.adj[p] = a * s.df[out_off + p] + ad * s.d2f[out_off + p] * s.zdot[out_off + p];
      s.adj_dot[p] = ad * s.df[out_off + p];
    }
    for (std::size_t q = 0; q < n_in; ++q) {
      const double hq = s.h[in_off + q], hdq = s.hdot[in_off + q];
      for (std::size_t p = 0; p < n_out; ++p) G[q * n_out + p] += s.adj[p] * hq + s.adj_dot[p] * hdq;
    }
    for (std::size_t p = 0; p < n_out; ++p) G[n_in * n_out + p] += s.adj[p];
    if (t == 0) break;
    for (std::size_t q = 0; q < n_in; ++q) {
      double sum = 0.0, sum_dot = 0.0;
      for (std::size_t p = 0; p < n_out; ++p) {
        sum += A[q * n_out + p] * s.adj[p];
        sum_dot += A[q * n_out + p] * s.adj_dot[p];
      }
      s.next[q] = sum;
      s.next_dot[q] = sum_dot;
    }
    std::copy(s.next.begin(), s.next.begin() + static_cast<std::ptrdiff_t>(n_in), s.adj.begin());
    std::copy(s.next_dot.begin(), s.next_dot.begin() + static_cast<std::ptrdiff_t>(n_in), s.adj_dot.begin());
    out_off = in_off;
  }
}


double forward_value(const SpeciesNetwork& net, const double* weights, const double* x, PassScratch& s) {
  return forward_keep(net, weights, x, s).y;
}

void energy_parameter_gradient(const SpeciesNetwork& net, const double* weights, const double* x, double c,
                               double* grad, PassScratch& s) {
  const ForwardEnd end = forward_keep(net, weights, x, s);
  const std::size_t T = net.nodes.size() - 1;
  ensure(s.adj, widest_layer(net));
  ensure(s.next, widest_layer(net));
  std::size_t out_off = end.last, iw = end.weights;
  s.adj[0] = c;
  for (std::size_t t = T; t-- > 0;) {
    const auto n_in = static_cast<std::size_t>(net.nodes[t]), n_out = static_cast<std::size_t>(net.nodes[t + 1]);
    iw -= (n_in + 1) * n_out;
    const std::size_t in_off = out_off - n_in;
    const double* A = weights + iw;
    double* G = grad + iw;
    for (std::size_t p = 0; p < n_out; ++p) s.adj[p] *= s.df[out_off + p];
    for (std::size_t q = 0; q < n_in; ++q) {
      const double hq = s.h[in_off + q];
      for (std::size_t p = 0; p < n_out; ++p) G[q * n_out + p] += s.adj[p] * hq;
    }
    for (std::size_t p = 0; p < n_out; ++p) G[n_in * n_out + p] += s.adj[p];
    if (t == 0) break;
    for (std::size_t q = 0; q < n_in; ++q) {
      double sum = 0.0;
      for (std::size_t p = 0; p < n_out; ++p) sum += A[q * n_out + p] * s.adj[p];
      s.next[q] = sum;
    }
    std::copy(s.next.begin(), s.next.begin() + static_cast<std::ptrdiff_t>(n_in), s.adj.begin());
    out_off = in_off;
  }
}

}  // namespace slhmc::train::detail
