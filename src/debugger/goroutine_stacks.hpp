#pragma once
// The stack the user is looking at: the selected goroutine's (from its saved registers when it
// is parked), else the current thread's.
#include <cstddef>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class session;

std::vector<frame_record> current_stack(session& s, std::size_t max_frames);

}  // namespace godbg
