// The GPU loss evaluator: the algorithm of loss.cpp (frame_loss) for a whole
// batch at once, in FP64.
//
// At construction everything the loss reads is copied to the GPU once: the
// descriptors x gathered per species (one column per atom), the Jacobian
// blocks and strain derivatives of the frames whose forces/virial enter the
// loss (the others are never read, so never stored), force labels and the
// atom → column maps. A batch then costs one small upload (parameters, atom
// and frame tables) and, per species and layer, one DGEMM over all atoms of
// that species in the batch:
//   forward    Z_t = A_t [H_{t−1}; 1]                       (bias = last column of A_t)
//   backward   ∂y/∂H_{t−1} = A_tᵀ (∂y/∂H_t ⊙ σ')            → g = ∂y/∂x
//   kernels    E, F_j = −e_scale Σ_a J_ajᵀ g_a, W; residuals; v_a = −e_scale (Σ_j J_aj r_j + K_a:ρ)
//   tangent    Ż_t = A_t [Ḣ_{t−1}; 0],  Ḣ_t = σ' ⊙ Ż_t
//   reverse    ∂L/∂A_t += [Z̄ Ż̄] [H Ḣ; 1 0]ᵀ                (weights and bias, one GEMM, K = 2M)
//              [H̄ Ḣ̄]_{t−1} = A_tᵀ [Z̄ Ż̄]
// with values and tangents side by side in one matrix so that each reverse
// step is a single GEMM. Only the loss terms per frame and the gradient come
// back. The model's fixed parts (layer sizes, activations, energy scale and
// shifts) are read at construction; only the parameters change between calls.
// bench/results/train-gpu-2026-11-24.md has the measurements behind the choices.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "device_memory.hpp"
#include "loss_kernels.hpp"
#include "slhmc/core/error.hpp"
#include "slhmc/train/loss_evaluator.hpp"

namespace slhmc::train {

using namespace cuda_detail;

namespace {

int activation_code(nnp::Activation a) {
  switch (a) {
    case nnp::Activation::linear: return act_linear;
    case nnp::Activation::tanh: return act_tanh;
    case nnp::Activation::sigmoid: return act_sigmoid;
    case nnp::Activation::mtanh: return act_mtanh;
    case nnp::Activation::twist: return act_twist;
    default: throw Error(std::string("activation '") + nnp::activation_name(a) + "' cannot be trained on the GPU");
  }
}

std::string device_problem() {
  int count = 0;
  const cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" state for later calls
    return std::string("no CUDA device (") + cudaGetErrorString(e) + ")";
  }
  if (count == 0) return "no CUDA device";
  return "";
}

bool uses_forces(const TrainingData& d, std::size_t i) {
  return d.use_forces[i] && d.frames[i]->labels.forces && d.features[i].has_jacobian;
}
bool uses_virial(const TrainingData& d, std::size_t i) {
  return d.use_virial[i] && d.frames[i]->labels.virial && d.features[i].has_strain;
}

// Columns per part of the split weight-gradient GEMMs (see weight_gradient).
constexpr int kSplitK = 256;

// Batch matrices of one species, laid out in one allocation for a batch of up to `capacity` atoms.
struct SpeciesWork {
  std::vector<int> nodes;        // n_0 … n_T
  std::vector<int> activations;  // per layer 1…T
  std::vector<std::size_t> weight_at;  // per layer 1…T: offset of A_t in the parameter vector
  int M = 0;
  std::size_t capacity = 0;
  // Each species' chain of GEMMs and element-wise kernels runs on its own stream, beside the
  // other species' (they only meet in the kernels that read the Jacobian).
  std::unique_ptr<Stream> stream = std::make_unique<Stream>();
  std::unique_ptr<Blas> blas = std::make_unique<Blas>(stream->get());
  std::unique_ptr<Event> start = std::make_unique<Event>(), done = std::make_unique<Event>();
  DeviceBuffer<double> arena;
  std::vector<double*> L, df, d2f, zdot;  // L: t = 0…T; the others t = 1…T (index t)
  double *adj = nullptr, *zz = nullptr, *g = nullptr, *c = nullptr;
  double* partial = nullptr;  // split-K weight gradients (see weight_gradient)

