// Post-mortem commands: dump (gdb's gcore).
#include <fmt/format.h>

#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void dump(command_context& c, const command_args& a) {
  if (a.words.size() != 1) throw usage_error("usage: dump FILE");
  auto sum = c.s.dump_core(a.words[0]);
  c.out.message(fmt::format("Saved core file {} ({} threads, {} mappings, {:.1f} MB of memory)",
                            a.words[0], sum.threads, sum.mappings, double(sum.bytes) / 1e6));
}

}  // namespace godbg::cmd
