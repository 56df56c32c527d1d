#pragma once
// Unwinding a stack into frames that carry their registers, so evaluating in frame N uses what
// the unwinder recovered instead of guessing it again.
#include <cstddef>
#include <vector>

#include "common/address.hpp"
#include "debugger/model.hpp"

namespace godbg {

class binary;
class object_set;
class target;

// Frames from a starting point: a thread's registers (every one known) or a parked goroutine's
// saved pc, SP and rbp. Inlined calls are frames of their own, sharing their physical frame's
// registers. `bin` may be null (a program godbg could not load): frame pointers only.
// `objects`, when given, names and unwinds the frames of shared libraries (libc under a cgo
// call) by their own symbols and .eh_frame; `bin` is its executable.
std::vector<frame_record> unwind(const binary* bin, load_bias bias, const target& mem,
                                 const frame_registers_set& start, std::size_t max_frames,
                                 const object_set* objects = nullptr);

}  // namespace godbg