  int layers() const { return static_cast<int>(nodes.size()) - 1; }

  void reserve(std::size_t m) {
    if (m <= capacity) return;
    const std::size_t cap = std::max<std::size_t>(m + m / 4, 256);
    const int T = layers();
    const int max_n = *std::max_element(nodes.begin(), nodes.end());
    std::size_t max_block = 0;  // largest weight matrix
    for (int t = 1; t <= T; ++t) max_block = std::max(max_block, static_cast<std::size_t>(nodes[t] * (nodes[t - 1] + 1)));
    const std::size_t chunks = 2 * cap / kSplitK;
    std::size_t total = max_block * chunks;
    for (int t = 0; t <= T; ++t) total += static_cast<std::size_t>(nodes[t] + 1) * 2 * cap;
    for (int t = 1; t <= T; ++t) total += 3 * static_cast<std::size_t>(nodes[t]) * cap;
    total += 2 * 2 * static_cast<std::size_t>(max_n) * cap + static_cast<std::size_t>(nodes[0]) * cap + cap;
    arena.reserve(total);
    double* p = arena.get();
    auto take = [&p](std::size_t n) {
      double* q = p;
      p += n;
      return q;
    };
    L.assign(T + 1, nullptr), df.assign(T + 1, nullptr), d2f.assign(T + 1, nullptr), zdot.assign(T + 1, nullptr);
    for (int t = 0; t <= T; ++t) L[t] = take(static_cast<std::size_t>(nodes[t] + 1) * 2 * cap);
    for (int t = 1; t <= T; ++t) {
      df[t] = take(static_cast<std::size_t>(nodes[t]) * cap);
      d2f[t] = take(static_cast<std::size_t>(nodes[t]) * cap);
      zdot[t] = take(static_cast<std::size_t>(nodes[t]) * cap);
    }
    adj = take(2 * static_cast<std::size_t>(max_n) * cap);
    zz = take(2 * static_cast<std::size_t>(max_n) * cap);
    g = take(static_cast<std::size_t>(nodes[0]) * cap);
    c = take(cap);
    partial = take(max_block * chunks);
    capacity = cap;
  }
};

class CudaLossEvaluator final : public LossEvaluator {
 public:
  CudaLossEvaluator(const TrainableModel& model, const TrainingData& data)
      : model_(model), data_(data) {
    if (model.num_species() > static_cast<std::size_t>(kMaxSpecies))
      throw Error("the GPU evaluator handles at most " + std::to_string(kMaxSpecies) + " species");
    if (data.features.size() != data.size() || data.weights.size() != data.size() ||
        data.use_forces.size() != data.size() || data.use_virial.size() != data.size())
      throw Error("GPU loss evaluator: training data tables of different lengths");
    setup_species();
    upload_data();
  }

  LossResult evaluate(std::span<const double> parameters, std::span<const std::size_t> indices,
                      const LossWeights& weights, std::span<double> gradient) override;
  std::string name() const override { return "cuda"; }

 private:
  void setup_species();
  void upload_data();
  std::size_t stage(std::span<const double> parameters, std::span<const std::size_t> indices,
                    const LossWeights& weights);
  void forward(SpeciesWork& w, const double* params);
  void backward_parameters(SpeciesWork& w, const double* params, double* grad);
  // Runs `pass` for every species with atoms in the batch, each on its stream, between what the
  // main stream has been given so far and what it is given next.
  template <class Pass>
  void per_species(Pass pass);

  const TrainableModel& model_;
  const TrainingData& data_;
  Stream stream_;
  std::vector<SpeciesWork> work_;
  std::vector<SpeciesArgs> species_args_;

