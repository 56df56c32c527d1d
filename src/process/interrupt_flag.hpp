#pragma once
// The flag the SIGINT handler sets (request_interrupt) and the event loop reads: the only way a
// signal handler can talk to the loop, so it is the one piece of global state of this layer.
#include <atomic>

namespace godbg {

std::atomic<bool>& interrupt_flag();

}  // namespace godbg
