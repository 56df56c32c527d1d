#include "goruntime/runtime_layout_table.hpp"

#include <charconv>

// Tables laid out by hand, a row per line: clang-format would put one field per line.
// clang-format off
namespace godbg {
namespace {

// Generated: tests/data/runtime_layouts/gen_table.py over extract_layout.go's output for a
// small program built by every toolchain listed in the row comments (the extracts for the
// first and last release of each row are kept next to them, and the unit test checks the rows
// against them). Do not edit by hand: extract, then regenerate.

constexpr std::string_view wait_reasons_1_19_0[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "timer goroutine (idle)", "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
    "preempted", "debug call",
};
constexpr std::string_view wait_reasons_1_20_0[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
    "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
    "GC mark termination", "stopping the world",
};
constexpr std::string_view wait_reasons_1_22_0[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
    "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
    "GC mark termination", "stopping the world", "flushing proc caches",
    "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
};
constexpr std::string_view wait_reasons_1_23_4[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "trace reader (blocked)",
    "wait for GC cycle", "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
    "GC mark termination", "stopping the world", "flushing proc caches",
    "trace goroutine status", "trace proc status", "page trace flush", "coroutine",
    "GC weak to strong wait",
};
constexpr std::string_view wait_reasons_1_24_0[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
    "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)", "GC worker (active)",
    "preempted", "debug call", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait",
    "chan receive (synctest)", "chan send (synctest)", "select (synctest)",
};
constexpr std::string_view wait_reasons_1_25_0[] = {
    "", "GC assist marking", "IO wait", "chan receive (nil chan)", "chan send (nil chan)",
    "dumping heap", "garbage collection", "garbage collection scan", "panicwait", "select",
    "select (no cases)", "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive",
    "chan send", "finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)", "semacquire",
    "sleep", "sync.Cond.Wait", "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock",
    "sync.WaitGroup.Wait", "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)",
    "GC worker (active)", "preempted", "debug call", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait",
    "chan receive (durable)", "chan send (durable)", "select (durable)",
    "sync.WaitGroup.Wait (durable)", "cleanup wait",
};
constexpr std::string_view wait_reasons_1_26_0[] = {
    "", "GC assist marking", "IO wait", "dumping heap", "garbage collection",
    "garbage collection scan", "panicwait", "GC assist wait", "GC sweep wait",
    "GC scavenge wait", "finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)",
    "semacquire", "sleep", "chan receive (nil chan)", "chan send (nil chan)",
    "select (no cases)", "select", "chan receive", "chan send", "sync.Cond.Wait",
    "sync.Mutex.Lock", "sync.RWMutex.RLock", "sync.RWMutex.Lock", "sync.WaitGroup.Wait",
    "trace reader (blocked)", "wait for GC cycle", "GC worker (idle)", "GC worker (active)",
    "preempted", "debug call", "GC mark termination", "stopping the world",
    "flushing proc caches", "trace goroutine status", "trace proc status", "page trace flush",
    "coroutine", "GC weak to strong wait", "synctest.Run", "synctest.Wait",
    "chan receive (durable)", "chan send (durable)", "select (durable)",
    "sync.WaitGroup.Wait (durable)", "cleanup wait",
};

constexpr runtime_layout layouts[] = {
    // go1.19, go1.19.8, go1.19.13
    {.minor = 19, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = std::nullopt, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 232,
    .g_parentgoid = std::nullopt, .g_gopc = 296, .g_ancestors = 304, .g_startpc = 312,
    .g_waiting = 328, .g_labels = 360, .g_size = 392, .gobuf_sp = 0, .gobuf_pc = 8,
    .gobuf_g = 16, .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48,
    .gobuf_size = 56, .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192,
    .m_p = 208, .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 336, .m_schedlink = 344, .m_lockedg = 352, .m_vdsosp = 800, .m_vdsopc = 808,
    .m_size = 1008, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 56, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 8912, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6080,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_19_0},
    // go1.20, go1.20.14
    {.minor = 20, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = std::nullopt, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 232,
    .g_parentgoid = std::nullopt, .g_gopc = 296, .g_ancestors = 304, .g_startpc = 312,
    .g_waiting = 328, .g_labels = 360, .g_size = 392, .gobuf_sp = 0, .gobuf_pc = 8,
    .gobuf_g = 16, .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48,
    .gobuf_size = 56, .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192,
    .m_p = 208, .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 336, .m_schedlink = 344, .m_lockedg = 352, .m_vdsosp = 800, .m_vdsopc = 808,
    .m_size = 1000, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 56, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 8904, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 1632,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_20_0},
    // go1.21.0, go1.21.13
    {.minor = 21, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = std::nullopt, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 208,
    .g_parentgoid = 272, .g_gopc = 280, .g_ancestors = 288, .g_startpc = 296, .g_waiting = 312,
    .g_labels = 344, .g_size = 408, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 336, .m_schedlink = 344, .m_lockedg = 352, .m_vdsosp = 808, .m_vdsopc = 816,
    .m_size = 1008, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 56, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 8912, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 1632,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_20_0},
    // go1.22.0, go1.22.12
    {.minor = 22, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = std::nullopt, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 208,
    .g_parentgoid = 272, .g_gopc = 280, .g_ancestors = 288, .g_startpc = 296, .g_waiting = 312,
    .g_labels = 344, .g_size = 424, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 328, .m_schedlink = 336, .m_lockedg = 344, .m_vdsosp = 1120, .m_vdsopc = 1128,
    .m_size = 2024, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 56, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 8944, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_22_0},
    // go1.23.0, go1.23.1, go1.23.2, go1.23.3
    {.minor = 23, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = 128, .g_atomicstatus = 152, .g_goid = 160,
    .g_schedlink = 168, .g_waitsince = 176, .g_waitreason = 184, .g_lockedm = 216,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 432, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 328, .m_schedlink = 336, .m_lockedg = 344, .m_vdsosp = 856, .m_vdsopc = 864,
    .m_size = 1760, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 8944, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_22_0},
    // go1.23.4, go1.23.5, go1.23.6, go1.23.7, go1.23.8, go1.23.9, go1.23.10, go1.23.11
    {.minor = 23, .first_patch = 4, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = 128, .g_atomicstatus = 152, .g_goid = 160,
    .g_schedlink = 168, .g_waitsince = 176, .g_waitreason = 184, .g_lockedm = 216,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 432, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 328, .m_schedlink = 336, .m_lockedg = 344, .m_vdsosp = 856, .m_vdsopc = 864,
    .m_size = 1760, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 8944, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_23_4},
    // go1.23.12
    {.minor = 23, .first_patch = 12, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = 128, .g_atomicstatus = 152, .g_goid = 160,
    .g_schedlink = 168, .g_waitsince = 176, .g_waitreason = 184, .g_lockedm = 216,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 432, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 352, .m_schedlink = 360, .m_lockedg = 368, .m_vdsosp = 880, .m_vdsopc = 888,
    .m_size = 1784, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 8944, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_23_4},
    // go1.24.0, go1.24.1, go1.24.2, go1.24.3, go1.24.4, go1.24.5
    {.minor = 24, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = 128, .g_atomicstatus = 152, .g_goid = 160,
    .g_schedlink = 168, .g_waitsince = 176, .g_waitreason = 184, .g_lockedm = 216,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 440, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 328, .m_schedlink = 336, .m_lockedg = 344, .m_vdsosp = 880, .m_vdsopc = 888,
    .m_size = 1808, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 8952, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_24_0},
    // go1.24.6, go1.24.11
    {.minor = 24, .first_patch = 6, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 112,
    .g_syscallpc = 120, .g_syscallbp = 128, .g_atomicstatus = 152, .g_goid = 160,
    .g_schedlink = 168, .g_waitsince = 176, .g_waitreason = 184, .g_lockedm = 216,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 440, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = 32, .gobuf_lr = 40, .gobuf_bp = 48, .gobuf_size = 56,
    .m_g0 = 0, .m_procid = 72, .m_gsignal = 80, .m_tls = 136, .m_curg = 192, .m_p = 208,
    .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 352, .m_schedlink = 360, .m_lockedg = 368, .m_vdsosp = 904, .m_vdsopc = 912,
    .m_size = 1832, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 8952, .sched_goidgen = 0,
    .sched_nmidle = 40, .sched_mnext = 48, .sched_maxmcount = 56, .sched_nmsys = 60,
    .sched_pidle = 80, .sched_npidle = 88, .sched_nmspinning = 92, .sched_size = 6824,
    .ncpu_var = "runtime.ncpu", .wait_reasons = wait_reasons_1_24_0},
    // go1.25.0, go1.25.5
    {.minor = 25, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 104,
    .g_syscallpc = 112, .g_syscallbp = 120, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 208,
    .g_parentgoid = 272, .g_gopc = 280, .g_ancestors = 288, .g_startpc = 296, .g_waiting = 312,
    .g_labels = 344, .g_size = 440, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = std::nullopt, .gobuf_lr = 32, .gobuf_bp = 40,
    .gobuf_size = 48, .m_g0 = 0, .m_procid = 64, .m_gsignal = 72, .m_tls = 128, .m_curg = 184,
    .m_p = 200, .m_nextp = 208, .m_oldp = 216, .m_id = 224, .m_spinning = 268, .m_blocked = 269,
    .m_alllink = 344, .m_schedlink = 352, .m_lockedg = 360, .m_vdsosp = 896, .m_vdsopc = 904,
    .m_size = 1816, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 392,
    .p_runqtail = 396, .p_runq = 400, .p_runnext = 2448, .p_size = 9512, .sched_goidgen = 0,
    .sched_nmidle = 48, .sched_mnext = 56, .sched_maxmcount = 64, .sched_nmsys = 68,
    .sched_pidle = 88, .sched_npidle = 96, .sched_nmspinning = 100, .sched_size = 6848,
    .ncpu_var = "runtime.numCPUStartup", .wait_reasons = wait_reasons_1_25_0},
    // go1.26.0, go1.26.8
    {.minor = 26, .first_patch = 0, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 104,
    .g_syscallpc = 112, .g_syscallbp = 120, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 208,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 456, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = std::nullopt, .gobuf_lr = 32, .gobuf_bp = 40,
    .gobuf_size = 48, .m_g0 = 0, .m_procid = 64, .m_gsignal = 72, .m_tls = 128, .m_curg = 184,
    .m_p = 208, .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 352, .m_schedlink = 360, .m_lockedg = 384, .m_vdsosp = 896, .m_vdsopc = 904,
    .m_size = 1824, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 15920, .sched_goidgen = 0,
    .sched_nmidle = 64, .sched_mnext = 72, .sched_maxmcount = 80, .sched_nmsys = 84,
    .sched_pidle = 104, .sched_npidle = 112, .sched_nmspinning = 116, .sched_size = 6872,
    .ncpu_var = "runtime.numCPUStartup", .wait_reasons = wait_reasons_1_26_0},
    // go1.27.3
    {.minor = 27, .first_patch = 3, .g_stack_lo = 0, .g_stack_hi = 8, .g_stackguard0 = 16,
    .g_panic = 32, .g_defer = 40, .g_m = 48, .g_sched = 56, .g_syscallsp = 104,
    .g_syscallpc = 112, .g_syscallbp = 120, .g_atomicstatus = 144, .g_goid = 152,
    .g_schedlink = 160, .g_waitsince = 168, .g_waitreason = 176, .g_lockedm = 208,
    .g_parentgoid = 280, .g_gopc = 288, .g_ancestors = 296, .g_startpc = 304, .g_waiting = 320,
    .g_labels = 352, .g_size = 456, .gobuf_sp = 0, .gobuf_pc = 8, .gobuf_g = 16,
    .gobuf_ctxt = 24, .gobuf_ret = std::nullopt, .gobuf_lr = 32, .gobuf_bp = 40,
    .gobuf_size = 48, .m_g0 = 0, .m_procid = 64, .m_gsignal = 72, .m_tls = 128, .m_curg = 184,
    .m_p = 208, .m_nextp = 216, .m_oldp = 224, .m_id = 232, .m_spinning = 276, .m_blocked = 277,
    .m_alllink = 352, .m_schedlink = 360, .m_lockedg = 384, .m_vdsosp = 896, .m_vdsopc = 904,
    .m_size = 1832, .p_id = 0, .p_status = 4, .p_link = 8, .p_m = 48, .p_runqhead = 400,
    .p_runqtail = 404, .p_runq = 408, .p_runnext = 2456, .p_size = 15920, .sched_goidgen = 0,
    .sched_nmidle = 64, .sched_mnext = 72, .sched_maxmcount = 80, .sched_nmsys = 84,
    .sched_pidle = 104, .sched_npidle = 112, .sched_nmspinning = 116, .sched_size = 6872,
    .ncpu_var = "runtime.numCPUStartup", .wait_reasons = wait_reasons_1_26_0},
};

bool parse_int(std::string_view s, std::size_t& pos, int& out) {
  const char* b = s.data() + pos;
  auto [p, ec] = std::from_chars(b, s.data() + s.size(), out);
  if (ec != std::errc() || p == b) return false;
  pos += static_cast<std::size_t>(p - b);
  return true;
}

}  // namespace

std::optional<std::string_view> goroutine_status_name(std::uint32_t atomicstatus) {
  switch (static_cast<g_status>(atomicstatus & ~g_status_scan)) {
    case g_status::idle: return "idle";
    case g_status::runnable: return "runnable";
    case g_status::running: return "running";
    case g_status::syscall: return "syscall";
    case g_status::waiting:
    case g_status::leaked: return "waiting";
    case g_status::dead:
    case g_status::deadextra: return "dead";
    case g_status::copystack: return "copystack";
    case g_status::preempted: return "preempted";
    default: return std::nullopt;
  }
}

std::optional<go_release> parse_go_version(std::string_view v) {
  // "go1.<minor>[.<patch>]" then the end, a pre-release tag ("rc1", "beta2") or " X:..."
  if (!v.starts_with("go1.")) return std::nullopt;
  std::size_t pos = 4;
  go_release r{0, 0};
  if (!parse_int(v, pos, r.minor)) return std::nullopt;
  if (pos < v.size() && v[pos] == '.') {
    ++pos;
    if (!parse_int(v, pos, r.patch)) return std::nullopt;
  }
  // "go1.23-devel_abc" / "go1.23-20240101-RC00 cl/..." (a devel or vendor build): unknown;
  // but "go1.27.3-X:staticlockranking" is a release with experiments (Go 1.27 writes "-X:").
  if (pos < v.size() && v[pos] == '-' && v.substr(pos, 3) != "-X:") return std::nullopt;
  return r;
}

const runtime_layout* runtime_layout_for(std::string_view go_version) {
  auto r = parse_go_version(go_version);
  if (!r) return nullptr;
  const runtime_layout* best = nullptr;
  for (const auto& l : layouts)
    if (l.minor == r->minor && l.first_patch <= r->patch) best = &l;
  return best;
}

const runtime_layout& newest_runtime_layout() { return std::end(layouts)[-1]; }

std::span<const runtime_layout> all_runtime_layouts() { return layouts; }

std::optional<std::string_view> wait_reason_string(const runtime_layout& layout,
                                                   std::uint64_t waitreason) {
  if (waitreason == 0 || waitreason >= layout.wait_reasons.size()) return std::nullopt;
  return layout.wait_reasons[waitreason];
}

}  // namespace godbg
// clang-format on
