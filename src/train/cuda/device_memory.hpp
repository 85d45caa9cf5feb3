// Owning handles for CUDA memory, streams and cuBLAS, with every failure
// turned into slhmc::Error naming the call (a GPU error must stop the run,
// never give a wrong number).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <cublas_v2.h>
#include <cuda_runtime.h>

#include "slhmc/core/error.hpp"

namespace slhmc::train::cuda_detail {

inline void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) throw Error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(e));
}
inline void check(cublasStatus_t e, const char* what) {
  if (e != CUBLAS_STATUS_SUCCESS) throw Error(std::string("cuBLAS: ") + what + ": " + cublasGetStatusString(e));
}

// Device array of T; grows (discarding the contents) with reserve().
template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { reserve(n); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : data_(o.data_), capacity_(o.capacity_) {
    o.data_ = nullptr;
    o.capacity_ = 0;
  }
  DeviceBuffer& operator=(DeviceBuffer&&) = delete;
  ~DeviceBuffer() { release(); }

  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    release();
    void* p = nullptr;
    check(cudaMalloc(&p, n * sizeof(T)), "cudaMalloc");
    data_ = static_cast<T*>(p);
    capacity_ = n;
  }
  // Allocates exactly v.size() elements and copies v (synchronously: construction-time data).
  void upload(const std::vector<T>& v) {
    reserve(v.empty() ? 1 : v.size());
    if (!v.empty()) check(cudaMemcpy(data_, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice), "upload");
  }
  T* get() const { return data_; }
  std::size_t capacity() const { return capacity_; }

 private:
  void release() {
    if (data_) cudaFree(data_);
    data_ = nullptr;
    capacity_ = 0;
  }
  T* data_ = nullptr;
  std::size_t capacity_ = 0;
};

// Page-locked host memory, so that the per-batch copies are single asynchronous transfers.
class PinnedBuffer {
 public:
  PinnedBuffer() = default;
  PinnedBuffer(const PinnedBuffer&) = delete;
  PinnedBuffer& operator=(const PinnedBuffer&) = delete;
  ~PinnedBuffer() {
    if (data_) cudaFreeHost(data_);
  }
  void reserve(std::size_t bytes) {
    if (bytes <= capacity_) return;
    if (data_) cudaFreeHost(data_);
    data_ = nullptr;
    capacity_ = 0;
    check(cudaMallocHost(&data_, bytes), "cudaMallocHost");
    capacity_ = bytes;
  }
  unsigned char* get() const { return static_cast<unsigned char*>(data_); }

 private:
  void* data_ = nullptr;
  std::size_t capacity_ = 0;
};

class Stream {
 public:
  Stream() { check(cudaStreamCreateWithFlags(&s_, cudaStreamNonBlocking), "cudaStreamCreate"); }
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;
  ~Stream() { cudaStreamDestroy(s_); }
  cudaStream_t get() const { return s_; }

 private:
  cudaStream_t s_{};
};

class Event {
 public:
  Event() { check(cudaEventCreateWithFlags(&e_, cudaEventDisableTiming), "cudaEventCreate"); }
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() { cudaEventDestroy(e_); }
  // `waiter` waits for what `stream` has been given so far.
  void order(cudaStream_t stream, cudaStream_t waiter) {
    check(cudaEventRecord(e_, stream), "cudaEventRecord");
    check(cudaStreamWaitEvent(waiter, e_, 0), "cudaStreamWaitEvent");
  }

 private:
  cudaEvent_t e_{};
};

class Blas {
 public:
  explicit Blas(cudaStream_t stream) {
    check(cublasCreate(&h_), "cublasCreate");
    check(cublasSetStream(h_, stream), "cublasSetStream");
  }
  Blas(const Blas&) = delete;
  Blas& operator=(const Blas&) = delete;
  ~Blas() { cublasDestroy(h_); }
  cublasHandle_t get() const { return h_; }

 private:
  cublasHandle_t h_{};
};

}  // namespace slhmc::train::cuda_detail
