#pragma once
#include <string>
#include <vector>

namespace godbg {

class session;

// Words that complete `prefix` as the word at `word_index` of `line_so_far`: command names,
// then, after break-like commands, function names, FILE:LINE files and breakpoint ids.
std::vector<std::string> completions(session& s, const std::string& line_so_far,
                                     const std::string& prefix);
// Hooks completions() into libedit's readline.
void install_completion(session& s);

}  // namespace godbg
