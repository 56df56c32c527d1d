#pragma once
// The Go runtime's own data structures, read from the live process: which goroutine a thread
// runs, the goroutines (runtime.allgs), the Ms (runtime.allm), the Ps, and the few globals the
// bootstrap sets. Layouts come from DWARF when the binary has it (runtime.g fields by name),
// else from the per-version table (runtime_layout_table.hpp). In stripped binaries the globals
// are recovered from the code of runtime functions (go_runtime_globals.cpp).
//
// The session keeps this object for the life of one process (it drops it when the program is
// loaded again or ends), so only what cannot change while the process lives is cached: the
// layout, the globals' addresses, the wait reason strings, what a pc or a start pc means.
// Goroutines, Ms and threads are read afresh on every call.
//
// Which goroutine a thread runs: as Delve does, the g in the thread's TLS slot (fs_base-8), or
// m.curg when that g is the M's g0 or gsignal (goid 0, runtime code on the system stack); none
// for an idle M. goid_on_thread() keeps the raw TLS view (0 on the system stack) for callers that
// compare "same g" (stepping, the startup report); goroutine_on_thread() is Delve's.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"

namespace godbg {

class binary;
class target;

struct g_info {
  std::uint64_t addr = 0;  // the runtime.g
  std::int64_t goid = 0;
  std::uint32_t status_raw = 0;            // atomicstatus, _Gscan included
  std::string status;                      // CONTRACT.md's name
  std::optional<std::string> wait_reason;  // the runtime's own string
  std::uint64_t pc = 0, sp = 0, bp = 0;    // live registers when running, else g.sched
  std::uint64_t sched_pc = 0, sched_sp = 0, sched_bp = 0;  // g.sched as saved
  std::uint64_t startpc = 0, gopc = 0;      // go f(): f's entry; the go statement's pc
  std::optional<std::int64_t> parent_goid;  // go1.21+
  std::optional<std::uint64_t> m;           // g.m
  std::optional<pid_t> tid;                 // the thread running it, if any
  bool system = false;                      // a runtime goroutine (as runtime.isSystemGoroutine)
};

struct m_info {
  std::uint64_t addr = 0;
  std::int64_t id = 0;
  std::optional<pid_t> tid;  // m.procid
  std::optional<std::uint64_t> curg;
  std::optional<std::int64_t> curg_goid;
  std::optional<std::int32_t> p_id;
  std::optional<std::uint64_t> g0, gsignal;
};

// The goroutine a thread works for, as Delve says it: the g in the thread's TLS slot, or, when
// that is the M's g0 or gsignal (goid 0: the thread is on the system stack), the M's curg.
// Where a g names its goroutine and its thread: g.goid, g.m, m.procid (for code that reads
// them itself, such as a tracing trampoline).
struct g_thread_offsets {
  std::uint64_t goid = 0, m = 0, procid = 0;
};

struct thread_goroutine {
  std::optional<std::uint64_t> g;      // the user goroutine (nullopt: none, e.g. an idle M)
  std::optional<std::uint64_t> tls_g;  // what the TLS slot holds
  std::optional<std::uint64_t> m;      // tls_g.m
  bool system_stack = false;           // tls_g is g0/gsignal and g came from m.curg
};

// The panic a goroutine is in (g._panic), read from memory: what a core file of a panicking
// program says about why it died.
struct panic_info {
  std::uint64_t addr = 0;  // the runtime._panic
  // The value as Go's printpanicval prints it: a string as itself (the runtime has already
  // turned an error or Stringer into its text before it dies), numbers and bools, `T("s")` or
  // `T(1)` for other named basic types, `(T) 0xADDR` for anything else. nullopt when unreadable.
  std::optional<std::string> value;
  std::optional<std::string> type;  // the dynamic type's name, when the binary gives names
  int depth = 1;                    // panics in the chain (a panic during a deferred call: 2+)
};

// A goroutine's first frame in user code (Delve's "user current" location).
struct user_frame {
  std::uint64_t pc = 0;  // physical pc
  std::string function, file;
  int line = 0;
};

// A goroutine's stack, [lo, hi) (runtime.g.stack).
struct stack_bounds {
  std::uint64_t lo = 0, hi = 0;
};

// Which goroutines a listing wants.
struct goroutine_query {
  std::optional<std::string> status;  // a CONTRACT.md status
  std::optional<std::string> start;   // substring of the start function
  bool dead = false;                  // dead ones too
  std::optional<std::size_t> limit;   // how many records to build (all are still counted)
};

// Where the runtime keeps what GODEBUG=inittrace=1 turns on (runtime.debug.inittrace and
// .malloc, runtime.inittrace), the instant init began (runtime.runtimeInitTime, nanotime) and
// where a goroutine's print output may be diverted (g.writebuf). Addresses are run-time ones;
// active/id/allocs/bytes are the offsets of runtime.tracestat's fields.
struct inittrace_vars {
  std::uint64_t debug_inittrace = 0, debug_malloc = 0;
  std::uint64_t inittrace = 0;
  std::uint64_t active = 0, id = 8, allocs = 16, bytes = 24;
  std::uint64_t runtime_init_time = 0;
  std::uint64_t g_writebuf = 0;
};

// One package's init task (runtime.initTask): its state (0 not run, 1 running, 2 done), its
// dependencies (Go < 1.21 only: later toolchains sort the tasks at link time), its init
// functions and, from the first of them, the package's import path.
struct init_task {
  std::uint64_t state = 0, ndeps = 0, nfns = 0;
  std::uint64_t first_function = 0;
  std::optional<std::string> package;
};

// A function's package import path as runtime.funcpkgpath cuts it: up to the first dot after
// the last slash ("github.com/x/y.init.0" -> "github.com/x/y").
std::string package_path_of(std::string_view function);

// Delve's rule for "user code": a qualified name, not in package runtime unless exported
// (runtime.Gosched), not internal/ or runtime/internal/.
bool is_user_function(std::string_view name);

class go_runtime {
 public:
  // Built for one program's life: what the binary says, where it was loaded, and its memory and
  // threads (a live process or a core file). Never from a session: the startup report, the
  // goroutine listing and stepping all read the runtime through this one object.
  go_runtime(const binary& bin, load_bias bias, target& proc);
  ~go_runtime();
  const binary& bin() const { return bin_; }
  load_bias bias() const { return bias_; }
  target& process() const { return proc_; }

