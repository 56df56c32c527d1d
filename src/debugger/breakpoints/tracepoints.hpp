#pragma once
// Tracepoints: a breakpoint that logs a line per hit (function, arguments, goroutine, thread)
// and lets the program go on, and a second line when the call returns (its results), as
// `dlv trace` does. The work is done on the hitting thread alone while the others run: no stop
// of the whole program, no prompt.
#include <sys/types.h>

#include "debugger/session.hpp"

namespace godbg {

// A hit of tracepoint `bp` at `site` on `tid`: its line to the session's trace sink, and, when
// the site is the function's breakpoint address, a catch of the return.
void trace_call(session& s, user_breakpoint& bp, pid_t tid, virt_addr site, session::outcome& o);
// Forgets the returns still awaited (the tracepoint is deleted, or the program ended).
void drop_trace_returns(session& s, user_breakpoint& bp);

}  // namespace godbg
