// Conditional breakpoints evaluated in the target (issue 20): the condition, already parsed by
// the expression parser when it was set, compiled into the trampoline's subset, and the choice
// of which sites get a jump. A site runs in the target only when all of this holds:
//  - one enabled user breakpoint (not a tracepoint) with a condition is its only holder: a
//    second breakpoint or an internal stop there wants every hit, so the site is an int3;
//  - the instruction there is one instruction of 5 bytes or more that relocates: no pc, return
//    address or async-preempted pc can then be inside the 5 bytes of the jump;
//  - the condition reads only integer or bool locals and arguments in a register or a frame
//    slot, globals at fixed addresses and constants, compared, with &&, || and !: nothing that
//    could fault (no pointer followed), so a trampoline never crashes the program.
// Everything else stays on the ptrace path, with the reason `breakpoints` shows. A true
// condition traps and is then evaluated again at the ptrace stop, by the one authoritative
// evaluator.
#include "debugger/breakpoints/in_target.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <set>

#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "dwarf/gopclntab.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

constexpr std::uint8_t op_reg0 = 0x50, op_reg15 = 0x5f, op_fbreg = 0x91, op_cfa = 0x9c;

struct compile_ctx {
  session& s;
  const dwarf_info& dw;
  const expr_tree& tree;
  file_addr pc;
  std::string package;  // of the function at the site, for unqualified globals
  std::int64_t cfa_from_sp = 0;
};

[[noreturn]] void outside(const compile_ctx& c, const expr_node& n, const char* why) {
  fail("{} ({}) is outside what runs in the target", c.tree.text_of(n), why);
}

tcond_value integer_of(const compile_ctx& c, const expr_node& n, const go_type* t) {
  if (!t) outside(c, n, "no type");
  tcond_value v;
  if (t->kind == go_kind::boolean)
    v.is_signed = false;
  else if (t->kind == go_kind::int_)
    v.is_signed = true;
  else if (t->kind == go_kind::uint_)
    v.is_signed = false;
  else
    outside(c, n, "not an integer or a bool");
  if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8) outside(c, n, "odd size");
  v.size = std::uint8_t(t->size);
  return v;
}

// Where a local or argument lives at the site, as one integer or bool of 1-8 bytes: in a
// register or a frame slot. `refuse` throws, saying why not.
template <typename Refuse>
tcond_value variable_value(const compile_ctx& c, const dwarf_variable& v, Refuse&& refuse) {
  if (v.closure_offset) refuse("a closure's capture");
  const go_type* t = v.type;
  if (!t) refuse("no type");
  tcond_value out;
  if (t->kind == go_kind::boolean || t->kind == go_kind::uint_)
    out.is_signed = false;
  else if (t->kind == go_kind::int_)
    out.is_signed = true;
  else
    refuse("not an integer or a bool");
  if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8) refuse("odd size");
  out.size = std::uint8_t(t->size);
  if (v.location.size() != 1)
    refuse(v.location.empty() ? "optimized out at the site" : "in pieces");
  const auto& op = v.location[0];
  if (op.atom >= op_reg0 && op.atom <= op_reg15) {
    out.from = tcond_value::where::reg;
    out.dwarf_reg = op.atom - op_reg0;
  } else if (op.atom == op_fbreg || op.atom == op_cfa) {
    out.from = tcond_value::where::stack;
    out.offset = c.cfa_from_sp + (op.atom == op_fbreg ? std::int64_t(op.op1) : 0);
  } else {
    refuse("a location other than a register or a frame slot");
  }
  return out;
}

struct resolved {
  tcond_value value;
  const go_type* type = nullptr;
  std::optional<std::int64_t> constant;  // a package constant
};

std::optional<resolved> global_named(const compile_ctx& c, const expr_node& n,
                                     const std::string& name) {
  auto g = c.dw.global_variable(name);
  if (!g) return std::nullopt;
  resolved r;
  r.type = g->type;
  r.value = integer_of(c, n, g->type);
  if (g->const_value) {
    r.constant = *g->const_value;
    return r;
  }
  auto a = g->static_address();
  if (!a) outside(c, n, "a global not at a fixed address");
  r.value.from = tcond_value::where::absolute;
  r.value.address = c.s.bias().to_virt(*a).value();
  return r;
}

