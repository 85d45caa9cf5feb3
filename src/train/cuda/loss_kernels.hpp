// The CUDA kernels of the GPU loss evaluator (cuda_loss_evaluator.cpp says
// how they fit together), behind plain C++ launchers so that only
// loss_kernels.cu is compiled by nvcc and the host code keeps the project's
// warnings. Every pointer is device memory; every launch goes to `stream`.
//
// Batch matrices are column-major, one column per atom of the batch
// (m = 0…M−1 per species). A layer buffer L_t holds (n_t + 1) rows and 2M
// columns: values h in columns 0…M−1 with a last row of ones (so that a GEMM
// with the aenet (n_out × (n_in+1)) weight matrix adds the bias), tangents ḣ
// in columns M…2M−1 with a last row of zeros.
#pragma once

#include <cstdint>

#include <cuda_runtime_api.h>

namespace slhmc::train::cuda_detail {

constexpr int kMaxSpecies = 16;

enum ActivationCode : int { act_linear = 0, act_tanh, act_sigmoid, act_mtanh, act_twist };

// Per-species view of the batch.
struct SpeciesArgs {
  const double* x = nullptr;  // resident descriptors, D × (atoms of the species in the data)
  double* l0 = nullptr;       // layer-0 buffer, (D+1) × 2M
  const double* g = nullptr;  // ∂y/∂x, D × M
  const double* y = nullptr;  // output layer buffer (ld 2): y_m = y[2m]
  double* c = nullptr;        // energy adjoint per column, M
  int D = 0;
  int M = 0;
  double e_scale = 1.0;
  double e_offset = 0.0;  // e_shift + e_atom
};
struct SpeciesTable {
  SpeciesArgs s[kMaxSpecies];
  int count = 0;
};

// Per-batch-frame record uploaded with each batch (doubles).
enum FrameField : int {
  ff_atoms = 0,    // N
  ff_energy,       // reference energy (eV)
  ff_coef_energy,  // w_E ω 2 / (N den_E)
  ff_coef_forces,  // w_F ω 2 / den_F, 0 if the frame's forces are not used
  ff_coef_virial,  // w_V ω 2 / (N den_V), 0 if its virial is not used
  ff_virial,       // 9 reference virial components (row-major)
  ff_count = ff_virial + 9
};
enum FrameFlag : int { flag_forces = 1, flag_virial = 2 };

// Resident data (uploaded once) and the batch being evaluated.
struct BatchArgs {
  // resident, per data-set atom (global index)
  const std::int64_t* x_column = nullptr;      // column of the atom in its species' x
  const std::int64_t* block_begin = nullptr;   // first Jacobian block (+1 entry at the end)
  const std::int64_t* jacobian_at = nullptr;   // offset of the atom's first block's values
  const std::int64_t* strain_at = nullptr;     // offset of the atom's D × 9 strain values
  const int* block_target = nullptr;           // per block: the frame-local atom j
  const double* jacobian = nullptr;            // per block D × 3 values [k][c]
  const double* strain = nullptr;
  const double* force_labels = nullptr;        // 3 per atom (eV/Å)
  // the batch: atoms in batch frame order
  int num_atoms = 0;
  int num_frames = 0;
  const std::int64_t* atom_global = nullptr;
  const int* atom_species = nullptr;
  const int* atom_column = nullptr;  // m within the species' batch matrices
  const int* atom_frame = nullptr;   // batch frame
  const int* frame_first = nullptr;  // first batch atom of each batch frame
  const int* frame_flags = nullptr;
  const double* frame_info = nullptr;  // ff_count per frame
  // outputs / work
  double* energy = nullptr;      // per frame
  double* virial = nullptr;      // 9 per frame
  double* forces = nullptr;      // 3 per batch atom; becomes the residual adjoint r
  double* energy_error = nullptr;  // per frame: ΔE/N
  double* force_sq = nullptr;      // per frame: Σ|ΔF|²
  double* virial_sq = nullptr;     // per frame: Σ|ΔW/N|²
  double* c_energy = nullptr;      // per frame: ∂L/∂E
  double* rho = nullptr;           // 9 per frame: ∂L/∂W
};

// x columns of the batch atoms into each species' L0 (values, ones row).
void launch_gather_inputs(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream);
// In place on the n × M values of L (ld n+1): h = f(z); df, d2f (ld n) kept; ones/zeros rows set.
void launch_activate(double* L, int n, int M, double* df, double* d2f, int activation, cudaStream_t stream);
// out = a ⊙ df (n × M, ld n); a == nullptr means a = 1.
void launch_multiply(double* out, const double* a, const double* df, int n, int M, cudaStream_t stream);
// Tangents of L (columns M…2M−1, ld n+1) = df ⊙ ż.
void launch_tangent(double* L, const double* df, const double* zdot, int n, int M, cudaStream_t stream);
// Adjoints of a layer's pre-activations from those of its outputs (n × 2M, ld n):
//   z̄ = a df + ȧ d2f ż,  ż̄ = ȧ df;  top layer (adj == nullptr): a = c_m, ȧ = 1.
void launch_reverse(double* zz, const double* adj, const double* c, const double* df, const double* d2f,
                    const double* zdot, int n, int M, cudaStream_t stream);
// The end of a split-K weight gradient (n × (n_in+1) block C, column-major): C[i] += Σ over the
// `parts` partial results (block after block) + the remaining `rest` columns from `first` on,
// Σ_m zz[p, m] · L[q, m] (zz ld n, L ld ldl) with i = p + n q.
void launch_finish_split_gradient(const double* partial, int parts, const double* zz, int n, const double* L,
                                  int ldl, int num_cols, int first, int rest, double* C, cudaStream_t stream);
// Energies, forces and virials of the batch frames from y and g.
void launch_predict(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream);
// Per frame: ΔE/N, ∂L/∂E, ΔW/N and ∂L/∂W; per atom of force frames: ΔF (summed) and r = ∂L/∂F.
void launch_residuals(const BatchArgs& b, cudaStream_t stream);
// Input directions v_a = −e_scale (Σ_j J_aj r_j + K_a:ρ) into each species' L0 tangents, and c.
void launch_directions(const SpeciesTable& sp, const BatchArgs& b, cudaStream_t stream);

}  // namespace slhmc::train::cuda_detail
