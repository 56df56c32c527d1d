#pragma once

namespace godbg {

class interpreter;

// Reads commands until quit or end of input. Line editing, history (~/.godbg_history) and
// completion when stdin is a terminal; plain lines otherwise.
void run_repl(interpreter& in);

}  // namespace godbg
