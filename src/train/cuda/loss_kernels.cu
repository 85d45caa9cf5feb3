// Kernels of the GPU loss evaluator (see loss_kernels.hpp). The element-wise
// ones are trivially parallel; the ones that read the stored descriptor
// Jacobian (predict, directions) give one thread block to a centre atom so
// that its blocks stream through coalesced, and scatter forces with FP64
// atomics (sm_60+): the summation order, and so the last bits, vary from run
// to run, far below the 1e-10 agreement the tests ask for.
#include <cuda_runtime.h>

#include "loss_kernels.hpp"

namespace slhmc::train::cuda_detail {

namespace {

constexpr int kThreads = 256;

int blocks_for(long long n) { return static_cast<int>((n + kThreads - 1) / kThreads); }

// f, f', f'' as network_pass.cpp (nnp-formats §A8 constants).
__device__ inline void activation(int a, double z, double& f, double& df, double& d2f) {
  constexpr double ma = 1.7159, mb = 0.666666666666667, mc = 0.1;
  switch (a) {
    case act_tanh: {
      const double t = tanh(z);
      f = t, df = 1.0 - t * t, d2f = -2.0 * t * (1.0 - t * t);
      return;
    }
    case act_sigmoid: {
      const double s = 1.0 / (1.0 + exp(-z));
      f = s, df = s * (1.0 - s), d2f = s * (1.0 - s) * (1.0 - 2.0 * s);
      return;
    }
    case act_mtanh:
    case act_twist: {
      const double t = tanh(mb * z);
      f = ma * t, df = ma * (1.0 - t * t) * mb, d2f = -2.0 * ma * mb * mb * t * (1.0 - t * t);
      if (a == act_twist) f += mc * z, df += mc;
      return;
    }
    default:
      f = z, df = 1.0, d2f = 0.0;
  }
}

__device__ inline double warp_sum(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}

__global__ void gather_inputs(SpeciesTable sp, BatchArgs b) {
  const int i = blockIdx.x;
  const SpeciesArgs& S = sp.s[b.atom_species[i]];
  const int m = b.atom_column[i];
  const double* src = S.x + b.x_column[b.atom_global[i]] * S.D;
  double* dst = S.l0 + static_cast<long long>(m) * (S.D + 1);
  for (int k = threadIdx.x; k < S.D; k += blockDim.x) dst[k] = src[k];
  if (threadIdx.x == 0) {
    dst[S.D] = 1.0;
    S.l0[static_cast<long long>(S.M + m) * (S.D + 1) + S.D] = 0.0;
  }
}

__global__ void activate(double* L, int n, int M, double* df, double* d2f, int act) {
  const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (idx >= static_cast<long long>(n + 1) * M) return;
  const int p = static_cast<int>(idx % (n + 1));
  const long long m = idx / (n + 1);
  if (p == n) {
    L[idx] = 1.0;
    L[(M + m) * (n + 1) + n] = 0.0;
    return;
  }
  double f, d1, d2;
  activation(act, L[idx], f, d1, d2);
  L[idx] = f;
  df[m * n + p] = d1;
  d2f[m * n + p] = d2;
}

__global__ void multiply(double* out, const double* a, const double* df, long long count) {
  const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (idx < count) out[idx] = a ? a[idx] * df[idx] : df[idx];
}

__global__ void tangent(double* L, const double* df, const double* zdot, int n, int M) {
  const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  if (idx >= static_cast<long long>(n) * M) return;
  const int p = static_cast<int>(idx % n);
  const long long m = idx / n;
  L[(M + m) * (n + 1) + p] = df[idx] * zdot[idx];
}

__global__ void reverse(double* zz, const double* adj, const double* c, const double* df, const double* d2f,
                        const double* zdot, int n, int M) {
  const long long idx = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x;
  const long long count = static_cast<long long>(n) * M;
  if (idx >= count) return;
  const double a = adj ? adj[idx] : c[idx / n];
  const double ad = adj ? adj[count + idx] : 1.0;
  zz[idx] = a * df[idx] + ad * d2f[idx] * zdot[idx];
  zz[count + idx] = ad * df[idx];
}

// One block per output element: 128 threads share its partial sums and remaining columns.
__global__ void finish_split_gradient(const double* partial, int parts, const double* zz, int n, const double* L,
                                      int ldl, int first, int rest, double* C) {
  __shared__ double warp_sums[4];
  const int i = blockIdx.x, block = gridDim.x, p = i % n, q = i / n;
  double s = 0.0;
  for (int j = threadIdx.x; j < parts; j += blockDim.x) s += partial[static_cast<long long>(j) * block + i];
  for (int m = threadIdx.x; m < rest; m += blockDim.x)
    s += zz[static_cast<long long>(first + m) * n + p] * L[static_cast<long long>(first + m) * ldl + q];
  s = warp_sum(s);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = s;
  __syncthreads();
  if (threadIdx.x == 0) C[i] += warp_sums[0] + warp_sums[1] + warp_sums[2] + warp_sums[3];
}

// One block per batch atom (the centre): its energy, its share of the forces on every atom its
// descriptor depends on (one warp per Jacobian block), and of the virial.
__global__ void predict(SpeciesTable sp, BatchArgs b) {
  extern __shared__ double shared[];
  const int i = blockIdx.x;
  const SpeciesArgs& S = sp.s[b.atom_species[i]];
  const int m = b.atom_column[i], f = b.atom_frame[i], D = S.D;
  const long long gi = b.atom_global[i];
  double* g = shared;  // D values
  for (int k = threadIdx.x; k < D; k += blockDim.x) g[k] = S.g[static_cast<long long>(m) * D + k];
  __syncthreads();
  if (threadIdx.x == 0) atomicAdd(&b.energy[f], S.e_scale * S.y[2 * m] + S.e_offset);
  const int flags = b.frame_flags[f];
  const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
  if (flags & flag_forces) {
    const long long b0 = b.block_begin[gi], b1 = b.block_begin[gi + 1];
    const double* J = b.jacobian + b.jacobian_at[gi];
    double* F = b.forces + 3LL * b.frame_first[f];
    // Two blocks per warp at a time: twice the loads in flight (measured: the kernel is bound by
    // memory latency, not bandwidth, with one).
    for (long long bl = b0 + warp; bl < b1; bl += 2 * warps) {
      const long long bl2 = bl + warps < b1 ? bl + warps : bl;
      const double* Ja = J + (bl - b0) * 3 * D;
      const double* Jb = J + (bl2 - b0) * 3 * D;
      double s0 = 0.0, s1 = 0.0, s2 = 0.0, t0 = 0.0, t1 = 0.0, t2 = 0.0;
      for (int k = lane; k < D; k += 32) {
        const double gk = g[k];
        s0 += Ja[3 * k] * gk, s1 += Ja[3 * k + 1] * gk, s2 += Ja[3 * k + 2] * gk;
        t0 += Jb[3 * k] * gk, t1 += Jb[3 * k + 1] * gk, t2 += Jb[3 * k + 2] * gk;
      }
      s0 = warp_sum(s0), s1 = warp_sum(s1), s2 = warp_sum(s2);
      t0 = warp_sum(t0), t1 = warp_sum(t1), t2 = warp_sum(t2);
      if (lane == 0) {
        double* Fj = F + 3LL * b.block_target[bl];
        atomicAdd(Fj, -S.e_scale * s0);
        atomicAdd(Fj + 1, -S.e_scale * s1);
        atomicAdd(Fj + 2, -S.e_scale * s2);
        if (bl2 != bl) {
          double* Fk = F + 3LL * b.block_target[bl2];
          atomicAdd(Fk, -S.e_scale * t0);
          atomicAdd(Fk + 1, -S.e_scale * t1);
          atomicAdd(Fk + 2, -S.e_scale * t2);
        }
      }
    }
  }
  if (flags & flag_virial) {
    const double* K = b.strain + b.strain_at[gi];
    double* partial = shared + D;  // 9 per warp
    double acc[9];
#pragma unroll
    for (int c = 0; c < 9; ++c) acc[c] = 0.0;
    for (int k = threadIdx.x; k < D; k += blockDim.x)
#pragma unroll
      for (int c = 0; c < 9; ++c) acc[c] += K[9 * k + c] * g[k];
#pragma unroll
    for (int c = 0; c < 9; ++c) {
      const double v = warp_sum(acc[c]);
      if (lane == 0) partial[9 * warp + c] = v;
    }
    __syncthreads();
    if (threadIdx.x < 9) {
      double sum = 0.0;
      for (int w = 0; w < warps; ++w) sum += partial[9 * w + threadIdx.x];
      atomicAdd(&b.virial[9 * f + threadIdx.x], -S.e_scale * sum);
    }
  }
}

// One thread per frame: energy and virial residuals and their adjoints.
__global__ void frame_residuals(BatchArgs b) {
  const int f = blockIdx.x * blockDim.x + threadIdx.x;
  if (f >= b.num_frames) return;
  const double* info = b.frame_info + static_cast<long long>(f) * ff_count;
  const double N = info[ff_atoms];
  const double dE = (b.energy[f] - info[ff_energy]) / N;
  b.energy_error[f] = dE;
  b.c_energy[f] = info[ff_coef_energy] * dE;
  double sq = 0.0;
  for (int c = 0; c < 9; ++c) {
    const double d = (b.virial[9 * f + c] - info[ff_virial + c]) / N;
    if (b.frame_flags[f] & flag_virial) sq += d * d;
    b.rho[9 * f + c] = info[ff_coef_virial] * d;
  }
  b.virial_sq[f] = (b.frame_flags[f] & flag_virial) ? sq : 0.0;
}

// One thread per batch atom of a force frame: ΔF summed per frame, forces replaced by r = ∂L/∂F.
__global__ void force_residuals(BatchArgs b) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= b.num_atoms) return;
  const int f = b.atom_frame[i];
  if (!(b.frame_flags[f] & flag_forces)) return;
  const double coef = b.frame_info[static_cast<long long>(f) * ff_count + ff_coef_forces];
  const double* ref = b.force_labels + 3 * b.atom_global[i];
  double* F = b.forces + 3LL * i;
  double sq = 0.0;
  for (int c = 0; c < 3; ++c) {
    const double d = F[c] - ref[c];
    sq += d * d;
    F[c] = coef * d;
  }
  atomicAdd(&b.force_sq[f], sq);
}

