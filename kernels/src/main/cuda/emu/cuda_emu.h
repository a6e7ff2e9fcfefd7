// The CUDA built-ins our kernels use, for compiling them as ordinary C++ with g++ so that they run on
// the CPU (the host-emulated device, docs/gpu.md). Each .cu file is compiled with this header forced in
// front of it (g++ -include cuda_emu.h); nothing in the kernels changes.
//
// What a kernel sees:
//   - threadIdx, blockIdx, blockDim, gridDim: its own thread's indices. Each CUDA thread of a block is a
//     fiber (its own stack and registers) on one OS thread; blocks run in parallel on several OS threads.
//   - __shared__ variables: one copy per block (the OS thread running the block owns it).
//   - __syncthreads(): a barrier; no thread of the block passes it until every live thread has reached it.
//     The order in which threads resume after it is the emulator's schedule (in order, reversed, random).
//   - warp shuffles and votes: the lanes of a warp meet, exchange their values, and meet again.
//   - atomics: real atomic read-modify-writes (blocks do run concurrently).
//   - the math functions: the host's libm (results may differ from the GPU's by an ulp or two).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

using std::isinf;
using std::isnan;

// ------------------------------------------------------------------ qualifiers
#define __global__
#define __device__ static inline
#define __host__
#define __forceinline__ __attribute__((always_inline))
#define __noinline__ __attribute__((noinline))
#define __launch_bounds__(...)
#define __align__(n) __attribute__((aligned(n)))
#define __shared__ static thread_local
#define __constant__ static const

// ------------------------------------------------------------------ vector types
struct uint3 {
    unsigned int x, y, z;
};
struct dim3 {
    unsigned int x = 1, y = 1, z = 1;
};
struct __align__(8) float2 {
    float x, y;
};
struct __align__(16) float4 {
    float x, y, z, w;
};
struct __align__(8) int2 {
    int x, y;
};
struct __align__(16) int4 {
    int x, y, z, w;
};
struct __align__(16) double2 {
    double x, y;
};
static inline float2 make_float2(float x, float y) { return {x, y}; }
static inline float4 make_float4(float x, float y, float z, float w) { return {x, y, z, w}; }
static inline int2 make_int2(int x, int y) { return {x, y}; }
static inline int4 make_int4(int x, int y, int z, int w) { return {x, y, z, w}; }

// ------------------------------------------------------------------ bit casts
static inline unsigned int __float_as_uint(float x) {
    unsigned int u;
    std::memcpy(&u, &x, 4);
    return u;
}
static inline float __uint_as_float(unsigned int u) {
    float x;
    std::memcpy(&x, &u, 4);
    return x;
}

// ------------------------------------------------------------------ the emulator's side (runtime.cpp)
namespace emu {
struct Fiber;
extern thread_local Fiber* current_fiber;
extern thread_local uint3 block_index;
extern thread_local dim3 block_dim;
extern thread_local dim3 grid_dim;
const uint3& thread_index_of(const Fiber* f);
void sync_block();
void sync_warp();
// Lanes of the calling thread's warp exchange 64-bit values: each lane offers `mine` and receives the
// value offered by lane `from` (its own value when `from` is outside the warp or not a live lane).
uint64_t warp_exchange(uint64_t mine, int from);
// Each lane offers a predicate; every lane receives the bit mask of the lanes that offered true.
unsigned int warp_ballot(bool predicate);
// Every lane of the calling thread's warp offers `count` (at most 8) 32-bit values and receives all of
// them, lane by lane (all[lane * count + i]). For the warp-wide instructions (mma.sync), which need all
// 32 lanes: a lane missing fails the launch with a message naming `what`.
void warp_gather(const uint32_t* mine, int count, uint32_t* all, const char* what);
int lane_id();
}  // namespace emu

#define threadIdx (emu::thread_index_of(emu::current_fiber))
#define blockIdx (emu::block_index)
#define blockDim (emu::block_dim)
#define gridDim (emu::grid_dim)
static constexpr int warpSize = 32;

