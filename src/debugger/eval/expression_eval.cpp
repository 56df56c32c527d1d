// print, whatis, set and breakpoint conditions: Go expressions parsed once, evaluated with Go's
// typing against the DWARF of the program and the registers and memory of one frame.
#include "debugger/eval/expression_eval.hpp"

#include <fmt/format.h>

#include <cstring>

#include "arch_amd64/registers.hpp"
#include "common/error.hpp"
#include "debugger/eval/frame_context.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "dwarf/dwarf_info.hpp"
#include "process/inferior.hpp"

namespace godbg {

namespace {

// The low 64 bits of X0..X15, which DWARF numbers 17..32 (Go keeps float64s there).
std::optional<std::uint64_t> xmm_low(const std::optional<user_fpregs_struct>& fp, int no) {
  if (!fp || no < 17 || no > 32) return std::nullopt;
  std::uint64_t v = 0;
  std::memcpy(&v, &fp->xmm_space[4 * (no - 17)], 8);
  return v;
}

// frames[0..n]: the innermost first. A register the unwinder did not recover for frame n is
// taken from the frame it called, down to the thread's own registers: Go's ABI saves none
// across calls, so this is right when the callees did not change it, which is what Delve
// assumes too (a callee as small as a breakpoint's function rarely does).
frame_registers from_frames(session& s, const std::vector<frame_record>& frames, std::size_t n,
                            std::optional<pid_t> thread) {
  const frame_record& fr = frames[n];
  frame_registers f;
  f.pc = fr.where.pc;
  f.sp = fr.sp;
  f.thread = n == 0 ? thread : std::nullopt;
  f.cfa = fr.cfa;
  std::vector<frame_registers_set> chain;
  for (std::size_t k = 0; k <= n; ++k) chain.push_back(frames[k].regs);
  // The vector registers only when a location names one: a condition at a breakpoint hit
  // seldom does, and reading them is a system call.
  struct fp_cache {
    bool read = false;
    std::optional<user_fpregs_struct> regs;
  };
  auto fp = std::make_shared<fp_cache>();
  session* sp = &s;
  f.reg = [chain = std::move(chain), fp, sp, thread](int no) -> std::optional<std::uint64_t> {
    for (std::size_t k = chain.size(); k-- > 0;)
      if (auto v = chain[k].get_dwarf(no)) return v;
    if (no < 17 || no > 32 || !thread) return std::nullopt;
    if (!fp->read) {
      fp->read = true;
      if (sp->program().has_thread(*thread)) fp->regs = sp->program().fpregs(*thread);
    }
    return xmm_low(fp->regs, no);
  };
  if (!f.cfa && s.has_binary()) f.cfa = frame_cfa(s.bin(), s.bias(), f.pc, fr.regs);
  return f;
}

}  // namespace

frame_registers thread_frame(session& s, pid_t tid) {
  frame_record fr;
  const auto& r = s.program().regs(tid);
  fr.where.pc = r.rip;
  fr.sp = r.rsp;
  fr.regs = registers_of_thread(r);
  return from_frames(s, {fr}, 0, tid);
}

frame_registers frame_in(session& s, const scope& where) {
  int n = where.frame;
  // A few frames past n: when n is an inlined call, the frames up to its physical one tell how
  // deep it is.
  constexpr std::size_t inlined_past = 16;
  auto frames = stack_in(s, where, std::size_t(n) + 1 + inlined_past);
  if (frames.empty()) fail("no stack to evaluate in");
  if (std::size_t(n) >= frames.size())
    fail("no frame {}: the stack has {} frames", n, frames.size());
  const frame_record& fr = frames[std::size_t(n)];
  // Frame 0 of a thread (the goroutine's, when a thread runs it) has every register.
  std::optional<pid_t> tid;
  if (!where.goid) {
    tid = where.tid;
  } else if (auto g = goroutine_in(s, where); g && g->tid) {
    tid = *g->tid;
  }
  bool on_thread = false;
  if (tid && s.program().has_thread(*tid)) {
    const auto& r = s.program().regs(*tid);
    on_thread = r.rip == frames[0].where.pc && r.rsp == frames[0].sp;
  }
  frame_registers f = from_frames(s, frames, std::size_t(n), on_thread ? tid : std::nullopt);
  // A caller's pc is a return address, unless the callee was inlined into it (the same pc).
  f.outer = n > 0 && frames[std::size_t(n) - 1].where.pc != fr.where.pc;
  // Frames n, n+1, ... up to the physical one (not inlined) share pc: n is that many calls deep.
  int depth = 0;
  for (std::size_t k = std::size_t(n); k < frames.size() && frames[k].inlined; ++k) ++depth;
  f.inline_depth = depth;
  f.line = fr.where.line;
  f.function = fr.where.function;
  return f;
}

namespace {

std::string trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Without DWARF a name means nothing: say why, not just that it is undefined.
[[noreturn]] void rethrow_without_dwarf(session& s, const frame_context& fc) {
  try {
    throw;
  } catch (const error& e) {
    if (fc.dwarf()) throw;
    fail(
        "{} ({} has no DWARF (stripped with -s -w?): variables and types are not available; bt, "
        "list and breakpoints still work)",
        e.what(), s.bin().path());
  }
}

}  // namespace

value_record evaluate_in_frame(session& s, const frame_registers& f, const std::string& expr_in,
                               char format) {
  std::string expr = trimmed(expr_in);
  if (expr.empty()) throw usage_error("usage: print EXPR");
  expr_tree t = parse_expression(expr);
  frame_context fc(s, f);
  try {
    eval_value v = fc.eval().evaluate(t);
    print_limits limits;
    limits.int_format = format;
    return fc.record(expr, v, true, limits);
  } catch (const error&) {
    rethrow_without_dwarf(s, fc);
  }
}

go_value evaluate_value(session& s, const frame_registers& f, const std::string& expr_in) {
  std::string expr = trimmed(expr_in);
  if (expr.empty()) throw usage_error("usage: print EXPR");
  expr_tree t = parse_expression(expr);
  frame_context fc(s, f);
  try {
    eval_value v = fc.eval().evaluate(t);
    // An untyped constant (1 << 10, "a" + "b") has no type to walk into: its text is all.
    if (v.f != eval_value::form::value || !v.type)
      fail("{}: not a value of the program (a constant or a type)", expr);
    go_value g;
    g.type = v.type;
    g.address = v.addr;
    if (v.held) {
      g.bytes = v.bytes;
    } else {
      g.bytes.resize(std::size_t(v.type->size));
      if (!v.addr || !fc.eval().memory()(*v.addr, g.bytes))
        fail("{}: cannot read its {} bytes", expr, v.type->size);
    }
    return g;
  } catch (const error&) {
    rethrow_without_dwarf(s, fc);
  }
}

go_value evaluate_value_in_frame(session& s, const frame_registers& f, const std::string& expr) {
  std::string e = trimmed(expr);
  if (e.empty()) throw usage_error("an expression is needed");
  if (e[0] == '$') fail("{} is a register, not memory", e);
  return evaluate_value(s, f, e);
}

value_record describe_value(session& s, const std::string& name, const go_value& v) {
  frame_registers none;
  frame_context fc(s, none);
  return fc.record(name, eval_value::of(v), false);
}

std::string type_in_frame(session& s, const frame_registers& f, const std::string& expr_in) {
  std::string expr = trimmed(expr_in);
  if (expr.empty()) throw usage_error("usage: whatis EXPR");
  expr_tree t = parse_expression(expr);
  frame_context fc(s, f);
  try {
    eval_value v = fc.eval().evaluate_any(t);
    return fc.eval().type_name(v);
  } catch (const error&) {
    rethrow_without_dwarf(s, fc);
  }
}

value_record assign_in_frame(session& s, const frame_registers& f, const std::string& lhs_in,
                             const std::string& rhs_in) {
  std::string lhs = trimmed(lhs_in), rhs = trimmed(rhs_in);
  if (lhs.empty() || rhs.empty()) throw usage_error("usage: set LVALUE = EXPR");
  expr_tree l = parse_expression(lhs);
  expr_tree r = parse_expression(rhs);
  frame_context fc(s, f);
  try {
    eval_value v = fc.eval().assign(l, r);
    return fc.record(lhs, v, true);
  } catch (const error&) {
    rethrow_without_dwarf(s, fc);
  }
}

// --- conditions

std::shared_ptr<const expr_tree> parse_condition(const std::string& text) {
  return std::make_shared<const expr_tree>(parse_expression(trimmed(text)));
}

bool evaluate_condition(session& s, pid_t tid, const expr_tree& cond) {
  frame_context fc(s, thread_frame(s, tid));
  evaluator& ev = fc.eval();
  return ev.truth(ev.evaluate(cond), cond);
}

condition_verdict breakpoint_condition_holds(session& s, pid_t tid, const expr_tree& cond) {
  try {
    return {evaluate_condition(s, tid, cond), std::nullopt};
  } catch (const std::exception& e) {
    return {true, fmt::format("breakpoint condition \"{}\": {}; stopping", cond.source, e.what())};
  }
}

}  // namespace godbg
