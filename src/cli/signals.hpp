#pragma once
#include <cstdio>

namespace godbg {

// Ctrl-C stops the running program (not godbg); SIGTERM and SIGHUP end godbg cleanly, which
// detaches from an attached program and kills a launched one. The handlers stay in force for
// the whole session: the line editor borrows SIGINT only while it reads a line and gives the
// signal back to them (see repl.cpp).
void install_signal_handlers();
bool termination_requested();
// True once for every Ctrl-C since the last call: the REPL uses it to drop the line being
// typed and show a fresh prompt.
bool take_interrupt();
// Colour only on a terminal, never with NO_COLOR set (to anything but ""), never on TERM=dumb.
bool use_color(std::FILE* f);

}  // namespace godbg
