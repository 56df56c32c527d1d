// Commands whose full implementation lands with later issues (source stepping, print,
// startup). Each says plainly what it cannot do yet.
#include "common/error.hpp"
#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {}  // namespace godbg::cmd
