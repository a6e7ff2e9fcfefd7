// The host-emulated CUDA device: runs our kernels, compiled for the CPU against cuda_emu.h, with CUDA's
// execution model. Loaded by the Java side (EmulatedDriver) through java.lang.foreign.
//
// A launch runs its blocks on a pool of OS threads (blocks are independent, so they really run in
// parallel and atomics are real). Inside a block, every CUDA thread is a fiber: its own stack and
// registers, switched in user space. A fiber runs until it reaches a barrier (__syncthreads, a warp
// shuffle or vote) or ends; when every live fiber of the block (or of the warp) has arrived, they are
// released, and the scheduler resumes them in the order of the current schedule:
//   in order (thread 0 first), reversed, or a seeded random order drawn anew at every barrier.
// A kernel that forgets a barrier reads shared memory that its neighbours have not written yet under at
// least one of these orders, so its results change with the schedule (KernelRaceTest checks this).
//
// Device memory is malloc'd host memory of exactly the size asked for; in the sanitizer build every
// byte past the end (or before the start) is a poisoned redzone, so an out-of-bounds access stops the
// process with AddressSanitizer's report naming the kernel's source line.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cuda_emu.h"
#include "registry.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#define EMU_SANITIZED 1
#else
#define EMU_SANITIZED 0
#endif

namespace emu {

// ------------------------------------------------------------------ the kernel registry

static std::map<std::string, KernelEntry>& registry() {
    static std::map<std::string, KernelEntry> kernels;
    return kernels;
}

Registration::Registration(const char* name, void (*invoke)(void**), const char* signature) {
    registry()[name] = KernelEntry{name, invoke, signature};
}

// ------------------------------------------------------------------ fibers

static constexpr int MAX_THREADS = 1024;
static constexpr int WARP = 32;
static constexpr size_t STACK_BYTES = 256 * 1024;  // virtual; a kernel touches a few pages of it
static constexpr int GATHER_MAX = 8;  // values per lane in one warp_gather

enum class State { READY, AT_BLOCK_BARRIER, AT_WARP_BARRIER, DONE };

struct Fiber {
    void* sp = nullptr;  // saved stack pointer while switched out
    uint3 idx{};
    int linear = 0;
    State state = State::READY;
    uint64_t exchanges = 0;  // warp exchanges done, to tell a lane that took part in this one
    char* stack_bottom = nullptr;
    void* fake_stack = nullptr;  // AddressSanitizer's bookkeeping across switches
};

thread_local Fiber* current_fiber = nullptr;
thread_local uint3 block_index{};
thread_local dim3 block_dim{};
thread_local dim3 grid_dim{};

const uint3& thread_index_of(const Fiber* f) { return f->idx; }

}  // namespace emu

// Saves the callee-saved registers and the FPU control words on the current stack, stores the stack
// pointer in *save, switches to the stack at load and restores what was saved there.
extern "C" void emu_switch_context(void** save, void* load);
extern "C" void emu_fiber_main(emu::Fiber* f);

