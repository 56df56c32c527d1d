// Run control: continue, instruction and source stepping, finish, detach, kill, quit.
#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "commands/commands.hpp"
#include "goruntime/go_runtime.hpp"
#include "debugger/session.hpp"

namespace godbg {

// The optional repeat count of stepping commands (1 when absent).
int count_arg(const command_args& a) {
  if (a.words.empty()) return 1;
  return parse_integer<int>(a.words[0], "a count", 1);
}

namespace cmd {

void continue_(session& s, const command_args&) {
  s.resume();
}

void stepi(session& s, const command_args& a) {
  int n = count_arg(a);
  for (int i = 0; i < n && s.has_process(); ++i) s.step_instruction();
}

void nexti(session& s, const command_args& a) {
  int n = count_arg(a);
  for (int i = 0; i < n && s.has_process(); ++i) s.next_instruction();
}

void detach(session& s, const command_args&) {
  s.detach();
}

void kill(session& s, const command_args&) {
  s.kill();
  s.out().exited(exit_record{std::nullopt, std::string("SIGKILL")});
}

void quit(session& s, const command_args&) {
  s.request_quit();
}

}  // namespace cmd

// nexti: a call is run to its return on the same thread and stack; anything else is a stepi.
void session::next_instruction() {
  auto& proc = process();
  std::uint64_t pc = proc.pc(current_tid_);
  std::uint8_t code[max_instruction_size];
  if (!proc.read(virt_addr(pc), code)) fail("cannot read the instruction at {:#x}", pc);
  static const disassembler dis;
  auto insn = dis.decode_one(code, pc);
  if (!insn || !insn->is_call) return step_instruction();
  pid_t tid = current_tid_;
  std::uint64_t sp = proc.regs(tid).rsp;
  virt_addr ret(insn->next_address());
  // The same goroutine (its stack may move while the callee runs) or, outside Go code, the same
  // thread with its stack back where it was: recursion and other threads pass by.
  auto goid = runtime().goid_on_thread(tid);
  int h = add_internal_stop(ret, [this, tid, sp, goid](pid_t t) {
    if (goid) return runtime().goid_on_thread(t) == goid;
    return t == tid && process().regs(t).rsp >= sp;
  });
  inferior_event ev;
  try {
    ev = run_until({});
  } catch (...) {
    remove_internal_stop(h);
    throw;
  }
  if (has_process()) remove_internal_stop(h);
  inferior_event shown = ev;
  if (ev.what == inferior_event::kind::breakpoint && last_internal_hits().size() == 1 &&
      last_internal_hits()[0] == h)
    shown.what = inferior_event::kind::step;
  report_event(shown);
}

}  // namespace godbg