resolved name_of(const compile_ctx& c, const expr_node& n) {
  if (n.kind == node_kind::paren && n.kid(0)) return name_of(c, *n.kid(0));
  if (n.kind == node_kind::selector) {
    const expr_node* pkg = n.kid(0);
    if (!pkg || pkg->kind != node_kind::ident) outside(c, n, "a field or a pointer followed");
    for (auto& v : c.dw.locals_at(c.pc))
      if (v.name == pkg->text || v.name == "&" + pkg->text) outside(c, n, "a field of a local");
    if (auto g = global_named(c, n, pkg->text + "." + n.text)) return *g;
    outside(c, n, "no such global");
  }
  if (n.kind != node_kind::ident) outside(c, n, "not a variable or a constant");
  const dwarf_variable* found = nullptr;
  for (auto& v : c.dw.locals_at(c.pc)) {
    if (v.name == "&" + n.text) outside(c, n, "escaped to the heap");
    if (v.name != n.text) continue;
    if (found) outside(c, n, "a shadowed name");
    found = &v;
  }
  if (!found) {
    if (auto g = global_named(c, n, n.text)) return *g;
    if (!c.package.empty())
      if (auto g = global_named(c, n, c.package + "." + n.text)) return *g;
    outside(c, n, "not found at the site");
  }
  resolved r;
  r.type = found->type;
  r.value = variable_value(c, *found, [&](const char* why) { outside(c, n, why); });
  return r;
}