static inline void __syncthreads() { emu::sync_block(); }
static inline void __syncwarp(unsigned int = 0xffffffffu) { emu::sync_warp(); }
static inline void __threadfence() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }
static inline void __threadfence_block() { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// ------------------------------------------------------------------ warp shuffles and votes
namespace emu {
template <typename T>
static inline T shuffle_from(T v, int from) {
    static_assert(sizeof(T) <= 8, "shuffles move at most 64 bits");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    uint64_t got = warp_exchange(bits, from);
    T out;
    std::memcpy(&out, &got, sizeof(T));
    return out;
}
}  // namespace emu

// Lanes are taken in groups of `width` (a power of two up to 32), as on the GPU.
template <typename T>
static inline T __shfl_sync(unsigned int, T v, int src, int width = 32) {
    int lane = emu::lane_id();
    return emu::shuffle_from(v, (lane & ~(width - 1)) + (src & (width - 1)));
}
template <typename T>
static inline T __shfl_down_sync(unsigned int, T v, unsigned int delta, int width = 32) {
    int lane = emu::lane_id();
    int from = lane + (int)delta;
    return emu::shuffle_from(v, (from & ~(width - 1)) == (lane & ~(width - 1)) ? from : lane);
}
template <typename T>
static inline T __shfl_up_sync(unsigned int, T v, unsigned int delta, int width = 32) {
    int lane = emu::lane_id();
    int from = lane - (int)delta;
    return emu::shuffle_from(v, from >= (lane & ~(width - 1)) ? from : lane);
}
template <typename T>
static inline T __shfl_xor_sync(unsigned int, T v, int mask, int width = 32) {
    int lane = emu::lane_id();
    int from = lane ^ mask;
    return emu::shuffle_from(v, (from & ~(width - 1)) == (lane & ~(width - 1)) ? from : lane);
}
// ------------------------------------------------------------------ tensor cores (TF32 and BF16)
namespace emu {
// cvt.rna.tf32.f32: float rounded to 10 mantissa bits, to nearest with ties away from zero (half of the
// dropped 13 bits added to the magnitude, then dropped); the low 13 bits of the result are zero. A NaN
// stays a NaN (its payload is not rounded into an infinity); a value rounded past the largest finite
// TF32 becomes infinity, as rounding to nearest does.
static inline uint32_t tf32_round(float x) {
    uint32_t u = __float_as_uint(x);
    if ((u & 0x7f800000u) == 0x7f800000u) return (u & 0x007fffffu) ? 0x7fffffffu : u;
    return (u + 0x1000u) & 0xffffe000u;
}

static inline float tf32_value(uint32_t bits) {
    return __uint_as_float(bits & 0xffffe000u);  // mma reads the 19 bits of TF32 and ignores the rest of the register
}

// This lane's four values of D = A * B + D for a 16 x K A and a K x 8 B read through A(row, k) and B(k, col):
// d0 = D[g][2t], d1 = D[g][2t+1], d2 = D[g+8][2t], d3 = D[g+8][2t+1] (g = lane / 4, t = lane % 4), each sum
// over k in order, in float.
template <int K, typename ReadA, typename ReadB>
static inline void mma_lane_outputs(float d[4], ReadA A, ReadB B) {
    int lane = lane_id(), g = lane >> 2, t = lane & 3;
    for (int r = 0; r < 4; r++) {
        int row = g + 8 * (r >> 1), col = 2 * t + (r & 1);
        float sum = d[r];
        for (int k = 0; k < K; k++) sum += A(row, k) * B(k, col);
        d[r] = sum;
    }
}

// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 with c = d: the warp's fragments are gathered and
// each lane computes its four values of D from the full 16 x 8 A and 8 x 8 B, in the PTX ISA's layouts
// (lane l, g = l / 4, t = l % 4): a0 = A[g][t], a1 = A[g+8][t], a2 = A[g][t+4], a3 = A[g+8][t+4];
// b0 = B[t][g], b1 = B[t+4][g]; d0 = D[g][2t], d1 = D[g][2t+1], d2 = D[g+8][2t], d3 = D[g+8][2t+1].
// Products of TF32 values are exact in float; the sum runs over k in order, in float.
static inline void mma_m16n8k8_tf32(float d[4], const uint32_t a[4], const uint32_t b[2]) {
    // One exchange for both operands: each lane offers a0..a3 then b0, b1.
    const uint32_t mine[6] = {a[0], a[1], a[2], a[3], b[0], b[1]};
    uint32_t all[32 * 6];
    warp_gather(mine, 6, all, "mma.sync m16n8k8 tf32");
    // A[row][k] is register (row >= 8) + 2 * (k >= 4) of lane (row % 8) * 4 + k % 4; B[k][col] is
    // register (k >= 4) of lane col * 4 + k % 4.
    auto A = [&](int row, int k) { return tf32_value(all[((row & 7) * 4 + (k & 3)) * 6 + (row >> 3) + 2 * (k >> 2)]); };
    auto B = [&](int k, int col) { return tf32_value(all[(col * 4 + (k & 3)) * 6 + 4 + (k >> 2)]); };
    mma_lane_outputs<8>(d, A, B);
}

// The bfloat16 in half `h` (0: bits 0-15, 1: bits 16-31) of a register, as a float (exact).
static inline float bf16_half(uint32_t reg, int h) {
    return __uint_as_float(h ? reg & 0xffff0000u : reg << 16);
}

// mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 with c = d. Each register holds two bfloat16, the
// lower-numbered element in the low half. The PTX ISA's layouts (lane l, g = l / 4, t = l % 4):
// a0 = A[g][2t, 2t+1], a1 = A[g+8][2t, 2t+1], a2 = A[g][2t+8, 2t+9], a3 = A[g+8][2t+8, 2t+9];
// b0 = B[2t, 2t+1][g], b1 = B[2t+8, 2t+9][g]; D as for m16n8k8. Products of bfloat16 values are exact in
// float; the sum runs over k in order, in float.
static inline void mma_m16n8k16_bf16(float d[4], const uint32_t a[4], const uint32_t b[2]) {
    const uint32_t mine[6] = {a[0], a[1], a[2], a[3], b[0], b[1]};
    uint32_t all[32 * 6];
    warp_gather(mine, 6, all, "mma.sync m16n8k16 bf16");
    // A[row][k] is half k % 2 of register (row >= 8) + 2 * (k >= 8) of lane (row % 8) * 4 + (k % 8) / 2;
    // B[k][col] is half k % 2 of register (k >= 8) of lane col * 4 + (k % 8) / 2.
    auto A = [&](int row, int k) {
        return bf16_half(all[((row & 7) * 4 + ((k & 7) >> 1)) * 6 + (row >> 3) + 2 * (k >> 3)], k & 1);
    };
    auto B = [&](int k, int col) { return bf16_half(all[(col * 4 + ((k & 7) >> 1)) * 6 + 4 + (k >> 3)], k & 1); };
    mma_lane_outputs<16>(d, A, B);
}
}  // namespace emu

static inline unsigned int __ballot_sync(unsigned int, int predicate) { return emu::warp_ballot(predicate != 0); }
static inline int __any_sync(unsigned int mask, int predicate) { return __ballot_sync(mask, predicate) != 0; }
static inline int __all_sync(unsigned int, int predicate) {
    // Every live lane voted true exactly when no live lane voted false.
    return emu::warp_ballot(predicate == 0) == 0;
}

// ------------------------------------------------------------------ atomics (they return the old value)
static inline int atomicAdd(int* p, int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
static inline unsigned int atomicAdd(unsigned int* p, unsigned int v) { return __atomic_fetch_add(p, v, __ATOMIC_RELAXED); }
static inline unsigned long long atomicAdd(unsigned long long* p, unsigned long long v) {
    return __atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}
template <typename F>
static inline F atomic_add_floating(F* p, F v) {
    F old;
    __atomic_load(p, &old, __ATOMIC_RELAXED);
    F sum;
    do {
        sum = old + v;
    } while (!__atomic_compare_exchange(p, &old, &sum, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
    return old;
}
static inline float atomicAdd(float* p, float v) { return atomic_add_floating(p, v); }
static inline double atomicAdd(double* p, double v) { return atomic_add_floating(p, v); }
template <typename T>
static inline T atomic_min_of(T* p, T v) {
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (v < old && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
template <typename T>
static inline T atomic_max_of(T* p, T v) {
    T old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (v > old && !__atomic_compare_exchange_n(p, &old, v, true, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
    return old;
}
static inline int atomicMin(int* p, int v) { return atomic_min_of(p, v); }
static inline unsigned int atomicMin(unsigned int* p, unsigned int v) { return atomic_min_of(p, v); }
static inline unsigned long long atomicMin(unsigned long long* p, unsigned long long v) { return atomic_min_of(p, v); }
static inline int atomicMax(int* p, int v) { return atomic_max_of(p, v); }
static inline unsigned int atomicMax(unsigned int* p, unsigned int v) { return atomic_max_of(p, v); }
static inline unsigned long long atomicMax(unsigned long long* p, unsigned long long v) { return atomic_max_of(p, v); }
template <typename T>
static inline T atomicExch(T* p, T v) { return __atomic_exchange_n(p, v, __ATOMIC_RELAXED); }
template <typename T>
static inline T atomicCAS(T* p, T expected, T desired) {
    __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
    return expected;
}

// ------------------------------------------------------------------ math
static inline int min(int a, int b) { return a < b ? a : b; }
static inline int max(int a, int b) { return a > b ? a : b; }
static inline long min(long a, long b) { return a < b ? a : b; }
static inline long max(long a, long b) { return a > b ? a : b; }
static inline unsigned int min(unsigned int a, unsigned int b) { return a < b ? a : b; }
static inline unsigned int max(unsigned int a, unsigned int b) { return a > b ? a : b; }
static inline float min(float a, float b) { return fminf(a, b); }
static inline float max(float a, float b) { return fmaxf(a, b); }
static inline float rsqrtf(float x) { return 1.f / sqrtf(x); }
static inline float __fdividef(float a, float b) { return a / b; }
static inline float __saturatef(float x) { return x < 0.f ? 0.f : (x > 1.f ? 1.f : x); }
