// `print` and breakpoint conditions: Go expressions evaluated against the DWARF of the program
// and the registers and memory of one frame.
#include "debugger/eval/expression_eval.hpp"

#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cstring>

#include "arch_amd64/registers.hpp"
#include "common/error.hpp"
#include "debugger/stack/frame_rule.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_expr.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_value_format.hpp"
#include "dwarf/dwarf_variables.hpp"

namespace godbg {

namespace {

memory_reader process_reader(session& s) {
  return [&s](std::uint64_t a, std::span<std::uint8_t> out) {
    return s.process().read(virt_addr(a), out);
  };
}

const dwarf_info& dwarf_or_fail(session& s) {
  auto* dw = s.bin().dwarf();
  if (!dw)
    fail(
        "{} has no DWARF (stripped with -s -w?): variables and types are not available; "
        "bt, list and breakpoints still work",
        s.bin().path());
  return *dw;
}

// The package a function belongs to: "main" of "main.checkpoint", "net/http" of
// "net/http.(*Server).Serve".
std::string package_of_function(const std::string& fn) {
  auto slash = fn.rfind('/');
  auto dot = fn.find('.', slash == std::string::npos ? 0 : slash);
  return dot == std::string::npos ? std::string() : fn.substr(0, dot);
}

struct frame_env {
  session& s;
  const frame_registers& f;
  const dwarf_info& dw;
  location_context ctx;
  const std::vector<dwarf_variable>* locals_ = nullptr;
  std::string package;

  frame_env(session& sess, const frame_registers& fr) : s(sess), f(fr), dw(dwarf_or_fail(sess)) {
    ctx.read_register = f.reg;
    ctx.read_memory = process_reader(s);
    ctx.cfa = f.cfa;
    ctx.load_bias = s.bias().value();
    file_addr fa = s.bias().to_file(virt_addr(f.pc));
    locals_ = &dw.locals_at(fa);
    if (auto fn = s.bin().function_at(fa)) package = package_of_function(fn->name);
  }

  std::optional<go_value> lookup(std::string_view name) {
    if (name.find('.') == std::string_view::npos) {
      // Innermost scope wins: locals_at lists outer scopes first, so look from the back, but
      // keep a variable with a location over a shadowed one without.
      const dwarf_variable* best = nullptr;
      const auto& locals = *locals_;
      for (auto it = locals.rbegin(); it != locals.rend(); ++it)
        if (it->name == name) {
          if (!best || (best->location.empty() && !it->location.empty())) best = &*it;
          if (!best->location.empty()) break;
        }
      if (best) return variable_value(*best, ctx);
    }
    if (auto g = dw.global_variable(name)) return global_value(*g);
    if (name.find('.') == std::string_view::npos && !package.empty())
      if (auto g = dw.global_variable(package + "." + std::string(name))) return global_value(*g);
    return std::nullopt;
  }

