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

#include <cstdlib>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "dwarf/gopclntab.hpp"

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
  if (found->closure_offset) outside(c, n, "a closure's capture");
  resolved r;
  r.type = found->type;
  r.value = integer_of(c, n, found->type);
  if (found->location.size() != 1)
    outside(c, n, found->location.empty() ? "optimized out at the site" : "in pieces");
  const auto& op = found->location[0];
  if (op.atom >= op_reg0 && op.atom <= op_reg15) {
    r.value.from = tcond_value::where::reg;
    r.value.dwarf_reg = op.atom - op_reg0;
  } else if (op.atom == op_fbreg || op.atom == op_cfa) {
    r.value.from = tcond_value::where::stack;
    r.value.offset = c.cfa_from_sp + (op.atom == op_fbreg ? std::int64_t(op.op1) : 0);
  } else {
    outside(c, n, "a location other than a register or a frame slot");
  }
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

void sync_in_target(session& s) {
  if (!s.has_process()) return;
  auto& proc = s.process();
  auto& st = s.in_target();
  // A new process (launch, attach, exec) has none of the old one's jumps.
  for (auto it = st.installed.begin(); it != st.installed.end();)
    it = proc.in_target(virt_addr(it->first)) ? std::next(it) : st.installed.erase(it);
  std::map<std::uint64_t, std::string> wanted;  // site -> condition
  st.reason.clear();
  for (auto* bp : s.breakpoints().all()) {
    if (bp->kind != breakpoint_kind::breakpoint || !bp->condition_tree) continue;
    for (auto a : bp->sites) {
      auto why = [&](std::string r) { st.reason[a.value()] = std::move(r); };
      if (!st.on) {
        why(st.off_by ? "turned off by " + *st.off_by : "turned off (set in-target off)");
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
      wanted[a.value()] = bp->condition_tree->source;
    }
  }
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
      auto compiled = compile_in_target(s, *bp->condition_tree, virt_addr(a));
      proc.install_in_target(virt_addr(a), compiled);
      st.installed[a] = text;
    } catch (const error& e) {
      st.refused[key] = e.what();
      st.reason[a] = e.what();
    }
  }
}

std::optional<in_target_view> view_in_target(session& s, const user_breakpoint& bp) {
  if (bp.kind != breakpoint_kind::breakpoint || !bp.condition_tree) return std::nullopt;
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
  if (!all && !v.ptrace_reason)
    v.ptrace_reason = !st.on ? (st.off_by ? "turned off by " + *st.off_by
                                          : std::string("turned off (set in-target off)"))
                             : std::string("decided at the next resume");
  return v;
}

}  // namespace godbg
