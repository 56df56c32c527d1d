#pragma once
// Hardware watchpoints as the user sees them: the memory an expression names, watched through
// the debug registers of every thread (process/debug_registers.hpp), with the value before and
// after each access. A watchpoint on a local follows its goroutine's stack when runtime.copystack
// moves it and ends when its frame returns, as Delve's do.
#include <sys/types.h>

#include <string>

#include "debugger/session.hpp"

namespace godbg {

// `watch EXPR` in `where` (its frame names the locals). Throws godbg::error with the reason when
// EXPR is not in memory, is misaligned, too large, or no debug register is free.
user_breakpoint& add_watchpoint(session& s, const scope& where, const std::string& expr,
                                watch_access access);

// A debug register's trap on `tid`, the other threads still running: whether the stop is
// reported. Its report (old and new value) goes on the outcome.
bool watch_hit(session& s, pid_t tid, unsigned slots, session::outcome& o);

// Takes a watchpoint's debug registers again (enable), or gives them back (disable).
void arm_watchpoint(session& s, user_breakpoint& wp);
void disarm_watchpoint(session& s, user_breakpoint& wp);
// Lets go of everything a watchpoint holds (debug registers, the stops that follow its frame
// and stack), before it is deleted.
void drop_watchpoint(session& s, user_breakpoint& wp);

}  // namespace godbg