  go_value global_value(const dwarf_variable& g) { return variable_value(g, ctx); }
};

using scalar_t = std::variant<std::int64_t, std::uint64_t, double, bool, std::string>;

// The scalar a value is, for JSON and comparisons; nullopt for composite values.
std::optional<scalar_t> scalar_of(const go_value& v, const memory_reader& mem,
                                  std::size_t max_string = 1 << 20) {
  const go_type& t = *v.type;
  std::size_t sz = std::size_t(std::min<std::uint64_t>(t.size, 8));
  switch (t.kind) {
    case go_kind::boolean:
      return scalar_t(load_le(v.bytes, 0, 1) != 0);
    case go_kind::int_:
      return scalar_t(load_le_signed(v.bytes, 0, sz));
    case go_kind::uint_:
      return scalar_t(load_le(v.bytes, 0, sz));
    case go_kind::float_:
      return scalar_t(load_le_float(v.bytes, 0, std::size_t(t.size)));
    case go_kind::pointer:
    case go_kind::chan:
    case go_kind::func:
    case go_kind::map:
      return scalar_t(load_le(v.bytes, 0, 8));
    case go_kind::string: {
      if (t.name == "string literal") return scalar_t(std::string(v.bytes.begin(), v.bytes.end()));
      std::uint64_t len = load_le(v.bytes, 8, 8);
      if (len > max_string) return std::nullopt;
      auto data = read_bytes(mem, load_le(v.bytes, 0, 8), std::size_t(len));
      return scalar_t(std::string(data.begin(), data.end()));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

namespace {

frame_registers from_frame(session& s, const frame_record& fr, std::optional<pid_t> thread) {
  frame_registers f;
  f.pc = fr.where.pc;
  f.sp = fr.sp;
  f.thread = thread;
  f.cfa = fr.cfa;
  auto regs = fr.regs;
  f.reg = [regs](int no) { return regs.get_dwarf(no); };
  if (!f.cfa && s.has_binary()) f.cfa = frame_cfa(s.bin(), s.bias(), f.pc, regs);
  return f;
}

}  // namespace

frame_registers thread_frame(session& s, pid_t tid) {
  frame_record fr;
  const auto& r = s.process().regs(tid);
  fr.where.pc = r.rip;
  fr.sp = r.rsp;
  fr.regs = registers_of_thread(r);
  return from_frame(s, fr, tid);
}

frame_registers frame_in(session& s, const scope& where) {
  int n = where.frame;
  auto frames = stack_in(s, where, std::size_t(n) + 1);
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
  bool innermost = false;
  if (tid && s.process().has_thread(*tid)) {
    const auto& r = s.process().regs(*tid);
    innermost = r.rip == fr.where.pc && r.rsp == fr.sp;
  }
  return from_frame(s, fr, innermost ? tid : std::nullopt);
}

value_record evaluate_in_frame(session& s, const frame_registers& f, const std::string& expr_in) {
  std::string expr = expr_in;
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.back()))) expr.pop_back();
  while (!expr.empty() && std::isspace(static_cast<unsigned char>(expr.front()))) expr.erase(0, 1);
  if (expr.empty()) throw usage_error("usage: print EXPR");
  value_record rec;
  rec.expr = expr;
  if (expr[0] == '$') {
    auto* info = register_by_name(expr.substr(1));
    if (!info) fail("{}: no such register", expr);
    std::optional<std::uint64_t> v;
    if (info->dwarf >= 0) v = f.reg ? f.reg(info->dwarf) : std::nullopt;
    // A thread's innermost frame knows every register, flags and segment bases too.
    if (!v && f.thread) v = read_register(s.process().regs(*f.thread), *info);
    if (!v) fail("{} is not known in this frame", expr);
    rec.type = info->kind == reg_kind::instruction || info->name == "rsp" || info->name == "rbp"
                   ? "uintptr"
                   : "uint64";
    rec.text = info->kind == reg_kind::flags ? fmt::format("{:#x} {}", *v, format_flags(*v))
                                             : fmt::format("{:#x}", *v);
    rec.scalar = *v;
    return rec;
  }
  if (!s.has_binary()) fail("no program loaded");
  frame_env env(s, f);
  expr_env e;
  e.lookup = [&env](std::string_view name) { return env.lookup(name); };
  e.read_memory = process_reader(s);
  const dwarf_info* dw = &env.dw;
  e.type_by_name = [dw](std::string_view n) { return dw->type_by_name(n); };
  go_value v = evaluate_expression(expr, e);
  if (!v.type) fail("{}: no type", expr);
  return describe_value(s, expr, v);
}

value_record describe_value(session& s, const std::string& name, const go_value& v) {
  value_record rec;
  rec.expr = name;
  rec.type = v.type->name;
  auto mem = process_reader(s);
  format_options opt;
  // DWARF places a type's runtime descriptor relative to runtime.types (the linker's first
  // type, moduledata.types).
  const dwarf_info* dw = s.bin().dwarf();
  if (auto* types = s.bin().symbols().by_name("runtime.types"); types && dw)
    opt.dynamic_type = [&s, dw, base = types->addr.value()](std::uint64_t descriptor) {
      std::uint64_t at = s.bias().to_file(virt_addr(descriptor)).value();
      return at >= base ? dw->type_by_descriptor(at - base) : nullptr;
    };
  rec.text = format_value(*v.type, v.bytes, mem, opt);
  try {
    bool composite = v.type->kind == go_kind::map || v.type->kind == go_kind::chan ||
                     v.type->kind == go_kind::func;
    if (auto sc = composite ? std::nullopt : scalar_of(v, mem, opt.max_string)) rec.scalar = *sc;
  } catch (const error&) {
  }
  return rec;
}

// --- conditions

namespace {

struct cond_parser {
  session& s;
  frame_registers f;
  std::string text;
  std::size_t at = 0;
  std::optional<frame_env> env;
  expr_env e;