  // A Go program whose runtime layout is known (from DWARF or the table).
  bool available();
  // Address (run-time) of a runtime global such as "runtime.allgs": from the ELF symbol table,
  // DWARF, or, in stripped binaries, recovered from the code of runtime functions that use it.
  std::optional<std::uint64_t> global_address(std::string_view name);

  // The runtime.g the thread runs now (the TLS slot at fs_base-8), or nullopt before the
  // runtime set up TLS or in a non-Go program.
  std::optional<std::uint64_t> g_on_thread(pid_t tid);
  // The goid of that g: 0 when the thread runs on g0/gsignal (the system stack). Works on
  // stripped binaries through the layout table.
  std::optional<std::int64_t> goid_on_thread(pid_t tid);
  std::optional<std::int64_t> goid_of(std::uint64_t g);
  std::optional<g_thread_offsets> thread_offsets();
  // Delve's view (see thread_goroutine): follows m.curg for g0/gsignal.
  thread_goroutine goroutine_on_thread(pid_t tid);
  // The goid of that view (m.curg's on the system stack, as Delve reports a stop), else the raw
  // one: 0 for an idle M's g0.
  std::optional<std::int64_t> curg_goid_on_thread(pid_t tid);

  // Every goroutine of runtime.allgs but the dead ones (status _Gdead), sorted by id; `tid`
  // filled from the threads. Memory is read in bulk (a handful of process_vm_readv calls).
  std::vector<g_info> goroutines();
  // The goroutines a listing asks for, sorted by id, each handed to `visit` with, for a parked
  // one, its first user frame (all of them unwound in bulk). Returns how many passed the filter
  // before the limit. Fails when runtime.allgs cannot be read.
  using goroutine_visitor =
      std::function<void(const g_info&, const std::optional<user_frame>& parked_user_frame)>;
  std::size_t visit_goroutines(const goroutine_query& q, const goroutine_visitor& visit);
  // The same gathered; `matched` as visit_goroutines returns it.
  std::vector<g_info> goroutines(const goroutine_query& q, std::size_t& matched);
  // One goroutine by id (dead ones included), or nullopt.
  std::optional<g_info> find_goroutine(std::int64_t goid);
  // The goroutine whose runtime.g is at `g`, running on `tid` if given.
  std::optional<g_info> goroutine_at(std::uint64_t g, std::optional<pid_t> tid);
  // The first user frame of each goroutine, unwound from its saved registers (sched, or the
  // syscall pc/sp), all of them in lockstep with one batched read per depth.
  std::vector<std::optional<user_frame>> user_frames(std::span<const g_info> gs);
  // The panic goroutine `g` is in, if any (go_runtime_panic.cpp).
  std::optional<panic_info> panic_of(std::uint64_t g);
  // The id of the P an M holds, if it holds one.
  std::optional<std::int32_t> p_id_of_m(std::uint64_t m);
  std::vector<m_info> ms();
  std::optional<std::int32_t> gomaxprocs();
  std::optional<std::int32_t> ncpu();
  std::optional<std::int64_t> nprocs();  // len(runtime.allp)