std::optional<std::int64_t> literal_of(const compile_ctx& c, const expr_node& n) {
  if (n.kind == node_kind::paren && n.kid(0)) return literal_of(c, *n.kid(0));
  if (n.kind == node_kind::unary && n.op == tok::sub && n.kid(0)) {
    auto v = literal_of(c, *n.kid(0));
    if (!v || *v == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
    return -*v;
  }
  if (n.kind == node_kind::basic_lit && n.op == tok::int_lit) {
    std::string digits;
    for (char ch : n.text)
      if (ch != '_') digits += ch;
    if (digits.size() > 1 && digits[0] == '0' && std::strchr("bBoO", digits[1]))
      outside(c, n, "a literal in base 2 or 8");
    errno = 0;
    char* end = nullptr;
    unsigned long long u = std::strtoull(digits.c_str(), &end, 0);
    if (errno || *end || u > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
      outside(c, n, "a literal too large");
    return std::int64_t(u);
  }
  if (n.kind == node_kind::ident && (n.text == "true" || n.text == "false")) {
    for (auto& v : c.dw.locals_at(c.pc))
      if (v.name == n.text) return std::nullopt;  // a local named true: a variable then
    return n.text == "true" ? 1 : 0;
  }
  return std::nullopt;
}

bool fits(std::int64_t k, const tcond_value& v) {
  int bits = v.size * 8;
  if (v.is_signed) {
    if (bits == 64) return true;
    std::int64_t lo = -(std::int64_t(1) << (bits - 1)), hi = (std::int64_t(1) << (bits - 1)) - 1;
    return k >= lo && k <= hi;
  }
  if (k < 0) return false;
  return bits == 64 || std::uint64_t(k) < (std::uint64_t(1) << bits);
}

tcond_cmp cmp_of(tok op) {
  switch (op) {
    case tok::eql:
      return tcond_cmp::eq;
    case tok::neq:
      return tcond_cmp::ne;
    case tok::lss:
      return tcond_cmp::lt;
    case tok::leq:
      return tcond_cmp::le;
    case tok::gtr:
      return tcond_cmp::gt;
    default:
      return tcond_cmp::ge;
  }
}

tcond_cmp flipped(tcond_cmp op) {  // k OP x  ==  x flipped(OP) k
  switch (op) {
    case tcond_cmp::lt:
      return tcond_cmp::gt;
    case tcond_cmp::le:
      return tcond_cmp::ge;
    case tcond_cmp::gt:
      return tcond_cmp::lt;
    case tcond_cmp::ge:
      return tcond_cmp::le;
    default:
      return op;
  }
}

bool compares(tok op) {
  return op == tok::eql || op == tok::neq || op == tok::lss || op == tok::leq || op == tok::gtr ||
         op == tok::geq;
}

tcond compile(const compile_ctx& c, const expr_node& n) {
  tcond out;
  if (n.kind == node_kind::paren && n.kid(0)) return compile(c, *n.kid(0));
  if (n.kind == node_kind::unary && n.op == tok::not_ && n.kid(0)) {
    out.what = tcond::kind::negate;
    out.kids.push_back(compile(c, *n.kid(0)));
    return out;
  }
  if (n.kind == node_kind::binary && (n.op == tok::land || n.op == tok::lor)) {
    out.what = n.op == tok::land ? tcond::kind::all : tcond::kind::any;
    out.kids.push_back(compile(c, *n.kid(0)));
    out.kids.push_back(compile(c, *n.kid(1)));
    return out;
  }
  if (auto k = literal_of(c, n)) {
    if (n.kind != node_kind::ident) outside(c, n, "an integer is not a condition");
    out.what = tcond::kind::constant;
    out.constant = *k != 0;
    return out;
  }
  if (n.kind == node_kind::binary && compares(n.op) && n.kid(0) && n.kid(1)) {
    auto op = cmp_of(n.op);
    const expr_node* var = n.kid(0);
    auto k = literal_of(c, *n.kid(1));
    if (!k) {
      k = literal_of(c, *n.kid(0));
      var = n.kid(1);
      op = flipped(op);
    }
    if (!k) outside(c, n, "a comparison without a constant");
    auto r = name_of(c, *var);
    bool is_bool = r.type && r.type->kind == go_kind::boolean;
    const expr_node* lit = var == n.kid(0) ? n.kid(1) : n.kid(0);
    bool lit_bool = lit->kind == node_kind::ident;
    if (is_bool != lit_bool) outside(c, n, "mismatched types");
    if (is_bool && op != tcond_cmp::eq && op != tcond_cmp::ne)
      outside(c, n, "bools are not ordered");
    if (!fits(*k, r.value)) outside(c, n, "a constant the type cannot hold");
    if (r.constant) {  // two constants: decided now
      std::int64_t a = *r.constant, b = *k;
      bool v = op == tcond_cmp::eq   ? a == b
               : op == tcond_cmp::ne ? a != b
               : op == tcond_cmp::lt ? a < b
               : op == tcond_cmp::le ? a <= b
               : op == tcond_cmp::gt ? a > b
                                     : a >= b;
      out.what = tcond::kind::constant;
      out.constant = v;
      return out;
    }
    out.what = tcond::kind::compare;
    out.value = r.value;
    out.op = op;
    out.k = *k;
    return out;
  }
  if (n.kind == node_kind::ident || n.kind == node_kind::selector) {
    auto r = name_of(c, n);
    if (!r.type || r.type->kind != go_kind::boolean) outside(c, n, "not a bool");
    if (r.constant) {
      out.what = tcond::kind::constant;
      out.constant = *r.constant != 0;
      return out;
    }
    out.what = tcond::kind::truth;
    out.value = r.value;
    return out;
  }
  outside(c, n, "an operation other than a comparison, &&, || or !");
}

std::string package_of(const std::string& function) {
  std::size_t slash = function.rfind('/');
  std::size_t dot = function.find('.', slash == std::string::npos ? 0 : slash);
  return dot == std::string::npos ? std::string() : function.substr(0, dot);
}

}  // namespace

in_target_state initial_in_target_state() {
  in_target_state st;
  if (const char* e = std::getenv("GODBG_TRACE_RING")) {
    char* end = nullptr;
    unsigned long n = std::strtoul(e, &end, 10);
    if (*e && !*end && n && n <= inferior::trace_ring_max && (n & (n - 1)) == 0)
      st.ring_records = std::uint32_t(n);
  }
  if (const char* e = std::getenv("GODBG_IN_TARGET")) {
    std::string v = e;
    if (v == "0" || v == "off" || v == "no" || v == "false") {
      st.on = false;
      st.off_by = "GODBG_IN_TARGET=" + v;
    }
  }
  return st;
}

tcond compile_in_target(session& s, const expr_tree& cond, virt_addr site) {
  const dwarf_info* dw = s.bin().dwarf();
  if (!dw) fail("no DWARF");
  const gopclntab* tab = s.bin().pclntab();
  if (!tab || !cond.root) fail("no .gopclntab");
  file_addr pc = s.bias().to_file(site);
  auto fn = s.bin().function_at(pc);
  if (!fn) fail("not in a known function");
  if (auto inner = s.bin().innermost_function_at(pc); inner && *inner != fn->name)
    fail("inlined code (the variables of {})", *inner);
  auto delta = tab->sp_delta_at(pc);
  if (!delta || *delta < 0) fail("no SP delta at the site");
  compile_ctx c{s, *dw, cond, pc, package_of(fn->name), *delta + 8};
  return compile(c, *cond.root);
}

namespace {

// What a tracepoint's trampoline records at `site`, or why it cannot run in the target.
struct trace_plan {
  std::optional<tcond> cond;
  std::vector<tcond_value> args;
  trace_g_layout g;
  in_target_trace info;
};

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

trace_plan plan_trace(session& s, const user_breakpoint& bp, virt_addr site) {
  if (bp.hit_cond || bp.ignore_count)
    fail("a hit condition or an ignore count (counted at each stop)");
  const dwarf_info* dw = s.bin().dwarf();
  if (!dw) fail("no DWARF");
  const gopclntab* tab = s.bin().pclntab();
  if (!tab) fail("no .gopclntab");
  file_addr pc = s.bias().to_file(site);
  auto fn = s.bin().function_at(pc);
  if (!fn) fail("not in a known function");
  if (auto inner = s.bin().innermost_function_at(pc); inner && *inner != fn->name)
    fail("inlined code (the variables of {})", *inner);
  // r14 holds g only in code the Go compiler wrote (ABIInternal): not in assembly or C.
  auto where = s.describe(site.value());
  if (!where.file || !ends_with(*where.file, ".go")) fail("not Go code (r14 is not g there)");
  if (!bp.calls_only)
    if (auto entry = s.function_breakpoint_address(*fn); entry && *entry == site.value())
      fail("its return line needs a stop at the return address (trace -c: calls only)");
  auto offs = s.runtime().thread_offsets();
  if (!offs) fail("the runtime's g layout is not known");
  auto delta = tab->sp_delta_at(pc);
  if (!delta || *delta < 0) fail("no SP delta at the site");
  trace_plan plan;
  plan.g = {std::int32_t(offs->goid), std::int32_t(offs->m), std::int32_t(offs->procid)};
  if (bp.condition_tree) plan.cond = compile_in_target(s, *bp.condition_tree, site);
  static const expr_tree none;
  compile_ctx c{
      s, *dw, bp.condition_tree ? *bp.condition_tree : none, pc, package_of(fn->name), *delta + 8};
  // The arguments the ptrace path shows, in its order (the compiler's own, like a generic
  // function's .dict, left out as there).
  for (const auto& v : dw->locals_at(pc)) {
    if (!v.is_parameter || v.is_return || v.name.starts_with('.')) continue;
    if (plan.args.size() == trace_max_args) fail("more than {} arguments", trace_max_args);
    plan.args.push_back(variable_value(c, v, [&](const char* why) -> void {
      fail("argument {} ({}) is outside what a record holds", v.name, why);
    }));
    plan.info.args.emplace_back(v.name, v.type);
  }
  plan.info.breakpoint = bp.id;
  plan.info.function =
      s.describe_site(bp, site).function.value_or(fmt::format("{:#x}", site.value()));
  return plan;
}

std::string want_key(const user_breakpoint& bp) {
  std::string cond = bp.condition_tree ? bp.condition_tree->source : "";
  if (bp.kind != breakpoint_kind::tracepoint) return cond;
  return fmt::format("trace {}{} if {}", bp.id, bp.calls_only ? " -c" : "", cond);
}

std::string off_reason(const in_target_state& st) {
  return st.off_by ? "turned off by " + *st.off_by : "turned off (set in-target off)";
}

// Records are drained when the program calls runtime.exit (a stop of a few microseconds, once):
// after that its memory is gone.
void sync_exit_stop(session& s, bool wanted) {
  auto& st = s.in_target();
  if (wanted == st.exit_stop.has_value()) return;
  if (!wanted) {
    s.remove_internal_stop(*st.exit_stop);
    st.exit_stop.reset();
    return;
  }
  auto f = go_function(s, "runtime.exit");
  if (!f) return;
  st.exit_stop = s.add_internal_stop(s.bias().to_virt(f->entry), [&s](pid_t) {
    drain_in_target(s);
    return false;
  });
}

}  // namespace

void sync_in_target(session& s) {
  if (!s.has_process()) return;
  auto& proc = s.process();
  auto& st = s.in_target();
  // A new process (launch, attach, exec) has none of the old one's jumps.
  for (auto it = st.installed.begin(); it != st.installed.end();)
    it = proc.in_target(virt_addr(it->first)) ? std::next(it) : st.installed.erase(it);
  if (!proc.has_trace_rings()) st.traces.clear();
  std::map<std::uint64_t, std::string> wanted;  // site -> what its trampoline holds
  st.reason.clear();
  for (auto* bp : s.breakpoints().all()) {
    bool trace = bp->kind == breakpoint_kind::tracepoint;
    if (!trace && (bp->kind != breakpoint_kind::breakpoint || !bp->condition_tree)) continue;
    for (auto a : bp->sites) {
      auto why = [&](std::string r) { st.reason[a.value()] = std::move(r); };
      if (!st.on) {
        why(off_reason(st));
        continue;
      }
      if (!bp->enabled) {
        why("disabled");
        continue;
      }
      if (s.site_holders(a) != 1 || s.breakpoints().at(a).size() != 1) {
        why("the site is shared with another breakpoint or a debugger stop");
        continue;
      }
      wanted[a.value()] = want_key(*bp);
    }
  }
  // What the rings hold goes out before a trampoline is taken away.
  if (proc.has_trace_rings()) drain_in_target(s);
  for (auto it = st.installed.begin(); it != st.installed.end();) {
    auto w = wanted.find(it->first);
    if (w != wanted.end() && w->second == it->second) {
      ++it;
      continue;
    }
    proc.remove_in_target(virt_addr(it->first));
    it = st.installed.erase(it);
  }
  for (auto& [a, text] : wanted) {
    if (st.installed.count(a)) continue;
    auto key = std::make_pair(a, text);
    if (auto r = st.refused.find(key); r != st.refused.end()) {
      st.reason[a] = r->second;
      continue;
    }
    const user_breakpoint* bp = s.breakpoints().at(virt_addr(a)).front();
    try {
      if (bp->kind == breakpoint_kind::tracepoint) {
        auto plan = plan_trace(s, *bp, virt_addr(a));
        proc.install_trace_in_target(virt_addr(a), plan.cond ? &*plan.cond : nullptr, plan.args,
                                     plan.g, st.ring_records);
        st.traces[a] = std::move(plan.info);
      } else {
        auto compiled = compile_in_target(s, *bp->condition_tree, virt_addr(a));
        proc.install_in_target(virt_addr(a), compiled);
      }
      st.installed[a] = text;
    } catch (const error& e) {
      st.refused[key] = e.what();
      st.reason[a] = e.what();
    }
  }
  bool tracing = false;
  for (auto& [a, text] : st.installed)
    if (st.traces.count(a)) tracing = true;
  sync_exit_stop(s, tracing);
}

namespace {

// An argument word as the ptrace path shows it (describe_value, the one printer), remembered:
// a hot tracepoint sees the same few values again and again.
value_record record_value(session& s, const std::string& name, const go_type* type,
                          std::uint64_t word) {
  // The plain integers and bool, as describe_value shows them (the number, Go's true/false),
  // without building an evaluator per value: a drain may hold thousands.
  static const std::set<std::string, std::less<>> plain = {
      "int", "int8", "int16", "int32", "int64", "uint", "uint16", "uint32", "uint64", "bool"};
  if (plain.count(type->name)) {
    value_record out;
    out.expr = name;
    out.type = type->name;
    int bits = int(type->size) * 8;
    std::uint64_t u = bits == 64 ? word : word & ((std::uint64_t(1) << bits) - 1);
    if (type->kind == go_kind::boolean) {
      out.scalar = u != 0;
      out.text = u ? "true" : "false";
    } else if (type->kind == go_kind::int_) {
      std::int64_t v = bits == 64 ? std::int64_t(u) : std::int64_t(u << (64 - bits)) >> (64 - bits);
      out.scalar = v;
      out.text = std::to_string(v);
    } else {
      out.scalar = u;
      out.text = std::to_string(u);
    }
    return out;
  }
  auto& cache = s.in_target().shown;
  auto key = std::make_tuple(type, name, word);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  go_value v;
  v.type = type;
  v.bytes.resize(type->size);
  std::memcpy(v.bytes.data(), &word, type->size);
  value_record out;
  try {
    out = describe_value(s, name, v);
  } catch (const error& e) {
    out.expr = name;
    out.type = type->name;
    out.text = std::string("<") + e.what() + ">";
  }
  if (cache.size() >= 65536) cache.clear();
  cache.emplace(key, out);
  return out;
}

}  // namespace

void warn_of_drops(session& s, std::vector<std::string>& warnings) {
  for (int id : s.breakpoints().ids()) {
    auto* bp = s.breakpoints().find(id);
    if (bp->dropped == bp->dropped_said) continue;
    warnings.push_back(fmt::format(
        "tracepoint {}: {} hits not recorded: its ring in the target was full (godbg drains it "
        "every few ms; GODBG_TRACE_RING sets its size, up to {} records)",
        id, bp->dropped - bp->dropped_said, inferior::trace_ring_max));
    bp->dropped_said = bp->dropped;
  }
}

bool tracing_in_target(session& s) {
  return s.has_process() && s.process().alive() && s.process().has_trace_rings();
}

void drain_in_target(session& s) {
  if (!tracing_in_target(s)) return;
  auto& st = s.in_target();
  struct line {
    std::uint64_t tsc;
    trace_record r;
  };
  std::vector<line> lines;
  int sites = 0;
  for (auto& news : s.process().drain_traces()) {
    auto it = st.traces.find(news.site);
    if (it == st.traces.end()) continue;
    if (!news.hits.empty()) ++sites;
    auto& info = it->second;
    user_breakpoint* bp = s.breakpoints().find(info.breakpoint);
    if (!bp) continue;  // deleted: what a thread inside wrote after is not said
    bp->hits += int(news.hits.size() + news.dropped);
    bp->dropped += news.dropped;
    if (!s.tracer()) continue;
    lines.reserve(lines.size() + news.hits.size());
    for (auto& h : news.hits) {
      trace_record r;
      r.breakpoint = info.breakpoint;
      r.function = info.function;
      r.pc = news.site;
      r.tid = int(h.tid);
      if (h.goid >= 0) r.goid = h.goid;
      r.values.reserve(info.args.size());
      for (std::size_t i = 0; i < info.args.size(); ++i)
        r.values.push_back(record_value(s, info.args[i].first, info.args[i].second, h.args[i]));
      lines.push_back({h.tsc, std::move(r)});
    }
  }
  // In hit order across sites: the time stamp counter is the same clock on every CPU. One
  // site's records are in that order already (its ring's index order); only the order of the
  // lines is sorted, never the records themselves.
  std::vector<std::uint32_t> order(lines.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  if (sites > 1)
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return lines[a].tsc < lines[b].tsc; });
  for (auto i : order) s.tracer()(lines[i].r);
  if (!lines.empty()) s.flush_traces();
}

std::optional<in_target_view> view_in_target(session& s, const user_breakpoint& bp) {
  bool trace = bp.kind == breakpoint_kind::tracepoint;
  if (!trace && (bp.kind != breakpoint_kind::breakpoint || !bp.condition_tree)) return std::nullopt;
  in_target_view v;
  auto& st = s.in_target();
  bool all = !bp.sites.empty() && s.has_process();
  for (auto a : bp.sites) {
    if (s.has_process()) v.evaluations += s.process().evaluations(a);
    if (!s.has_process() || !s.process().in_target(a)) {
      all = false;
      if (!v.ptrace_reason) {
        auto r = st.reason.find(a.value());
        if (r != st.reason.end()) v.ptrace_reason = r->second;
      }
    }
  }
  v.in_target = all;
  if (trace) v.dropped = bp.dropped;
  if (!all && !v.ptrace_reason)
    v.ptrace_reason = !st.on ? off_reason(st) : std::string("decided at the next resume");
  return v;
}

}  // namespace godbg
