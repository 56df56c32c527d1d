#pragma once
#include <string>
#include <vector>

namespace godbg {

class session;

// Words that complete `prefix`, the word being typed after `line_so_far` (the line up to the
// start of that word), sorted and unique. From the one command table: command names (and, once
// something is typed, aliases; "info <TAB>" gives the second words of two-word aliases), then
// per command: function names and FILE: for break/tbreak/list/disassemble, breakpoint ids for
// delete/condition, command names for help, register names for regs (and $NAME in print/x),
// variables for print (locals and arguments of the selected frame, globals), goroutine ids for
// goroutine, thread ids for thread, statuses and flags for goroutines, file names for source.
std::vector<std::string> completions(session& s, const std::string& line_so_far,
                                     const std::string& prefix);
// Hooks completions() into libedit's readline.
void install_completion(session& s);

}  // namespace godbg
