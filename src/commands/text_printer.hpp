#pragma once
// The records as human text: what the CLI prints at its prompt and the DAP server shows in an
// editor's debug console. Both streams are the caller's (a terminal, a memory stream).
#include <cstdio>
#include <memory>

#include "commands/reporter.hpp"

namespace godbg {

// Records on `out`; warnings and errors on `diag`; ANSI colour when `color`.
std::unique_ptr<reporter> make_text_printer(std::FILE* out, std::FILE* diag, bool color);

}  // namespace godbg
