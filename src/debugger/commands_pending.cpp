// Commands whose full implementation lands with later issues (source stepping, print,
// goroutines, startup). Each says plainly what it cannot do yet.
#include "common/error.hpp"
#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void step(session&, const command_args&) { fail("step: not available yet (issue 3)"); }
void next(session&, const command_args&) { fail("next: not available yet (issue 3)"); }
void finish(session&, const command_args&) { fail("finish: not available yet (issue 3)"); }
void print(session&, const command_args&) { fail("print: not available yet (issue 3)"); }
void goroutines(session&, const command_args&) { fail("goroutines: not available yet (issue 4)"); }
void goroutine(session&, const command_args&) { fail("goroutine: not available yet (issue 4)"); }
void threads(session&, const command_args&) { fail("threads: not available yet (issue 4)"); }
void thread(session&, const command_args&) { fail("thread: not available yet (issue 4)"); }
void startup(session&, const command_args&) { fail("startup: not available yet (issue 6)"); }

}  // namespace godbg::cmd
