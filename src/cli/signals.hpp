#pragma once
#include <cstdio>

namespace godbg {

// Ctrl-C stops the running program (not godbg); SIGTERM and SIGHUP end godbg cleanly, which
// detaches from an attached program and kills a launched one.
void install_signal_handlers();
bool termination_requested();
// Colour only on a terminal, and never with NO_COLOR set.
bool use_color(std::FILE* f);

}  // namespace godbg
