#pragma once
// The plan of one source-level step, as Delve steps: internal stops at the line starts of the
// current function and at its return address (and, for `step`, at the body of every function
// the current line calls), each wanted only by the same goroutine in the same frame; then every
// thread runs. Frames are compared by their distance from the top of the goroutine's stack
// (g.stack.hi - CFA), which survives the runtime copying the stack.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "arch_amd64/disassembler.hpp"
#include "debugger/session.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

// Functions `step` does not enter: the runtime and the compiler's helpers, which hold nothing
// for a Go programmer (unless the step starts inside the runtime).
bool is_runtime_function(std::string_view name);

// Which goroutine a thread runs, and where its stack tops out (g.stack.hi: runtime.g starts with
// stack{lo, hi} in every Go version).
struct thread_g {
  std::optional<std::int64_t> goid;
  std::optional<std::uint64_t> stack_hi;
};

thread_g goroutine_of(session& s, pid_t tid);

// The CFA of the frame running at pc with stack pointer sp.
std::optional<std::uint64_t> cfa_of(session& s, std::uint64_t pc, std::uint64_t sp);

// How to recognize one frame of one goroutine again, wherever its stack has moved.
struct frame_key {
  pid_t tid = 0;
  std::optional<std::int64_t> goid;    // set when the thread runs a user goroutine
  std::optional<std::uint64_t> depth;  // stack_hi - CFA, when stack_hi is known
  std::uint64_t cfa = 0;               // raw CFA (fallback)

  bool same_goroutine(session& s, pid_t t, thread_g& g) const;
  // Distance of a stack address from the top of its goroutine's stack (or the raw address).
  std::uint64_t rel(const thread_g& g, std::uint64_t a) const {
    if (goid && depth && g.stack_hi) return *g.stack_hi - a;
    return a;
  }
  std::uint64_t my_rel() const { return goid && depth ? *depth : cfa; }
  bool relative() const { return goid && depth; }
};

frame_key key_for(session& s, pid_t tid, std::uint64_t cfa);

// The line of `pc` at one level of inlining, counted from the physical function (level 0); -1
// when pc is outside that inlined body (it returned), 0 when unknown.
struct line_info {
  int line = 0;
  bool left = false;
  std::string function;
};

class step_plan {
 public:
  step_plan(session& s, pid_t tid) : s_(s), tid_(tid) {}

  // Everything `next` needs from frame 0 of the thread.
  void prepare();

  // The same for any physical frame of the thread's goroutine (pc, CFA); `level`: how deep in
  // inlined calls the frame of interest is (default: the innermost at pc).
  void prepare_frame(std::uint64_t pc, std::uint64_t cfa, std::optional<int> level);

  // Stops for finishing an inlined call: wherever the code of this frame leaves the inlined
  // body, and the return address of the physical function.
  void add_exit_stops();

  // Stops for `next`: each line start in this function other than the current line, wanted by
  // this frame only; and the return address, wanted by the caller's frame.
  void add_line_stops();

  // Stops for `step`: the bodies of the functions the current line calls directly.
  void add_call_stops();

  // Stop for `finish`: the return address of a frame, when the goroutine's stack has unwound
  // above that frame.
  void add_finish_stop(std::uint64_t ret, std::uint64_t frame_cfa);

  // Runs until a stop is wanted; follows indirect calls into user functions. Cleans up its stops.
  run_result run_and_describe();

  const function_info& function() const;
  bool has_stops() const;

 private:
  std::vector<go_inline_frame> chain_at(std::uint64_t pc) const;

  // The line of pc in the function being stepped (its inlined calls folded into their call
  // lines); `left` when pc is outside it (an inlined body that returned).
  line_info here_at(std::uint64_t pc) const;

  static line_info line_at_level(const std::vector<go_inline_frame>& chain, int level);

  static bool outermost(const std::string& name);

  void add_frame_stop(std::uint64_t a);

  void add_return_stop(std::uint64_t a, const frame_key& k);

  void add_goroutine_stop(std::uint64_t a);

  void add_indirect_stop(std::uint64_t a);

  bool only_indirect_hit(const session::outcome& o) const;

  session::outcome run();

  void cleanup();

  session& s_;
  pid_t tid_;
  std::uint64_t pc_ = 0, entry_ = 0, end_ = 0;
  function_info fn_;
  int level_ = 0;
  int line_ = 0;
  std::string function_at_level_;
  frame_key key_;
  std::optional<std::uint64_t> return_address_;
  std::vector<instruction> insns_;
  std::vector<int> stops_;
  std::set<int> indirect_;
};

}  // namespace godbg