  void skip_ws() {
    while (at < text.size() && std::isspace(static_cast<unsigned char>(text[at]))) ++at;
  }
  bool eat(std::string_view op) {
    skip_ws();
    if (text.compare(at, op.size(), op) != 0) return false;
    at += op.size();
    return true;
  }

  bool or_expr() {
    bool v = and_expr();
    while (eat("||")) {
      bool r = and_expr();  // every operand is evaluated, so errors are never hidden
      v = v || r;
    }
    return v;
  }
  bool and_expr() {
    bool v = not_expr();
    while (eat("&&")) {
      bool r = not_expr();
      v = v && r;
    }
    return v;
  }
  bool not_expr() {
    skip_ws();
    if (at < text.size() && text[at] == '!' && (at + 1 >= text.size() || text[at + 1] != '=')) {
      ++at;
      return !not_expr();
    }
    // A parenthesized condition, unless the parentheses belong to an operand like (*p).X.
    if (at < text.size() && text[at] == '(') {
      std::size_t close = matching(at);
      if (close != std::string::npos && has_top_level_operator(at + 1, close)) {
        std::size_t after = close + 1;
        while (after < text.size() && std::isspace(static_cast<unsigned char>(text[after])))
          ++after;
        if (after >= text.size() || text.compare(after, 2, "&&") == 0 ||
            text.compare(after, 2, "||") == 0 || text[after] == ')') {
          ++at;
          bool v = or_expr();
          skip_ws();
          if (at >= text.size() || text[at] != ')') fail("condition: expected ')' at {}", at);
          ++at;
          return v;
        }
      }
    }
    return comparison();
  }

  std::size_t matching(std::size_t open) const {
    int depth = 0;
    for (std::size_t i = open; i < text.size(); ++i) {
      char c = text[i];
      if (c == '"') {
        i = skip_string(i);
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']')
        if (--depth == 0) return i;
    }
    return std::string::npos;
  }
  std::size_t skip_string(std::size_t i) const {
    for (++i; i < text.size() && text[i] != '"'; ++i)
      if (text[i] == '\\') ++i;
    return i;
  }
  // Length of the operator at i ("==", "<", "&&"...), 0 if none.
  std::size_t operator_at(std::size_t i) const {
    static const char* ops[] = {"==", "!=", "<=", ">=", "&&", "||", "<", ">"};
    for (const char* op : ops)
      if (text.compare(i, std::strlen(op), op) == 0) return std::strlen(op);
    return 0;
  }
  bool has_top_level_operator(std::size_t from, std::size_t to) const {
    int depth = 0;
    for (std::size_t i = from; i < to; ++i) {
      char c = text[i];
      if (c == '"') {
        i = skip_string(i);
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']') --depth;
      if (depth == 0 && operator_at(i)) return true;
      if (depth == 0 && c == '!' && (i + 1 >= to || text[i + 1] != '=')) return true;
    }
    return false;
  }
  // The operand text from `at` up to the next top-level operator or unmatched ')'.
  std::string operand_text() {
    skip_ws();
    std::size_t start = at;
    int depth = 0;
    while (at < text.size()) {
      char c = text[at];
      if (c == '"') {
        at = skip_string(at) + 1;
        continue;
      }
      if (c == '(' || c == '[') ++depth;
      if (c == ')' || c == ']') {
        if (depth == 0) break;
        --depth;
      }
      if (depth == 0 && operator_at(at)) break;
      ++at;
    }
    std::string op = text.substr(start, at - start);
    while (!op.empty() && std::isspace(static_cast<unsigned char>(op.back()))) op.pop_back();
    if (op.empty()) fail("condition: expected an operand at position {}", start);
    return op;
  }

