#include "debugger/goroutine_stacks.hpp"

#include "debugger/session.hpp"

namespace godbg {

std::vector<frame_record> current_stack(session& s, std::size_t max_frames) {
  return s.backtrace(s.current_tid(), max_frames);
}

}  // namespace godbg
