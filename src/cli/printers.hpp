#pragma once
#include <cstdio>
#include <memory>

#include "commands/reporter.hpp"
#include "commands/text_printer.hpp"

namespace godbg {

// Human text on `out` (errors on stderr), colour when `color`.
inline std::unique_ptr<reporter> make_text_printer(std::FILE* out, bool color) {
  return make_text_printer(out, stderr, color);
}
// JSON Lines on `out`; errors also go to stderr as one line, for people watching.
std::unique_ptr<reporter> make_json_printer(std::FILE* out);

}  // namespace godbg
