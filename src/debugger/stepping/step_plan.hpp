#pragma once
// The mechanism of one source-level step, as Delve steps: internal stops that each say whether
// the goroutine being stepped wants to stop there (the same goroutine, often the same frame),
// then every thread runs until one of them is wanted. Frames are known by their distance from
// the top of the goroutine's stack (g.stack.hi - CFA), which survives the runtime copying the
// stack. What to stop at is decided by the builders (step_next.cpp); this file runs them.
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "debugger/session.hpp"

namespace godbg {

// Which goroutine a thread runs, and where its stack tops out (g.stack.hi: runtime.g starts with
// stack{lo, hi} in every Go version).
struct thread_g {
  std::optional<std::int64_t> goid;
  std::optional<std::uint64_t> stack_hi;
};
thread_g goroutine_of(session& s, pid_t tid);

// The CFA of the frame running at pc with stack pointer sp.
std::optional<std::uint64_t> cfa_of(session& s, std::uint64_t pc, std::uint64_t sp);

// A place on the stepped goroutine's stack, as it can be found again: the distance from the top
// of the goroutine's stack, or the raw address outside goroutines (C code, g0).
struct stack_pos {
  bool relative = false;
  std::uint64_t value = 0;
  bool operator==(const stack_pos&) const = default;
};

class step_plan {
 public:
  // What an internal stop does when the stepped goroutine reaches it.
  enum class kind {
    stop,          // the step ends here
    renext,        // a range-over-func body entered on the line being stepped: `next` again there
    follow,        // an indirect call to step into: one instruction in, then to the callee's body
    defer_call,    // the runtime about to call a deferred function: the same, into it
    go_statement,  // newproc made the goroutine a `go` statement starts: the step goes there
  };

  step_plan(session& s, pid_t tid);
  ~step_plan();
  step_plan(const step_plan&) = delete;
  step_plan& operator=(const step_plan&) = delete;

  session& sess() { return s_; }
  pid_t tid() const { return tid_; }
  const thread_g& goroutine() const { return g_; }
  // Where `a` (a stack address of the stepped goroutine, as it is now) sits.
  stack_pos pos(std::uint64_t a) const;
  // The same for a thread that reached a stop, from its own goroutine's stack top.
  static stack_pos pos_on(session& s, const thread_g& g, std::uint64_t a);

  // Whether thread t runs the stepped goroutine (the same thread outside goroutines); fills g.
  bool same_goroutine(pid_t t, thread_g& g) const;
  // The same, looking through the system stack to the goroutine the thread works for.
  bool works_for_goroutine(pid_t t) const;
  // Whether thread t runs it with its innermost frame's CFA at `frame`.
  bool in_frame(pid_t t, const stack_pos& frame) const;

  // Stops: wanted by the same goroutine in the frame whose CFA is `frame`; by the same goroutine
  // anywhere; or as `wants` says. `active` (optional) switches a stop off without removing it.
  void add_frame_stop(std::uint64_t pc, stack_pos frame, kind k = kind::stop,
                      std::shared_ptr<bool> active = {});
  void add_goroutine_stop(std::uint64_t pc, kind k = kind::stop);
  void add_stop(std::uint64_t pc, kind k, std::function<bool(pid_t)> wants);
  bool empty() const { return stops_.empty(); }

  // Runs until a stop ends the step (or something else stops the program: a breakpoint, a
  // signal, a panic, the end). `from`: the function stepped from (what `step` may enter).
  struct result {
    session::outcome outcome;
    bool renext = false;  // stopped at a renext stop: the caller steps again from there
  };
  result run(const std::string& from);
  // The thread stands on an indirect call the step enters: into it first. An outcome when that
  // already ends the step.
  std::optional<session::outcome> step_into_here(const std::string& from) {
    return enter_call(tid_, from, true);
  }

  // Removes every stop (also done by the destructor).
  void clear();

 private:
  struct planned {
    int handle = 0;
    kind k = kind::stop;
  };
  const planned* find(int handle) const;
  // Into the callee of the call the thread stands on; its first stop, or a finished outcome.
  std::optional<session::outcome> enter_call(pid_t t, const std::string& from, bool coroutine_ok);
  // Thread t is back from runtime.newproc1 (the new goroutine in AX): every stop replaced by one
  // where that goroutine starts.
  void enter_goroutine(pid_t t);

  session& s_;
  pid_t tid_;
  thread_g g_;
  std::vector<planned> stops_;
};

}  // namespace godbg
