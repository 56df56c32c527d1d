#pragma once
// Offsets of the runtime's g, gobuf and m read off the machine code of runtime functions that
// name them, for a stripped binary of a Go release newer than the layout table (or a
// GOEXPERIMENT build, whose structs may differ from the release's row). Each site is one the
// runtime has had, unchanged in shape, from Go 1.19 to 1.27:
//   runtime.mcall        stores the caller's pc, sp and bp into g.sched, loads g.m and m.g0
//   runtime.systemstack  loads g.m, compares g with m.gsignal, m.g0 and m.curg, in that order
//   runtime.casgstatus   lock cmpxchg on g.atomicstatus
//   runtime.clone        stores gettid()'s result into m.procid
//   runtime.cgoSigtramp  loads m.curg, then curg.syscallsp
//   gcWriteBarrier       loads g.m, then m.p
//   runtime.isSystemGoroutine, runtime.printcreatedby: findfunc(g.startpc), findfunc(g.gopc)
// A few more follow from fields that have sat side by side in runtime.g since 1.19 (goid after
// atomicstatus and stackLock, waitreason three words after goid, syscallpc after syscallsp,
// parentGoid before gopc from 1.21); the unit test holds those to every extracted release.
// Every value is checked against DWARF on every toolchain by the unit test.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace godbg {

class binary;

struct code_layout {
  std::optional<std::uint64_t> g_sched, gobuf_sp, gobuf_pc, gobuf_bp, g_m, m_g0, m_gsignal, m_curg,
      g_atomicstatus, m_procid, g_syscallsp, m_p, g_startpc, g_gopc;
  // Derived from neighbours (see above).
  std::optional<std::uint64_t> g_goid, g_waitreason, g_syscallpc, g_parentgoid;
  std::vector<std::string> found;     // "g.sched (runtime.mcall)", ...: what was read where
  std::vector<std::string> problems;  // sites missing or disagreeing with each other

  // Everything goroutine listing needs: g.sched, g.m, m.curg, g.atomicstatus, g.goid.
  bool enough() const { return g_sched && gobuf_pc && g_m && m_curg && g_atomicstatus && g_goid; }
};

// `has_parent_goid`: the release has g.parentGoid (Go >= 1.21, or unknown and newer).
code_layout layout_from_code(const binary& bin, bool has_parent_goid);

}  // namespace godbg