// One block per batch atom, one thread per descriptor component k.
__global__ void directions(SpeciesTable sp, BatchArgs b) {
  const int i = blockIdx.x;
  const SpeciesArgs& S = sp.s[b.atom_species[i]];
  const int m = b.atom_column[i], f = b.atom_frame[i], D = S.D;
  const long long gi = b.atom_global[i];
  const int flags = b.frame_flags[f];
  double* v = S.l0 + static_cast<long long>(S.M + m) * (D + 1);
  if (threadIdx.x == 0) S.c[m] = b.c_energy[f] * S.e_scale;
  const double* r = b.forces + 3LL * b.frame_first[f];
  const double* rho = b.rho + 9 * f;
  for (int k = threadIdx.x; k < D; k += blockDim.x) {
    double u = 0.0;
    if (flags & flag_forces) {
      const long long b0 = b.block_begin[gi], b1 = b.block_begin[gi + 1];
      const double* J = b.jacobian + b.jacobian_at[gi] + 3 * k;
#pragma unroll 4
      for (long long bl = b0; bl < b1; ++bl) {
        const double* rj = r + 3LL * b.block_target[bl];
        const double* Jk = J + (bl - b0) * 3 * D;
        u += Jk[0] * rj[0] + Jk[1] * rj[1] + Jk[2] * rj[2];
      }
    }
    if (flags & flag_virial) {
      const double* K = b.strain + b.strain_at[gi] + 9 * k;
      for (int c = 0; c < 9; ++c) u += K[c] * rho[c];
    }
    v[k] = -S.e_scale * u;
  }
}

}  // namespace

