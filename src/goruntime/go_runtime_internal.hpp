#pragma once
// The inside of go_runtime: the resolved layout, the globals found, caches, and the bulk
// memory reader. Only go_runtime*.cpp, goroutine_stacks.cpp and commands_goroutines.cpp use it.
#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dwarf/binary.hpp"
#include "goruntime/go_runtime.hpp"
#include "process/target.hpp"

namespace godbg {

namespace rt {

// The offsets godbg reads, whichever source gave them.
struct layout {
  std::string source;  // "dwarf", "table", "table (newest row, a guess for goX)"
  // runtime.g
  std::uint64_t g_stack_lo = 0, g_stack_hi = 8, g_m = 0, g_sched = 0, g_syscallsp = 0,
                g_syscallpc = 0, g_atomicstatus = 0, g_goid = 0, g_waitreason = 0, g_startpc = 0,
                g_gopc = 0, g_panic = 0;
  std::optional<std::uint64_t> g_parentgoid;
  // runtime.gobuf
  std::uint64_t gobuf_sp = 0, gobuf_pc = 8, gobuf_bp = 0;
  // runtime.m
  std::uint64_t m_g0 = 0, m_procid = 0, m_gsignal = 0, m_curg = 0, m_p = 0, m_id = 0, m_alllink = 0;
  // runtime.p
  std::uint64_t p_id = 0, p_runnext = 0;
  std::string ncpu_var;                         // "runtime.ncpu" or "runtime.numCPUStartup"
  std::vector<std::string> table_wait_reasons;  // from the table row, if any

  std::uint64_t g_span() const;  // bytes of a g to read to get every field above
  std::uint64_t m_span() const;
};

// One g as read in bulk: just the fields the listing needs.
struct raw_g {
  std::uint64_t addr = 0;
  std::int64_t goid = 0;
  std::uint32_t status = 0;  // atomicstatus, _Gscan included
  std::uint8_t waitreason = 0;
  std::uint64_t m = 0;
  std::uint64_t sched_pc = 0, sched_sp = 0, sched_bp = 0;
  std::uint64_t syscallpc = 0, syscallsp = 0;
  std::uint64_t startpc = 0, gopc = 0;
  std::uint64_t stack_lo = 0, stack_hi = 0;
  std::optional<std::int64_t> parentgoid;
};

}  // namespace rt

struct go_runtime::state {
  bool layout_tried = false;
  std::optional<rt::layout> layout;
  std::map<std::string, std::optional<std::uint64_t>, std::less<>> globals;
  std::optional<std::vector<std::string>> wait_reasons;
  std::optional<std::optional<std::uint64_t>> m_mstartfn;  // looked up in DWARF once
  std::vector<std::string> table_wait_reasons;             // returned while no process can be asked
  std::unordered_map<std::uint64_t, std::optional<std::string>> start_functions;
  std::unordered_map<std::uint64_t, std::optional<std::string>> function_names;
  std::unordered_map<std::int64_t, std::uint64_t> g_by_id;  // where a goroutine was last found

  // Per pc (key pc*2 + caller): what unwinding needs and the user frame there, if any.
  struct pc_info {
    bool known = false;      // the pclntab has a function there
    bool outermost = false;  // nothing above it is a caller (goexit, mstart, ...)
    std::int64_t sp_delta = -1;
    int user = -1;  // index into user_frames, or -1
  };
  std::unordered_map<std::uint64_t, pc_info> pcs;
  std::vector<user_frame> user_frames;  // pc left 0: the caller fills the physical pc

  const pc_info& info_at(go_runtime& rt, std::uint64_t pc, bool caller);
};

// Layout (go_runtime_layout.cpp).
const rt::layout* resolve_layout(go_runtime& rt, go_runtime::state& st);
// Reads every g of allgs (dead ones included), or nullopt when allgs cannot be found/read.
std::optional<std::vector<rt::raw_g>> read_all_gs(go_runtime& rt);
rt::raw_g decode_g(const rt::layout& l, const std::uint8_t* buf, std::uint64_t g);
std::optional<rt::raw_g> read_one_g(go_runtime& rt, const rt::layout& l, std::uint64_t g);
// User frames of parked goroutines, unwound together in lockstep (one batched read per depth).
// starts[i] = {pc, sp}; result[i] = {physical pc, index into st.user_frames} of the first user
// frame, or {0, -1}.
std::vector<std::pair<std::uint64_t, int>> user_frames_from(
    go_runtime& rt, go_runtime::state& st,
    std::span<const std::pair<std::uint64_t, std::uint64_t>> starts);

// Which thread runs which goroutine (g address -> tid), Delve's way (goroutine_on_thread).
std::unordered_map<std::uint64_t, pid_t> goroutine_threads(go_runtime& rt);
g_info make_g_info(go_runtime& rt, const rt::raw_g& r, std::optional<pid_t> tid);
bool is_dead(const rt::raw_g& r);

}  // namespace godbg
