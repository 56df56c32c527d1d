#pragma once
// Offsets into the Go runtime's own structures, per Go release, for binaries without DWARF
// (-ldflags=-w or -s -w). With DWARF, read runtime.g & co. by field name instead (DESIGN.md);
// this table is the fallback. Every row was read from the DWARF of a program built by that
// very toolchain (tests/data/runtime_layouts/ holds the extracts, and the unit test holds the
// table to them), not worked out by hand.
//
// Layouts change inside a minor release too: go1.23.x and go1.24.x patch releases moved
// runtime.m fields (m.allpSnapshot) and added a wait reason. So a row covers
// [go1.<minor>.<first_patch>, next row).
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace godbg {

// The values of runtime.g.atomicstatus (runtime2.go); with _Gscan or'ed in while the GC scans.
enum class g_status : std::uint32_t {
  idle = 0,
  runnable = 1,
  running = 2,
  syscall = 3,
  waiting = 4,
  moribund_unused = 5,
  dead = 6,
  enqueue_unused = 7,
  copystack = 8,
  preempted = 9,
  leaked = 10,     // go1.26+: a goroutine the GC found blocked forever
  deadextra = 11,  // go1.26+: a dead g parked on an extra M for cgo callbacks
};
inline constexpr std::uint32_t g_status_scan = 0x1000;

// CONTRACT.md's names ("idle", "runnable", "running", "syscall", "waiting", "dead",
// "copystack", "preempted"); the _Gscan bit is ignored, leaked counts as waiting and
// deadextra as dead. nullopt for values the runtime never stores (5, 7, > 11).
std::optional<std::string_view> goroutine_status_name(std::uint32_t atomicstatus);

struct runtime_layout {
  int minor;        // Go 1.<minor>
  int first_patch;  // first patch release of that minor this row is right for

  // runtime.g (stack.lo/hi are g.stack's fields; the sched gobuf's fields are gobuf_* below)
  std::uint64_t g_stack_lo, g_stack_hi, g_stackguard0, g_panic, g_defer, g_m, g_sched;
  std::uint64_t g_syscallsp, g_syscallpc;
  std::optional<std::uint64_t> g_syscallbp;  // go1.23+
  std::uint64_t g_atomicstatus;              // uint32
  std::uint64_t g_goid;                      // int64 (1.19), uint64 (1.20+)
  std::uint64_t g_schedlink, g_waitsince;
  std::uint64_t g_waitreason;  // uint8, index into wait_reasons
  std::uint64_t g_lockedm;
  std::optional<std::uint64_t> g_parentgoid;  // go1.21+, uint64
  std::uint64_t g_gopc, g_ancestors, g_startpc, g_waiting, g_labels;
  std::uint64_t g_size;

  // runtime.gobuf (g.sched and m.morebuf)
  std::uint64_t gobuf_sp, gobuf_pc, gobuf_g, gobuf_ctxt;
  std::optional<std::uint64_t> gobuf_ret;  // gone in go1.25
  std::uint64_t gobuf_lr, gobuf_bp, gobuf_size;

  // runtime.m
  std::uint64_t m_g0, m_procid /* uint64: the thread id */, m_gsignal, m_tls, m_curg, m_p, m_nextp,
      m_oldp, m_id /* int64 */, m_spinning, m_blocked, m_alllink, m_schedlink, m_lockedg, m_vdsosp,
      m_vdsopc, m_size;

  // runtime.p
  std::uint64_t p_id /* int32 */, p_status /* uint32 */, p_link, p_m, p_runqhead, p_runqtail,
      p_runq, p_runnext, p_size;

  // runtime.schedt (the variable runtime.sched)
  std::uint64_t sched_goidgen /* uint64 */, sched_nmidle /* int32 */, sched_mnext /* int64 */,
      sched_maxmcount, sched_nmsys, sched_pidle, sched_npidle /* int32 */,
      sched_nmspinning /* int32 */, sched_size;

  // The number of CPUs osinit found (int32): runtime.ncpu, runtime.numCPUStartup from go1.25.
  std::string_view ncpu_var;

  // runtime.waitReasonStrings: index = g.waitreason; [0] is "" (no reason).
  std::span<const std::string_view> wait_reasons;
};

// Variables whose names and types did not change 1.19-1.26 (only useful with a symbol table:
// -s strips it too, and then only the layouts above remain).
namespace runtime_vars {
inline constexpr std::string_view allgs = "runtime.allgs";            // []*g
inline constexpr std::string_view allglen = "runtime.allglen";        // uintptr
inline constexpr std::string_view allm = "runtime.allm";              // *m, linked by m.alllink
inline constexpr std::string_view allp = "runtime.allp";              // []*p; len = Ps
inline constexpr std::string_view gomaxprocs = "runtime.gomaxprocs";  // int32
inline constexpr std::string_view sched = "runtime.sched";            // schedt
inline constexpr std::string_view m0 = "runtime.m0";                  // m
inline constexpr std::string_view g0 = "runtime.g0";                  // g
inline constexpr std::string_view newprocs = "runtime.newprocs";      // int32
}  // namespace runtime_vars

// "go1.19.8", "go1.26.8", "go1.21rc2", "go1.22.0 X:boringcrypto" -> {minor, patch};
// a pre-release (rc/beta) counts as patch 0. nullopt for devel builds and other strings.
struct go_release {
  int minor, patch;
};
std::optional<go_release> parse_go_version(std::string_view go_version);

// The row for this version; nullptr if the version is unknown, older than go1.19 or newer
// than the newest row.
const runtime_layout* runtime_layout_for(std::string_view go_version);
// A guess for versions newer than the table: the newest row. Callers should say it is a guess.
const runtime_layout& newest_runtime_layout();
std::span<const runtime_layout> all_runtime_layouts();

// The runtime's string for g.waitreason; nullopt for 0 ("no reason") or out of range.
std::optional<std::string_view> wait_reason_string(const runtime_layout& layout,
                                                   std::uint64_t waitreason);

}  // namespace godbg