  // resident
  std::vector<std::int64_t> frame_first_atom_;  // per data frame + 1: first global atom
  std::vector<int> atom_species_;               // per global atom
  std::vector<char> has_energy_;
  std::vector<DeviceBuffer<double>> x_;  // per species
  DeviceBuffer<std::int64_t> x_column_, block_begin_, jacobian_at_, strain_at_;
  DeviceBuffer<int> block_target_;
  DeviceBuffer<double> jacobian_, strain_, force_labels_;

  // per batch
  PinnedBuffer host_in_, host_out_;
  DeviceBuffer<unsigned char> device_in_;
  DeviceBuffer<double> device_out_;
  BatchArgs batch_{};
  double den_e_ = 0.0, den_f_ = 0.0, den_v_ = 0.0;  // the batch's loss denominators
};

void CudaLossEvaluator::setup_species() {
  work_.resize(model_.num_species());
  species_args_.resize(model_.num_species());
  for (std::size_t s = 0; s < model_.num_species(); ++s) {
    const SpeciesNetwork& sp = model_.species(s);
    SpeciesWork& w = work_[s];
    w.nodes = sp.nodes;
    if (w.nodes.size() < 2 || w.nodes.back() != 1) throw Error("network of " + sp.symbol + " has no single output");
    std::size_t at = sp.offset;
    for (std::size_t t = 1; t < w.nodes.size(); ++t) {
      w.activations.push_back(activation_code(sp.activations[t - 1]));
      w.weight_at.push_back(at);
      at += static_cast<std::size_t>(w.nodes[t - 1] + 1) * static_cast<std::size_t>(w.nodes[t]);
    }
    if (at != sp.offset + sp.size) throw Error("network of " + sp.symbol + ": parameter count does not match its layers");
    species_args_[s].D = w.nodes[0];
    species_args_[s].e_scale = sp.e_scale;
    species_args_[s].e_offset = sp.e_shift + sp.e_atom;
  }
}

void CudaLossEvaluator::upload_data() {
  const std::size_t S = model_.num_species();
  std::vector<std::vector<double>> x(S);
  std::vector<std::int64_t> x_column, block_begin{0}, jacobian_at, strain_at;
  std::vector<int> block_target;
  std::vector<double> jacobian, strain, force_labels;
  frame_first_atom_.assign(1, 0);
  for (std::size_t i = 0; i < data_.size(); ++i) {
    const FrameFeatures& f = data_.features[i];
    const LabelledFrame& lf = *data_.frames[i];
    if (f.num_atoms != lf.frame.size())
      throw Error("GPU loss evaluator: frame " + std::to_string(i) + ": features and frame differ in atom count");
    has_energy_.push_back(lf.labels.energy ? 1 : 0);
    const bool forces = uses_forces(data_, i), virial = uses_virial(data_, i);
    for (std::size_t a = 0; a < f.num_atoms; ++a) {
      const auto s = static_cast<std::size_t>(f.species[a]);
      const std::size_t D = f.x_offset[a + 1] - f.x_offset[a];
      if (s >= S || D != static_cast<std::size_t>(work_[s].nodes[0]))
        throw Error("GPU loss evaluator: frame " + std::to_string(i) + " atom " + std::to_string(a) +
                    ": features do not match the model");
      atom_species_.push_back(static_cast<int>(s));
      x_column.push_back(static_cast<std::int64_t>(x[s].size() / D));
      x[s].insert(x[s].end(), f.x.begin() + static_cast<std::ptrdiff_t>(f.x_offset[a]),
                  f.x.begin() + static_cast<std::ptrdiff_t>(f.x_offset[a + 1]));
      jacobian_at.push_back(static_cast<std::int64_t>(jacobian.size()));
      if (forces)
        for (std::size_t b = f.block_begin[a]; b < f.block_begin[a + 1]; ++b) {
          const auto j = static_cast<std::size_t>(f.block_atom[b]);
          if (j >= f.num_atoms) throw Error("GPU loss evaluator: frame " + std::to_string(i) + ": bad Jacobian block");
          block_target.push_back(f.block_atom[b]);
          const auto* J = f.jacobian.data() + f.block_data[b];
          jacobian.insert(jacobian.end(), J, J + 3 * D);
        }
      block_begin.push_back(static_cast<std::int64_t>(block_target.size()));
      strain_at.push_back(static_cast<std::int64_t>(strain.size()));
      if (virial) {
        const auto* K = f.strain.data() + 9 * f.x_offset[a];
        strain.insert(strain.end(), K, K + 9 * D);
      }
      const Vec3 ref = forces ? (*lf.labels.forces)[a] : Vec3{};
      force_labels.insert(force_labels.end(), {ref[0], ref[1], ref[2]});
    }
    frame_first_atom_.push_back(frame_first_atom_.back() + static_cast<std::int64_t>(f.num_atoms));
  }
  x_.resize(S);
  for (std::size_t s = 0; s < S; ++s) {
    x_[s].upload(x[s]);
    species_args_[s].x = x_[s].get();
  }
  x_column_.upload(x_column);
  block_begin_.upload(block_begin);
  jacobian_at_.upload(jacobian_at);
  strain_at_.upload(strain_at);
  block_target_.upload(block_target);
  jacobian_.upload(jacobian);
  strain_.upload(strain);
  force_labels_.upload(force_labels);
  batch_.x_column = x_column_.get();
  batch_.block_begin = block_begin_.get();
  batch_.jacobian_at = jacobian_at_.get();
  batch_.strain_at = strain_at_.get();
  batch_.block_target = block_target_.get();
  batch_.jacobian = jacobian_.get();
  batch_.strain = strain_.get();
  batch_.force_labels = force_labels_.get();
}

std::size_t align8(std::size_t n) { return (n + 7) & ~std::size_t{7}; }

// Fills the pinned input buffer (parameters, frame records, atom tables), sets the batch's
// pointers into the device copy and every species' M; returns the bytes to upload.
std::size_t CudaLossEvaluator::stage(std::span<const double> parameters, std::span<const std::size_t> indices,
                                     const LossWeights& weights) {
  const std::size_t F = indices.size();
  std::size_t n = 0;
  double den_e = 0.0, den_f = 0.0, den_v = 0.0;  // loss.cpp's denominators, in batch order
  for (std::size_t i : indices) {
    if (i >= data_.size()) throw Error("GPU loss evaluator: frame index " + std::to_string(i) + " out of range");
    if (!has_energy_[i]) throw Error("loss: a frame without an energy label");
    const double N = static_cast<double>(frame_first_atom_[i + 1] - frame_first_atom_[i]);
    n += static_cast<std::size_t>(frame_first_atom_[i + 1] - frame_first_atom_[i]);
    den_e += data_.weights[i];
    if (uses_forces(data_, i)) den_f += data_.weights[i] * 3.0 * N;
    if (uses_virial(data_, i)) den_v += data_.weights[i] * 9.0;
  }
  den_e_ = den_e, den_f_ = den_f, den_v_ = den_v;
  if (n > static_cast<std::size_t>(INT32_MAX / 4)) throw Error("GPU loss evaluator: batch too large");
  const std::size_t P = parameters.size();
  const std::size_t off_info = align8(P * sizeof(double));
  const std::size_t off_global = off_info + align8(F * ff_count * sizeof(double));
  const std::size_t off_ints = off_global + align8(n * sizeof(std::int64_t));
  const std::size_t total = off_ints + (3 * n + 2 * F) * sizeof(int);
  host_in_.reserve(total);
  unsigned char* h = host_in_.get();
  std::memcpy(h, parameters.data(), P * sizeof(double));
  auto* info = reinterpret_cast<double*>(h + off_info);
  auto* global = reinterpret_cast<std::int64_t*>(h + off_global);
  int* atom_species = reinterpret_cast<int*>(h + off_ints);
  int* atom_column = atom_species + n;
  int* atom_frame = atom_column + n;
  int* frame_first = atom_frame + n;
  int* frame_flags = frame_first + F;

  std::vector<int> M(model_.num_species(), 0);
  std::size_t a = 0;
  for (std::size_t bf = 0; bf < F; ++bf) {
    const std::size_t i = indices[bf];
    const LabelledFrame& lf = *data_.frames[i];
    const auto first = frame_first_atom_[i], last = frame_first_atom_[i + 1];
    const double N = static_cast<double>(last - first), w = data_.weights[i];
    const bool forces = uses_forces(data_, i), virial = uses_virial(data_, i);
    double* r = info + bf * ff_count;
    r[ff_atoms] = N;
    r[ff_energy] = *lf.labels.energy;
    r[ff_coef_energy] = weights.energy * w * 2.0 / (N * den_e);
    r[ff_coef_forces] = forces ? weights.forces * w * 2.0 / den_f : 0.0;
    r[ff_coef_virial] = virial ? weights.virial * w * 2.0 / (N * den_v) : 0.0;
    for (int c = 0; c < 9; ++c) r[ff_virial + c] = virial ? (*lf.labels.virial)[c / 3][c % 3] : 0.0;
    frame_first[bf] = static_cast<int>(a);
    frame_flags[bf] = (forces ? flag_forces : 0) | (virial ? flag_virial : 0);
    for (auto g = first; g < last; ++g, ++a) {
      const int s = atom_species_[static_cast<std::size_t>(g)];
      global[a] = g;
      atom_species[a] = s;
      atom_column[a] = M[static_cast<std::size_t>(s)]++;
      atom_frame[a] = static_cast<int>(bf);
    }
  }
  for (std::size_t s = 0; s < work_.size(); ++s) {
    work_[s].reserve(static_cast<std::size_t>(M[s]));
    work_[s].M = M[s];
  }
  device_in_.reserve(total);
  const unsigned char* d = device_in_.get();
  batch_.num_atoms = static_cast<int>(n);
  batch_.num_frames = static_cast<int>(F);
  batch_.frame_info = reinterpret_cast<const double*>(d + off_info);
  batch_.atom_global = reinterpret_cast<const std::int64_t*>(d + off_global);
  batch_.atom_species = reinterpret_cast<const int*>(d + off_ints);
  batch_.atom_column = batch_.atom_species + n;
  batch_.atom_frame = batch_.atom_column + n;
  batch_.frame_first = batch_.atom_frame + n;
  batch_.frame_flags = batch_.frame_first + F;
  return total;
}

void gemm(const SpeciesWork& w, bool ta, bool tb, int m, int n, int k, const double* A, int lda, const double* B,
          int ldb, double beta, double* C, int ldc) {
  const double one = 1.0;
  check(cublasDgemm(w.blas->get(), ta ? CUBLAS_OP_T : CUBLAS_OP_N, tb ? CUBLAS_OP_T : CUBLAS_OP_N, m, n, k, &one, A,
                    lda, B, ldb, &beta, C, ldc),
        "cublasDgemm");
}

// ∂L/∂A_t += [Z̄ Ż̄] [H Ḣ; 1 0]ᵀ: an (n × (n_in+1)) result summed over K = 2M atoms. cuBLAS
// runs such a GEMM on a few thread blocks that walk all of K (measured on an H100: 126 µs for
// 5 × 57 with K = 3,600), and its GEMV for the sum of parts on one block (12–29 µs), so K is
// split by hand: a strided batch of GEMMs over parts of kSplitK columns, then one kernel adds
// the parts and the columns left over into the gradient.
void weight_gradient(const SpeciesWork& w, int t, double* grad) {
  const int n_in = w.nodes[t - 1], n = w.nodes[t], K = 2 * w.M;
  const int full = K / kSplitK, rest = K % kSplitK;
  double* C = grad + w.weight_at[t - 1];
  if (full == 0) {
    gemm(w, false, true, n, n_in + 1, K, w.zz, n, w.L[t - 1], n_in + 1, 1.0, C, n);
    return;
  }
  const double one = 1.0, zero = 0.0;
  const int block = n * (n_in + 1);
  check(cublasDgemmStridedBatched(w.blas->get(), CUBLAS_OP_N, CUBLAS_OP_T, n, n_in + 1, kSplitK, &one, w.zz, n,
                                  static_cast<long long>(n) * kSplitK, w.L[t - 1], n_in + 1,
                                  static_cast<long long>(n_in + 1) * kSplitK, &zero, w.partial, n, block, full),
        "cublasDgemmStridedBatched");
  launch_finish_split_gradient(w.partial, full, w.zz, n, w.L[t - 1], n_in + 1, n_in + 1, full * kSplitK, rest, C,
                               w.stream->get());
}

template <class Pass>
void CudaLossEvaluator::per_species(Pass pass) {
  for (auto& w : work_)
    if (w.M > 0) w.start->order(stream_.get(), w.stream->get());
  for (auto& w : work_)
    if (w.M > 0) pass(w);
  for (auto& w : work_)
    if (w.M > 0) w.done->order(w.stream->get(), stream_.get());
}

// Values through the network and g = ∂y/∂x back (loss.cpp step 1).
void CudaLossEvaluator::forward(SpeciesWork& w, const double* params) {
  const int T = w.layers(), M = w.M;
  cudaStream_t st = w.stream->get();
  for (int t = 1; t <= T; ++t) {
    const int n_in = w.nodes[t - 1], n = w.nodes[t];
    gemm(w, false, false, n, M, n_in + 1, params + w.weight_at[t - 1], n, w.L[t - 1], n_in + 1, 0.0, w.L[t], n + 1);
    launch_activate(w.L[t], n, M, w.df[t], w.d2f[t], w.activations[t - 1], st);
  }
  const double* delta = w.df[T];  // ∂y/∂z_T (y = h_T, one output)
  for (int t = T; t >= 1; --t) {
    const int n_in = w.nodes[t - 1], n = w.nodes[t];
    double* out = t == 1 ? w.g : w.adj;
    gemm(w, true, false, n_in, M, n, params + w.weight_at[t - 1], n, delta, n, 0.0, out, n_in);
    if (t > 1) {
      launch_multiply(w.zz, w.adj, w.df[t - 1], n_in, M, st);
      delta = w.zz;
    }
  }
}

// Tangent forward pass along v and the reverse pass through values and tangents (loss.cpp step 4).
void CudaLossEvaluator::backward_parameters(SpeciesWork& w, const double* params, double* grad) {
  const int T = w.layers(), M = w.M;
  cudaStream_t st = w.stream->get();
  for (int t = 1; t <= T; ++t) {
    const int n_in = w.nodes[t - 1], n = w.nodes[t];
    gemm(w, false, false, n, M, n_in + 1, params + w.weight_at[t - 1], n, w.L[t - 1] + static_cast<std::size_t>(M) * (n_in + 1),
         n_in + 1, 0.0, w.zdot[t], n);
    if (t < T) launch_tangent(w.L[t], w.df[t], w.zdot[t], n, M, st);
  }
  for (int t = T; t >= 1; --t) {
    const int n_in = w.nodes[t - 1], n = w.nodes[t];
    launch_reverse(w.zz, t == T ? nullptr : w.adj, w.c, w.df[t], w.d2f[t], w.zdot[t], n, M, st);
    weight_gradient(w, t, grad);
    if (t > 1) gemm(w, true, false, n_in, 2 * M, n, params + w.weight_at[t - 1], n, w.zz, n, 0.0, w.adj, n_in);
  }
}

LossResult CudaLossEvaluator::evaluate(std::span<const double> parameters, std::span<const std::size_t> indices,
                                       const LossWeights& weights, std::span<double> gradient) {
  const std::size_t P = model_.parameters().size();
  if (parameters.size() != P) throw Error("loss: parameter vector of the wrong size");
  if (!gradient.empty() && gradient.size() != P) throw Error("loss: gradient vector of the wrong size");
  LossResult result;
  if (indices.empty()) return result;
  cudaStream_t st = stream_.get();
  const std::size_t in_bytes = stage(parameters, indices, weights);
  const std::size_t F = indices.size(), n = static_cast<std::size_t>(batch_.num_atoms);

  // Outputs in one buffer: gradient, then per frame ΔE/N, Σ|ΔF|², Σ|ΔW/N|² (what comes back),
  // then E, W, ∂L/∂E, ρ and the forces (work), cleared by one memset.
  const std::size_t out_back = P + 3 * F, out_total = out_back + F * (1 + 9 + 1 + 9) + 3 * n;
  device_out_.reserve(out_total);
  double* out = device_out_.get();
  batch_.energy_error = out + P;
  batch_.force_sq = batch_.energy_error + F;
  batch_.virial_sq = batch_.force_sq + F;
  batch_.energy = batch_.virial_sq + F;
  batch_.virial = batch_.energy + F;
  batch_.c_energy = batch_.virial + 9 * F;
  batch_.rho = batch_.c_energy + F;
  batch_.forces = batch_.rho + 9 * F;

  check(cudaMemcpyAsync(device_in_.get(), host_in_.get(), in_bytes, cudaMemcpyHostToDevice, st), "upload batch");
  check(cudaMemsetAsync(out, 0, out_total * sizeof(double), st), "clear outputs");
  const auto* params = reinterpret_cast<const double*>(device_in_.get());

  SpeciesTable table;
  table.count = static_cast<int>(work_.size());
  for (std::size_t s = 0; s < work_.size(); ++s) {
    SpeciesArgs& a = species_args_[s];
    SpeciesWork& w = work_[s];
    a.M = w.M;
    a.l0 = w.L.empty() ? nullptr : w.L[0];  // empty: the species has had no atoms in any batch yet
    a.g = w.g;
    a.y = w.L.empty() ? nullptr : w.L[static_cast<std::size_t>(w.layers())];
    a.c = w.c;
    table.s[s] = a;
  }
  launch_gather_inputs(table, batch_, st);
  per_species([&](SpeciesWork& w) { forward(w, params); });
  launch_predict(table, batch_, st);
  launch_residuals(batch_, st);
  if (!gradient.empty()) {
    launch_directions(table, batch_, st);
    per_species([&](SpeciesWork& w) { backward_parameters(w, params, out); });
  }
  check(cudaGetLastError(), "kernel launch");
  host_out_.reserve(out_back * sizeof(double));
  check(cudaMemcpyAsync(host_out_.get(), out, out_back * sizeof(double), cudaMemcpyDeviceToHost, st), "download");
  check(cudaStreamSynchronize(st), "loss evaluation");

  const auto* back = reinterpret_cast<const double*>(host_out_.get());
  if (!gradient.empty())
    for (std::size_t k = 0; k < P; ++k) gradient[k] += back[k];
  const double* dE = back + P;
  const double* sqF = dE + F;
  const double* sqV = sqF + F;
  const double den_e = den_e_, den_f = den_f_, den_v = den_v_;
  for (std::size_t bf = 0; bf < F; ++bf) {
    const std::size_t i = indices[bf];
    const double w = data_.weights[i];
    result.loss += weights.energy * w * dE[bf] * dE[bf] / den_e;
    result.errors.energy_per_atom += dE[bf] * dE[bf];
    result.errors.energies += 1;
    if (uses_forces(data_, i)) {
      result.loss += weights.forces * w * sqF[bf] / den_f;
      result.errors.forces += sqF[bf];
      result.errors.force_components += 3 * static_cast<std::size_t>(frame_first_atom_[i + 1] - frame_first_atom_[i]);
    }
    if (uses_virial(data_, i)) {
      result.loss += weights.virial * w * sqV[bf] / den_v;
      result.errors.virial_per_atom += sqV[bf];
      result.errors.virial_components += 9;
    }
  }
  return result;
}

}  // namespace

bool cuda_device_available() { return device_problem().empty(); }

std::unique_ptr<LossEvaluator> make_cuda_loss_evaluator(const TrainableModel& model, const TrainingData& data) {
  const std::string problem = device_problem();
  if (!problem.empty()) throw Error("cannot train on the GPU: " + problem);
  return std::make_unique<CudaLossEvaluator>(model, data);
}

}  // namespace slhmc::train