#if defined(__x86_64__)
asm(R"(
    .text
    .globl emu_switch_context
    .type emu_switch_context, @function
emu_switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_switch_context, .-emu_switch_context

    .globl emu_fiber_start
    .type emu_fiber_start, @function
emu_fiber_start:
    movq %r12, %rdi
    call emu_fiber_main
    ud2
    .size emu_fiber_start, .-emu_fiber_start
    .section .note.GNU-stack,"",@progbits
    .text
)");
extern "C" void emu_fiber_start();
#elif defined(__aarch64__)
asm(R"(
    .text
    .globl emu_switch_context
    .type emu_switch_context, %function
emu_switch_context:
    sub sp, sp, #176
    stp x19, x20, [sp, #0]
    stp x21, x22, [sp, #16]
    stp x23, x24, [sp, #32]
    stp x25, x26, [sp, #48]
    stp x27, x28, [sp, #64]
    stp x29, x30, [sp, #80]
    stp d8, d9, [sp, #96]
    stp d10, d11, [sp, #112]
    stp d12, d13, [sp, #128]
    stp d14, d15, [sp, #144]
    mrs x9, fpcr
    str x9, [sp, #160]
    mov x9, sp
    str x9, [x0]
    mov sp, x1
    ldp x19, x20, [sp, #0]
    ldp x21, x22, [sp, #16]
    ldp x23, x24, [sp, #32]
    ldp x25, x26, [sp, #48]
    ldp x27, x28, [sp, #64]
    ldp x29, x30, [sp, #80]
    ldp d8, d9, [sp, #96]
    ldp d10, d11, [sp, #112]
    ldp d12, d13, [sp, #128]
    ldp d14, d15, [sp, #144]
    ldr x9, [sp, #160]
    msr fpcr, x9
    add sp, sp, #176
    ret
    .size emu_switch_context, .-emu_switch_context

    .globl emu_fiber_start
    .type emu_fiber_start, %function
emu_fiber_start:
    mov x0, x19
    bl emu_fiber_main
    brk #0
    .size emu_fiber_start, .-emu_fiber_start
    .section .note.GNU-stack,"",%progbits
    .text
)");
extern "C" void emu_fiber_start();
#else
#error "the emulated CUDA device has a context switch for x86-64 and AArch64 only"
#endif

namespace emu {

enum class Schedule { IN_ORDER = 0, REVERSED = 1, RANDOM = 2 };

struct Launch {
    const KernelEntry* kernel;
    void** params;
    dim3 grid, block;
    Schedule schedule;
    uint64_t seed;
    std::atomic<uint64_t> next_block{0};
    uint64_t blocks = 0;
    std::mutex error_lock;
    std::string error;
    std::atomic<bool> failed{false};
    std::atomic<uint64_t> switches{0};

    void fail(const std::string& why) {
        std::lock_guard<std::mutex> g(error_lock);
        if (error.empty()) error = why;
        failed = true;
    }
};

// One OS thread's state: the fibers of the block it is running and their stacks.
struct Worker {
    std::vector<Fiber> fibers = std::vector<Fiber>(MAX_THREADS);
    char* stacks = nullptr;  // MAX_THREADS stacks of STACK_BYTES, one mapping (reserved, touched lazily)
    void* scheduler_sp = nullptr;
    void* scheduler_fake_stack = nullptr;
    const void* scheduler_stack_bottom = nullptr;
    size_t scheduler_stack_size = 0;
    Launch* launch = nullptr;
    int threads = 0;  // of the current block
    bool stacks_dirty = false;  // fibers were abandoned mid-kernel (a failed launch)
    uint64_t exchange_slots[MAX_THREADS] = {};
    uint64_t exchange_counts[MAX_THREADS] = {};
    uint32_t gather_slots[MAX_THREADS][GATHER_MAX] = {};
    uint64_t switches = 0;

    Worker() {
        // One mapping per worker, no guard pages between the stacks (each would split the mapping, and
        // a process may hold only so many): a canary at the bottom of each stack is checked instead.
        void* m = mmap(nullptr, STACK_BYTES * MAX_THREADS, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            std::fprintf(stderr, "pixelgrad emulated CUDA: cannot reserve %zu bytes of fiber stacks\n",
                         STACK_BYTES * MAX_THREADS);
            std::abort();
        }
        stacks = (char*)m;
        for (int i = 0; i < MAX_THREADS; i++) fibers[i].stack_bottom = stacks + i * STACK_BYTES;
    }
    ~Worker() { munmap(stacks, STACK_BYTES * MAX_THREADS); }
};

static constexpr uint64_t CANARY = 0x5AFE57ACC0FFEE11ULL;

static thread_local Worker* worker = nullptr;

static inline void start_switch(void** fake_stack_save, const void* bottom, size_t size) {
#if EMU_SANITIZED
    __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#else
    (void)fake_stack_save;
    (void)bottom;
    (void)size;
#endif
}

static inline void finish_switch(void* fake_stack_save, const void** bottom_old, size_t* size_old) {
#if EMU_SANITIZED
    __sanitizer_finish_switch_fiber(fake_stack_save, bottom_old, size_old);
#else
    (void)fake_stack_save;
    (void)bottom_old;
    (void)size_old;
#endif
}

// From a fiber back to its block's scheduler; returns when the scheduler resumes this fiber.
static void yield_to_scheduler(Fiber* f, bool finished) {
    Worker* w = worker;
    start_switch(finished ? nullptr : &f->fake_stack, w->scheduler_stack_bottom, w->scheduler_stack_size);
    emu_switch_context(&f->sp, w->scheduler_sp);
    finish_switch(f->fake_stack, nullptr, nullptr);
}

void sync_block() {
    Fiber* f = current_fiber;
    f->state = State::AT_BLOCK_BARRIER;
    yield_to_scheduler(f, false);
}

void sync_warp() {
    Fiber* f = current_fiber;
    f->state = State::AT_WARP_BARRIER;
    yield_to_scheduler(f, false);
}

int lane_id() { return current_fiber->linear % WARP; }

uint64_t warp_exchange(uint64_t mine, int from) {
    Fiber* f = current_fiber;
    Worker* w = worker;
    uint64_t round = ++f->exchanges;
    w->exchange_slots[f->linear] = mine;
    w->exchange_counts[f->linear] = round;
    sync_warp();  // every live lane has offered its value
    int source = f->linear - f->linear % WARP + from;
    uint64_t got = mine;
    if (from >= 0 && from < WARP && source < w->threads && w->exchange_counts[source] == round) {
        got = w->exchange_slots[source];
    }
    sync_warp();  // every lane has read before any lane offers again
    return got;
}

unsigned int warp_ballot(bool predicate) {
    Fiber* f = current_fiber;
    Worker* w = worker;
    uint64_t round = ++f->exchanges;
    w->exchange_slots[f->linear] = predicate ? 1 : 0;
    w->exchange_counts[f->linear] = round;
    sync_warp();
    int first = f->linear - f->linear % WARP;
    unsigned int mask = 0;
    for (int lane = 0; lane < WARP && first + lane < w->threads; lane++) {
        if (w->exchange_counts[first + lane] == round && w->exchange_slots[first + lane]) mask |= 1u << lane;
    }
    sync_warp();
    return mask;
}

void warp_gather(const uint32_t* mine, int count, uint32_t* all, const char* what) {
    Fiber* f = current_fiber;
    Worker* w = worker;
    if (count > GATHER_MAX) std::abort();  // a caller in this library asked for more than it may
    uint64_t round = ++f->exchanges;
    for (int i = 0; i < count; i++) w->gather_slots[f->linear][i] = mine[i];
    w->exchange_counts[f->linear] = round;
    sync_warp();  // every live lane has offered its values
    int first = f->linear - f->linear % WARP;
    int missing = 0;
    for (int lane = 0; lane < WARP; lane++) {
        int source = first + lane;
        bool there = source < w->threads && w->exchange_counts[source] == round;
        missing += !there;
        for (int i = 0; i < count; i++) all[lane * count + i] = there ? w->gather_slots[source][i] : 0u;
    }
    if (missing > 0 && f->linear % WARP == 0) {
        char msg[256];
        std::snprintf(msg, sizeof msg, "%s: %s in block (%u, %u, %u), warp %d, with %d of its 32 lanes absent "
                      "(the instruction needs the whole warp)", w->launch->kernel->name, what, block_index.x,
                      block_index.y, block_index.z, f->linear / WARP, missing);
        w->launch->fail(msg);
    }
    sync_warp();  // every lane has read before any lane offers again
}

}  // namespace emu

extern "C" void emu_fiber_main(emu::Fiber* f) {
    using namespace emu;
    Worker* w = worker;
    finish_switch(nullptr, &w->scheduler_stack_bottom, &w->scheduler_stack_size);
    w->launch->kernel->invoke(w->launch->params);
    f->state = State::DONE;
    yield_to_scheduler(f, true);
    __builtin_trap();  // a finished fiber is never resumed
}

namespace emu {

static uint64_t mix64(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// Runs one block to completion on the calling OS thread; false (with the launch's error set) on a
// barrier that can never be passed.
static bool run_block(Worker& w, Launch& L, uint64_t linear_block) {
    uint3 b;
    b.x = (unsigned)(linear_block % L.grid.x);
    b.y = (unsigned)(linear_block / L.grid.x % L.grid.y);
    b.z = (unsigned)(linear_block / ((uint64_t)L.grid.x * L.grid.y));
    block_index = b;
    block_dim = L.block;
    grid_dim = L.grid;
    int n = (int)(L.block.x * L.block.y * L.block.z);
    w.threads = n;
    w.launch = &L;
    for (int i = 0; i < n; i++) {
        Fiber& f = w.fibers[i];
        f.linear = i;
        f.idx = {(unsigned)(i % L.block.x), (unsigned)(i / L.block.x % L.block.y),
                 (unsigned)(i / (L.block.x * L.block.y))};
        f.state = State::READY;
        f.exchanges = 0;
        w.exchange_counts[i] = 0;
        f.fake_stack = nullptr;
#if EMU_SANITIZED
        // Fibers abandoned by a failed launch left their frames poisoned.
        if (w.stacks_dirty) __asan_unpoison_memory_region(f.stack_bottom, STACK_BYTES);
#endif
        std::memcpy(f.stack_bottom, &CANARY, sizeof CANARY);
        // The first switch into the fiber "returns" into emu_fiber_start with the Fiber in a register.
        uintptr_t top = ((uintptr_t)(f.stack_bottom + STACK_BYTES)) & ~(uintptr_t)15;
#if defined(__x86_64__)
        uint64_t* sp = (uint64_t*)(top - 80);
        uint32_t mxcsr;
        uint16_t fpucw;
        asm volatile("stmxcsr %0" : "=m"(mxcsr));
        asm volatile("fnstcw %0" : "=m"(fpucw));
        std::memset(sp, 0, 80);
        std::memcpy(sp, &mxcsr, 4);
        std::memcpy((char*)sp + 4, &fpucw, 2);
        sp[4] = (uint64_t)&f;                  // r12
        sp[7] = (uint64_t)&emu_fiber_start;    // return address
#else
        uint64_t* sp = (uint64_t*)(top - 176);
        std::memset(sp, 0, 176);
        uint64_t fpcr;
        asm volatile("mrs %0, fpcr" : "=r"(fpcr));
        sp[0] = (uint64_t)&f;                  // x19
        sp[11] = (uint64_t)&emu_fiber_start;   // x30
        sp[20] = fpcr;
#endif
        f.sp = sp;
    }
    w.stacks_dirty = false;
    std::vector<int> order(n);
    int live = n;
    uint64_t round = 0;
    while (live > 0) {
        for (int i = 0; i < n; i++) order[i] = i;
        if (L.schedule == Schedule::REVERSED) {
            std::reverse(order.begin(), order.end());
        } else if (L.schedule == Schedule::RANDOM) {
            uint64_t s = mix64(L.seed ^ mix64(linear_block * 0x9E3779B97F4A7C15ULL + round));
            for (int i = n - 1; i > 0; i--) {
                s = mix64(s + 0x9E3779B97F4A7C15ULL);
                std::swap(order[i], order[(int)(s % (uint64_t)(i + 1))]);
            }
        }
        round++;
        for (int i : order) {
            Fiber& f = w.fibers[i];
            if (f.state != State::READY) continue;
            current_fiber = &f;
            start_switch(&w.scheduler_fake_stack, f.stack_bottom, STACK_BYTES);
            emu_switch_context(&w.scheduler_sp, f.sp);
            finish_switch(w.scheduler_fake_stack, nullptr, nullptr);
            w.switches++;
            if (std::memcmp(f.stack_bottom, &CANARY, sizeof CANARY) != 0) {
                std::fprintf(stderr, "pixelgrad emulated CUDA: %s overflowed a thread's %zu-byte stack\n",
                             L.kernel->name, STACK_BYTES);
                std::abort();  // the neighbouring stack is corrupt: nothing after this can be trusted
            }
            if (f.state == State::DONE) live--;
        }
        current_fiber = nullptr;
        // Everyone is done or waiting: release the block barrier, or the warps whose live lanes all wait.
        int at_block = 0;
        for (int i = 0; i < n; i++) at_block += w.fibers[i].state == State::AT_BLOCK_BARRIER;
        if (live > 0 && at_block == live) {
            for (int i = 0; i < n; i++) {
                if (w.fibers[i].state == State::AT_BLOCK_BARRIER) w.fibers[i].state = State::READY;
            }
            continue;
        }
        bool released = false;
        for (int first = 0; first < n; first += WARP) {
            int last = std::min(n, first + WARP);
            bool all = true, any = false;
            for (int i = first; i < last; i++) {
                State s = w.fibers[i].state;
                if (s == State::AT_WARP_BARRIER) any = true;
                else if (s != State::DONE) all = false;
            }
            if (any && all) {
                for (int i = first; i < last; i++) {
                    if (w.fibers[i].state == State::AT_WARP_BARRIER) w.fibers[i].state = State::READY;
                }
                released = true;
            }
        }
        if (live > 0 && !released) {
            char msg[256];
            std::snprintf(msg, sizeof msg,
                          "%s: block (%u, %u, %u) can never pass a barrier: %d of its %d live threads wait at "
                          "__syncthreads() while the others wait at a warp barrier (divergent barrier)",
                          L.kernel->name, b.x, b.y, b.z, at_block, live);
            L.fail(msg);
            w.stacks_dirty = true;
            return false;
        }
    }
    return true;
}

// ------------------------------------------------------------------ the pool of OS threads

class Pool {
  public:
    void configure(int threads) {
        std::lock_guard<std::mutex> g(lock_);
        wanted_ = std::max(1, std::min(threads, 64));
    }

    void run(Launch& L) {
        std::unique_lock<std::mutex> g(lock_);
        while ((int)threads_.size() < wanted_) {
            threads_.emplace_back([this] { loop(); });
        }
        active_ = std::min<uint64_t>(wanted_, L.blocks);
        launch_ = &L;
        remaining_ = (int)active_;
        generation_++;
        wake_.notify_all();
        done_.wait(g, [this] { return remaining_ == 0; });
        launch_ = nullptr;
    }

  private:
    void loop() {
        Worker w;
        worker = &w;
        uint64_t seen = 0;
        int my_index;
        {
            std::lock_guard<std::mutex> g(lock_);
            my_index = started_++;
        }
        for (;;) {
            Launch* L;
            {
                std::unique_lock<std::mutex> g(lock_);
                wake_.wait(g, [&] { return generation_ != seen; });
                seen = generation_;
                if ((uint64_t)my_index >= active_) continue;
                L = launch_;
            }
            w.switches = 0;
            for (;;) {
                uint64_t b = L->next_block.fetch_add(1);
                if (b >= L->blocks || L->failed) break;
                if (!run_block(w, *L, b)) break;
            }
            L->switches += w.switches;
            std::lock_guard<std::mutex> g(lock_);
            if (--remaining_ == 0) done_.notify_all();
        }
    }

    std::mutex lock_;
    std::condition_variable wake_, done_;
    std::vector<std::thread> threads_;
    int wanted_ = 2;
    int started_ = 0;
    uint64_t active_ = 0;
    uint64_t generation_ = 0;
    int remaining_ = 0;
    Launch* launch_ = nullptr;
};

static Pool& pool() {
    // Never destroyed: its threads live as long as the process.
    static Pool* p = new Pool();
    return *p;
}

static std::atomic<int> schedule{0};
static std::atomic<uint64_t> schedule_seed{0};
static std::atomic<uint64_t> total_launches{0}, total_blocks{0}, total_switches{0};
static std::mutex launch_lock;

}  // namespace emu

// ------------------------------------------------------------------ the C interface (EmulatedDriver.java)

extern "C" {

int pg_emu_sanitized() { return EMU_SANITIZED; }

// Null, or why this build cannot run on this CPU (it was built for one with FMA instructions).
const char* pg_emu_unsupported_cpu() {
#if defined(__x86_64__) && defined(__FMA__)
    if (!__builtin_cpu_supports("fma")) {
        return "this build of the emulated device uses FMA instructions, which this CPU lacks; rebuild it here "
               "(mvn package on this machine)";
    }
#endif
    return nullptr;
}

const void* pg_emu_find_kernel(const char* name) {
    auto& r = emu::registry();
    auto it = r.find(name);
    return it == r.end() ? nullptr : &it->second;
}

const char* pg_emu_kernel_signature(const void* kernel) { return ((const emu::KernelEntry*)kernel)->signature; }

// Workers: OS threads that run blocks; schedule: 0 in order, 1 reversed, 2 random (seeded).
void pg_emu_configure(int workers, int schedule, uint64_t seed) {
    emu::pool().configure(workers);
    emu::schedule = schedule;
    emu::schedule_seed = seed;
}

// Returns 0, or 1 with a one-line reason in error.
int pg_emu_launch(const void* kernel, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                  unsigned shared_bytes, void** params, char* error, int error_bytes) {
    const emu::KernelEntry* k = (const emu::KernelEntry*)kernel;
    auto refuse = [&](const char* why) {
        std::snprintf(error, (size_t)error_bytes, "%s: %s", k->name, why);
        return 1;
    };
    uint64_t threads = (uint64_t)bx * by * bz;
    if (threads == 0 || gx == 0 || gy == 0 || gz == 0) return refuse("empty grid or block (CUDA_ERROR_INVALID_VALUE)");
    if (threads > 1024 || bz > 64) return refuse("more than 1024 threads in a block (CUDA_ERROR_INVALID_VALUE)");
    if (gx > 2147483647u || gy > 65535u || gz > 65535u) return refuse("grid too large (CUDA_ERROR_INVALID_VALUE)");
    if (shared_bytes != 0) return refuse("dynamic shared memory is not emulated");
    std::lock_guard<std::mutex> g(emu::launch_lock);
    emu::Launch L;
    L.kernel = k;
    L.params = params;
    L.grid = {gx, gy, gz};
    L.block = {bx, by, bz};
    L.schedule = (emu::Schedule)emu::schedule.load();
    L.seed = emu::schedule_seed.load();
    L.blocks = (uint64_t)gx * gy * gz;
    emu::pool().run(L);
    emu::total_launches++;
    emu::total_blocks += L.blocks;
    emu::total_switches += L.switches;
    if (L.failed) {
        std::snprintf(error, (size_t)error_bytes, "%s", L.error.c_str());
        return 1;
    }
    return 0;
}

// launches, blocks and fiber switches since the library was loaded.
void pg_emu_counters(uint64_t* out) {
    out[0] = emu::total_launches;
    out[1] = emu::total_blocks;
    out[2] = emu::total_switches;
}

void* pg_emu_malloc(size_t bytes) { return std::malloc(bytes == 0 ? 1 : bytes); }

void pg_emu_free(void* p) { std::free(p); }

void pg_emu_copy(void* dst, const void* src, size_t bytes) { std::memmove(dst, src, bytes); }

void pg_emu_fill32(void* dst, uint32_t value, size_t count) {
    uint32_t* d = (uint32_t*)dst;
    for (size_t i = 0; i < count; i++) d[i] = value;
}

void pg_emu_fill16(void* dst, uint16_t value, size_t count) {
    uint16_t* d = (uint16_t*)dst;
    for (size_t i = 0; i < count; i++) d[i] = value;
}
}