void launch_gather_inputs(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream) {
  if (b.num_atoms > 0) gather_inputs<<<b.num_atoms, 64, 0, stream>>>(sp, b);
}

void launch_activate(double* L, int n, int M, double* df, double* d2f, int act, cudaStream_t stream) {
  const long long count = static_cast<long long>(n + 1) * M;
  if (count > 0) activate<<<blocks_for(count), kThreads, 0, stream>>>(L, n, M, df, d2f, act);
}

void launch_multiply(double* out, const double* a, const double* df, int n, int M, cudaStream_t stream) {
  const long long count = static_cast<long long>(n) * M;
  if (count > 0) multiply<<<blocks_for(count), kThreads, 0, stream>>>(out, a, df, count);
}

void launch_tangent(double* L, const double* df, const double* zdot, int n, int M, cudaStream_t stream) {
  const long long count = static_cast<long long>(n) * M;
  if (count > 0) tangent<<<blocks_for(count), kThreads, 0, stream>>>(L, df, zdot, n, M);
}

void launch_reverse(double* zz, const double* adj, const double* c, const double* df, const double* d2f,
                    const double* zdot, int n, int M, cudaStream_t stream) {
  const long long count = static_cast<long long>(n) * M;
  if (count > 0) reverse<<<blocks_for(count), kThreads, 0, stream>>>(zz, adj, c, df, d2f, zdot, n, M);
}

void launch_finish_split_gradient(const double* partial, int parts, const double* zz, int n, const double* L,
                                  int ldl, int num_cols, int first, int rest, double* C, cudaStream_t stream) {
  const int block = n * num_cols;
  if (block > 0) finish_split_gradient<<<block, 128, 0, stream>>>(partial, parts, zz, n, L, ldl, first, rest, C);
}

void launch_predict(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream) {
  int max_d = 0;
  for (int s = 0; s < sp.count; ++s) max_d = sp.s[s].D > max_d ? sp.s[s].D : max_d;
  constexpr int threads = 128;
  const std::size_t shared = sizeof(double) * (static_cast<std::size_t>(max_d) + 9 * (threads / 32));
  if (b.num_atoms > 0) predict<<<b.num_atoms, threads, shared, stream>>>(sp, b);
}

void launch_residuals(const BatchArgs& b, cudaStream_t stream) {
  if (b.num_frames > 0) frame_residuals<<<blocks_for(b.num_frames), kThreads, 0, stream>>>(b);
  if (b.num_atoms > 0) force_residuals<<<blocks_for(b.num_atoms), kThreads, 0, stream>>>(b);
}

void launch_directions(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream) {
  if (b.num_atoms > 0) directions<<<b.num_atoms, 64, 0, stream>>>(sp, b);
}

}  // namespace slhmc::train::cuda_detail