  struct operand {
    std::optional<scalar_t> v;  // nullopt: nil
    bool is_nil = false;
    std::string text;
  };

  operand value_of(const std::string& t) {
    operand o;
    o.text = t;
    if (t == "nil") {
      o.is_nil = true;
      return o;
    }
    if (t == "true" || t == "false") {
      o.v = scalar_t(t == "true");
      return o;
    }
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') {
      std::string v;
      for (std::size_t i = 1; i + 1 < t.size(); ++i) {
        if (t[i] == '\\' && i + 2 < t.size()) {
          char c = t[++i];
          v += c == 'n' ? '\n' : c == 't' ? '\t' : c;
        } else {
          v += t[i];
        }
      }
      o.v = scalar_t(v);
      return o;
    }
    if (t.size() == 3 && t.front() == '\'' && t.back() == '\'') {
      o.v = scalar_t(std::int64_t(static_cast<unsigned char>(t[1])));
      return o;
    }
    {
      std::string_view num = t;
      bool neg = false;
      if (!num.empty() && num[0] == '-') neg = true, num.remove_prefix(1);
      if (!num.empty() && std::isdigit(static_cast<unsigned char>(num[0]))) {
        try {
          std::size_t used = 0;
          if (num.find_first_of(".eE") != std::string_view::npos &&
              !(num.starts_with("0x") || num.starts_with("0X"))) {
            double d = std::stod(std::string(num), &used);
            if (used == num.size()) {
              o.v = scalar_t(neg ? -d : d);
              return o;
            }
          } else {
            std::uint64_t u = std::stoull(std::string(num), &used, 0);
            if (used == num.size()) {
              if (neg)
                o.v = scalar_t(-std::int64_t(u));
              else if (u > std::uint64_t(INT64_MAX))
                o.v = scalar_t(u);
              else
                o.v = scalar_t(std::int64_t(u));
              return o;
            }
          }
        } catch (const std::exception&) {
        }
      }
    }
    if (!env) env.emplace(s, f);
    if (!e.lookup) {
      frame_env* fe = &*env;
      e.lookup = [fe](std::string_view name) { return fe->lookup(name); };
      e.read_memory = process_reader(s);
      const dwarf_info* dw = &fe->dw;
      e.type_by_name = [dw](std::string_view n) { return dw->type_by_name(n); };
    }
    go_value gv = evaluate_expression(t, e);
    if (!gv.type) fail("condition: {} has no type", t);
    auto sc = scalar_of(gv, e.read_memory);
    if (!sc) fail("condition: {} is a {}, which cannot be compared", t, gv.type->name);
    o.v = sc;
    return o;
  }

