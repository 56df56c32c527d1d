#pragma once
// The cheapest unwinder: Go keeps frame pointers on amd64, so each frame's rbp points at the
// caller's saved rbp with the return address above it. It is wrong for the innermost frame
// between a function's entry and its `mov rbp, rsp` (then rbp is still the caller's): the
// debugger corrects frame 0 with .gopclntab's SP deltas and uses this for the rest.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "arch_amd64/memory_access.hpp"

namespace godbg {

struct frame {
  std::uint64_t pc, sp, fp;
  auto operator<=>(const frame&) const = default;
};

// Frame 0 is {pc, sp, fp}. Then per frame: return address at [fp+8], caller's fp at [fp],
// caller's sp = fp+16. Stops on fp 0 or a return address 0, a caller fp that does not grow
// (stacks grow down, so callers are above), unreadable memory, or max_frames.
std::vector<frame> unwind_frame_pointers(std::uint64_t pc, std::uint64_t sp, std::uint64_t fp,
                                         const read_memory_fn& read_memory,
                                         std::size_t max_frames = 1024);

}  // namespace godbg
