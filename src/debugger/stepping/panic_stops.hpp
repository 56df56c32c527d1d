#pragma once
// Stepping across a panic. Delve stops in a deferred function a panic runs only when it found
// the function in the frame's _defer records (never for open-coded defers, the common case in
// optimized builds). godbg catches the runtime at the call itself: the indirect calls through
// which runtime.gopanic (and, before Go 1.22, runtime.deferCallSave) run deferred functions, and
// those of runtime.deferreturn for `step` on a return. After a recover, the frame that deferred
// the recovering call goes on at its runtime.deferreturn call: a stop there in each user frame
// finds "the recovering frame".
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "debugger/model.hpp"
#include "debugger/stepping/step_plan.hpp"

namespace godbg {

// Functions that call deferred functions during a panic: a frame returning into one of them
// returns into the panic, not to code of the program.
bool runs_deferred_calls(std::string_view function);

// A stop, for the stepped goroutine, at each call through which the runtime runs a deferred
// function during a panic: when `owner` is given, only for calls deferred by the frame whose SP
// is `owner` or by a frame further out (the frame being stepped and its callers). It follows the
// call into the deferred function and stops past its prologue.
void add_panic_stops(step_plan& p, std::optional<stack_pos> owner);

// The same for runtime.deferreturn's calls made for the frame whose SP is `frame_sp` (`step` on
// a line that returns).
void add_deferreturn_stops(step_plan& p, stack_pos frame_sp);

// A stop at the runtime.deferreturn calls of every user frame in frames[from...], each in its
// own frame: where a recovering frame goes on.
void add_recovery_stops(step_plan& p, const std::vector<frame_record>& frames, std::size_t from);

}  // namespace godbg
