// The stepping entry points, built on step_plan.
#include <algorithm>

#include "arch_amd64/disassembler.hpp"
#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/return_values.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/stepping/function_code.hpp"
#include "debugger/stepping/step_next.hpp"
#include "debugger/stepping/step_plan.hpp"
#include "debugger/stepping/stepping.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

// The logical frames (inlined calls included) of the thread, innermost first.
std::vector<frame_record> frames_of(session& s, pid_t tid) {
  auto frames = thread_stack(s, tid, 256);
  if (frames.empty()) fail("no frame at {:#x}: use stepi/nexti here", s.process().pc(tid));
  return frames;
}

// How many range-over-func bodies one `next` may enter on a line that only loops (each entry
// starts a new step from the body): a bound, not a behaviour.
constexpr int max_restarts = 1000;

}  // namespace

run_result step_line(session& s, bool into) {
  s.process();
  for (int round = 0; round < max_restarts; ++round) {
    pid_t tid = s.current_tid();
    auto frames = frames_of(s, tid);
    step_plan plan(s, tid);
    auto setup = plan_next(plan, frames, 0, into, false);
    std::string from = function_code(s, frames[0].where.pc).name();
    if (setup.at_indirect_call)
      if (auto done = plan.step_into_here(from)) return s.to_result(*done);
    if (plan.empty())
      fail(
          "{}: no other source line here and no caller to return to (it never returns); use "
          "stepi, or a breakpoint",
          from);
    auto r = plan.run(from);
    if (!r.renext) return s.to_result(r.outcome);
    // Into a range-over-func body on the line being stepped: from there, as `next`.
    into = false;
  }
  fail("next: the loop body was entered {} times without reaching another line", max_restarts);
}

run_result run_to_location(session& s, const std::string& spec, bool any_frame) {
  s.process();
  auto sites = s.resolve_location(spec);
  std::vector<std::uint64_t> pcs;
  for (auto a : sites) pcs.push_back(a.value());
  pid_t tid = s.current_tid();
  auto frames = frames_of(s, tid);
  step_plan plan(s, tid);
  plan_until(plan, frames, pcs, any_frame);
  return s.to_result(plan.run(function_code(s, frames[0].where.pc).name()).outcome);
}

run_result step_over_instruction(session& s) {
  auto& proc = s.process();
  pid_t tid = s.current_tid();
  std::uint64_t pc = proc.pc(tid);
  std::uint8_t code[max_instruction_size];
  if (!proc.read(virt_addr(pc), code)) fail("cannot read the instruction at {:#x}", pc);
  static const disassembler dis;
  auto insn = dis.decode_one(code, pc);
  if (!insn || !insn->is_call) return s.step_instruction();
  std::uint64_t sp = proc.regs(tid).rsp;
  virt_addr ret(insn->next_address());
  // The same goroutine (its stack may move while the callee runs) or, outside Go code, the same
  // thread with its stack back where it was: recursion and other threads pass by.
  auto goid = s.runtime().goid_on_thread(tid);
  session* sp_ = &s;
  int h = s.add_internal_stop(ret, [sp_, tid, sp, goid](pid_t t) {
    if (goid) return sp_->runtime().goid_on_thread(t) == goid;
    return t == tid && sp_->process().regs(t).rsp >= sp;
  });
  session::outcome o;
  try {
    o = s.run_until({});
  } catch (...) {
    s.remove_internal_stop(h);
    throw;
  }
  if (s.has_process()) s.remove_internal_stop(h);
  // Only our stop: a step, not a breakpoint.
  if (o.ev.what == inferior_event::kind::breakpoint && o.breakpoints.empty() &&
      o.internal.size() == 1 && o.internal[0] == h)
    o.ev.what = inferior_event::kind::step;
  return s.to_result(o);
}

namespace {

// The results a function declares (Go's ~r0... or their names), from DWARF; none without it.
std::vector<dwarf_variable> declared_results(session& s, std::uint64_t pc) {
  std::vector<dwarf_variable> out;
  const dwarf_info* dw = s.bin().dwarf();
  if (!dw) return out;
  for (const auto& v : dw->locals_at(s.bias().to_file(virt_addr(pc))))
    if (v.is_return && v.type) out.push_back(v);
  return out;
}

// Where the register ABI put them, read from the thread back at the return address.
std::vector<value_record> returned_values(session& s, pid_t tid,
                                          const std::vector<dwarf_variable>& results) {
  std::vector<const go_type*> types;
  for (const auto& v : results) types.push_back(v.type);
  auto where = assign_results(types);
  const auto& regs = s.process().regs(tid);
  auto fp = s.process().fpregs(tid);
  std::vector<value_record> out;
  for (std::size_t i = 0; i < results.size(); ++i) {
    bool floats = where[i] && std::any_of(where[i]->begin(), where[i]->end(),
                                          [](const abi_piece& p) { return p.is_float; });
    if (!where[i] || (floats && !fp)) {
      value_record rec;
      rec.expr = results[i].name;
      rec.type = results[i].type->name;
      rec.text = where[i] ? "<float registers unreadable>" : "<returned on the stack: not shown>";
      out.push_back(std::move(rec));
      continue;
    }
    go_value v;
    v.type = results[i].type;
    v.bytes = result_bytes(*v.type, *where[i], regs, fp);
    out.push_back(describe_value(s, results[i].name, v));
  }
  return out;
}

}  // namespace

finish_result finish_frame(session& s, const scope& where) {
  s.process();
  std::size_t n = std::size_t(where.frame);
  pid_t tid = where.tid;
  if (where.goid) {
    auto g = goroutine_in(s, where);
    if (!g || !g->tid)
      fail("finish: goroutine {} is not running on a thread; select its thread", *where.goid);
    tid = *g->tid;
  }
  if (tid != s.current_tid()) s.select_thread(tid);
  auto frames = thread_stack(s, tid, n + 256);
  if (n >= frames.size()) fail("no frame {}", n);
  step_plan plan(s, tid);
  auto setup = plan_stepout(plan, frames, n);
  if (plan.empty())
    fail("finish: nothing to return to from {}", frames[n].where.function.value_or("??"));
  std::vector<dwarf_variable> results;
  if (setup.return_pc) results = declared_results(s, frames[n].where.pc);
  finish_result out;
  out.stop = s.to_result(plan.run(function_code(s, frames[0].where.pc).name()).outcome);
  // Back at the return address (not stopped elsewhere, not unwound by a panic): the results are
  // where the register ABI put them. The goroutine may have moved to another thread.
  if (!results.empty() && s.has_process()) {
    pid_t now = s.current_tid();
    if (s.process().has_thread(now) && s.process().regs(now).rip == *setup.return_pc)
      out.returned = returned_values(s, now, results);
  }
  return out;
}

}  // namespace godbg