  // Reads that hold at every moment of the bootstrap (g0 running, allp half-built, a thread in
  // the middle of clone), each checked for plausibility (go_runtime_bootstrap.cpp).
  std::optional<std::uint64_t> m_of_g(std::uint64_t g);
  std::optional<std::int64_t> m_id(std::uint64_t m);
  std::optional<std::uint64_t> g_startpc(std::uint64_t g);
  // g.m.p.runnext: where newproc puts the goroutine it made.
  std::optional<std::uint64_t> runnext_of_g(std::uint64_t g);
  // m.mstartfn's code pointer, 0 when nil (DWARF only: no table has that offset).
  std::optional<std::uint64_t> m_startfn(std::uint64_t m);
  std::optional<std::uint64_t> phys_page_size();
  std::optional<std::int64_t> goroutine_count();  // runtime.allglen
  std::optional<std::int64_t> m_count();          // length of the runtime.allm list
  std::optional<bool> main_started();             // runtime.mainStarted
  std::optional<std::string> read_c_string(std::uint64_t addr, std::size_t max = 4096);
  // g.stack of the goroutine at `g` (go_runtime_stack.cpp).
  std::optional<stack_bounds> stack_of_g(std::uint64_t g);
  // g.stack.hi: the top of the goroutine's stack (it moves when the stack is copied to grow).
  std::optional<std::uint64_t> g_stack_hi(std::uint64_t g);
  // The M whose m.procid is this thread (nullopt before the M wrote it, or for a C thread).
  std::optional<std::int64_t> m_id_of_thread(pid_t tid);

  // Package init (go_runtime_inittrace.cpp). nullopt without DWARF (the debug struct has no
  // table row) or when a piece is missing.
  std::optional<inittrace_vars> find_inittrace();
  std::optional<init_task> read_init_task(std::uint64_t task);

  // Where the layout came from: "dwarf", "table", "table (newest row, a guess for goX)", or
  // nullopt when it is unknown (not Go, or a Go older than the table without DWARF).
  std::optional<std::string> layout_source();
  // runtime.waitReasonStrings as the process holds it (symbol, or found through the code of
  // runtime.waitReason.String in stripped binaries), else the table's strings.
  const std::vector<std::string>& wait_reasons();
  // The runtime's string for a g.waitreason value; nullopt for 0 or out of range.
  std::optional<std::string> wait_reason_string(std::uint64_t waitreason);
  // The function a goroutine started in, as its go statement named it: compiler wrappers for
  // `go f(x)` (main.main.gowrap1 in go1.22+, main.main.func1 before) are looked through, so
  // `go f(x)` gives f. nullopt when startpc is in no known function.
  std::optional<std::string> start_function(std::uint64_t startpc);
  // The function a pc is in, innermost inlined call first (cached).
  std::optional<std::string> function_name(std::uint64_t pc);
  // The physical function a pc is in (inlined calls not looked at).
  std::optional<std::string> physical_function_name(std::uint64_t pc);

  // The implementation's own state and helpers (go_runtime_internal.hpp).
  struct state;
  state& st();

 private:
  const binary& bin_;
  load_bias bias_;
  target& proc_;
  std::unique_ptr<state> st_;
};

}  // namespace godbg