  static int compare_numbers(const scalar_t& a, const scalar_t& b) {
    auto as_double = [](const scalar_t& x) -> double {
      if (auto* i = std::get_if<std::int64_t>(&x)) return double(*i);
      if (auto* u = std::get_if<std::uint64_t>(&x)) return double(*u);
      return std::get<double>(x);
    };
    if (std::holds_alternative<double>(a) || std::holds_alternative<double>(b)) {
      double x = as_double(a), y = as_double(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    auto* ai = std::get_if<std::int64_t>(&a);
    auto* bi = std::get_if<std::int64_t>(&b);
    auto* au = std::get_if<std::uint64_t>(&a);
    auto* bu = std::get_if<std::uint64_t>(&b);
    if (ai && bi) return *ai < *bi ? -1 : *ai > *bi ? 1 : 0;
    if (au && bu) return *au < *bu ? -1 : *au > *bu ? 1 : 0;
    if (ai && bu) return *ai < 0 ? -1 : std::uint64_t(*ai) < *bu ? -1 : std::uint64_t(*ai) > *bu;
    // au && bi
    return *bi < 0 ? 1 : *au < std::uint64_t(*bi) ? -1 : *au > std::uint64_t(*bi) ? 1 : 0;
  }
  static bool is_number(const scalar_t& x) {
    return std::holds_alternative<std::int64_t>(x) || std::holds_alternative<std::uint64_t>(x) ||
           std::holds_alternative<double>(x);
  }

  bool comparison() {
    operand a = value_of(operand_text());
    skip_ws();
    std::size_t n = at < text.size() ? operator_at(at) : 0;
    std::string op = n ? text.substr(at, n) : "";
    if (!n || op == "&&" || op == "||") {
      if (a.v && std::holds_alternative<bool>(*a.v)) return std::get<bool>(*a.v);
      fail("condition: {} is not a bool; compare it (==, !=, <, ...)", a.text);
    }
    at += n;
    operand b = value_of(operand_text());
    int c = 0;
    if (a.is_nil || b.is_nil) {
      if (op != "==" && op != "!=") fail("condition: nil can only be compared with == or !=");
      std::uint64_t x = 0, y = 0;
      if (!a.is_nil) {
        auto* u = a.v ? std::get_if<std::uint64_t>(&*a.v) : nullptr;
        if (!u) fail("condition: {} cannot be compared with nil", a.text);
        x = *u;
      }
      if (!b.is_nil) {
        auto* u = b.v ? std::get_if<std::uint64_t>(&*b.v) : nullptr;
        if (!u) fail("condition: {} cannot be compared with nil", b.text);
        y = *u;
      }
      c = x == y ? 0 : 1;
    } else if (is_number(*a.v) && is_number(*b.v)) {
      c = compare_numbers(*a.v, *b.v);
    } else if (std::holds_alternative<std::string>(*a.v) &&
               std::holds_alternative<std::string>(*b.v)) {
      c = std::get<std::string>(*a.v).compare(std::get<std::string>(*b.v));
      c = c < 0 ? -1 : c > 0 ? 1 : 0;
    } else if (std::holds_alternative<bool>(*a.v) && std::holds_alternative<bool>(*b.v)) {
      if (op != "==" && op != "!=") fail("condition: bools can only be compared with == or !=");
      c = std::get<bool>(*a.v) == std::get<bool>(*b.v) ? 0 : 1;
    } else {
      fail("condition: cannot compare {} with {} (mismatched types)", a.text, b.text);
    }
    if (op == "==") return c == 0;
    if (op == "!=") return c != 0;
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
  }
};

}  // namespace

bool evaluate_condition(session& s, pid_t tid, const std::string& expr) {
  cond_parser p{s, thread_frame(s, tid), expr, 0, std::nullopt, {}};
  bool v = p.or_expr();
  p.skip_ws();
  if (p.at != p.text.size())
    fail("condition: unexpected '{}' at position {}", p.text.substr(p.at), p.at);
  return v;
}

condition_verdict breakpoint_condition_holds(session& s, pid_t tid, const std::string& expr) {
  try {
    return {evaluate_condition(s, tid, expr), std::nullopt};
  } catch (const std::exception& e) {
    return {true, fmt::format("breakpoint condition \"{}\": {}; stopping", expr, e.what())};
  }
}

}  // namespace godbg
