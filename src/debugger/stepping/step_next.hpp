#pragma once
// What to stop at for next, step, stepout and until: Delve's next() and StepOut() rules, over
// the logical frames (inlined calls included) of the stepped goroutine, innermost first.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "debugger/model.hpp"
#include "debugger/stepping/step_plan.hpp"

namespace godbg {

struct next_setup {
  // `step` standing on an indirect call of its line: that call is entered first.
  bool at_indirect_call = false;
  // Where the return stop went (finish reads the returned values there), if one was set.
  std::optional<std::uint64_t> return_pc;
};

// next (into = false) and step (into = true) from frames[top]; `inlined_out`: the frame is an
// inlined call being finished (Delve's inlinedStepOut): its own lines no longer stop.
next_setup plan_next(step_plan& p, const std::vector<frame_record>& frames, std::size_t top,
                     bool into, bool inlined_out);

// stepout/finish of frames[top]: its return (past compiler wrappers), or the deferred call a
// panic unwinding it runs first, or the recovering frame.
next_setup plan_stepout(step_plan& p, const std::vector<frame_record>& frames, std::size_t top);

// until/advance: the sites, in frames[0]'s frame or further out (`any_frame`: in any frame),
// and frames[0]'s return.
next_setup plan_until(step_plan& p, const std::vector<frame_record>& frames,
                      const std::vector<std::uint64_t>& sites, bool any_frame);

}  // namespace godbg
