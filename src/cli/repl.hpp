#pragma once

namespace godbg {

class session;

// Reads commands until quit or end of input. Line editing, history (~/.godbg_history) and
// completion when stdin is a terminal; plain lines otherwise.
void run_repl(session& s);

}  // namespace godbg
