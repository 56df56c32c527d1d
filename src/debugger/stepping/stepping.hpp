#pragma once
// Running the program a little: a source line (over or into calls), an instruction over calls,
// out of a frame. Each follows the goroutine it started on and returns the stop it led to.
#include <string>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class session;

// `next` (into = false) and `step` (into = true) on the selected thread.
run_result step_line(session& s, bool into);
// until LOC (any_frame = false: LOC only in this frame or a caller, as gdb's until skips
// recursive calls) and advance LOC (in any frame); either stops when this frame returns.
run_result run_to_location(session& s, const std::string& spec, bool any_frame);
// `nexti`: a call is run to its return on the same goroutine; anything else is a stepi.
run_result step_over_instruction(session& s);

struct finish_result {
  run_result stop;
  // What the function returned, in declaration order, when the stop is at its return address.
  std::vector<value_record> returned;
};
// `finish`: run until frame `where.frame` of the scope's goroutine (or thread) returns; out of an
// inlined call, until the code leaves its body.
finish_result finish_frame(session& s, const scope& where);

}  // namespace godbg
