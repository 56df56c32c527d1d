#pragma once
// The stack the user is looking at: the selected goroutine's (from its saved registers when it
// is parked), else the current thread's. And the goroutine and thread listings built on it.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "goruntime/go_runtime.hpp"
#include "debugger/model.hpp"

namespace godbg {

class session;

// A thread's stack from its registers.
std::vector<frame_record> thread_stack(session& s, pid_t tid, std::size_t max_frames);

// The stack a scope looks at: its goroutine's when it names one, else its thread's (a thread on
// the system stack for a goroutine shows its g0 frames, then the goroutine's).
std::vector<frame_record> stack_in(session& s, const scope& where, std::size_t max_frames);

// One goroutine's stack: from its thread's registers when a thread runs it, else from its saved
// g.sched pc/sp/bp (g.syscallpc/sp for a goroutine in a system call without its thread).
std::vector<frame_record> goroutine_stack(session& s, const g_info& g, std::size_t max_frames);

// The goroutine a scope looks at: the one it names, else the one its thread works for (Delve's
// rule: m.curg when the thread is on g0/gsignal). nullopt if none.
std::optional<g_info> goroutine_in(session& s, const scope& where);

struct goroutine_filter {
  std::optional<std::string> status;  // a CONTRACT.md status; "dead" lists dead goroutines too
  std::optional<std::string> start;   // substring of start_function
  std::optional<std::size_t> limit;   // how many to show (the count of matches still reported)
  bool stacks = false;                // a stack per goroutine
  std::size_t depth = 50;
};

// Emits each goroutine that passes the filter, in id order, up to limit; returns how many
// passed. Fails when the program is not a Go program whose runtime godbg can read.
std::size_t list_goroutines(session& s, const goroutine_filter& f,
                            const std::function<void(const goroutine_record&)>& emit);

// One goroutine as the printers show it.
goroutine_record goroutine_view(session& s, const g_info& g, bool with_stack, std::size_t depth);

// Every thread: pc, function, the goroutine it works for, its M and P, main, current.
std::vector<thread_record> list_threads(session& s);

}  // namespace godbg
