#include "debugger/eval/frame_context.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "arch_amd64/registers.hpp"
#include "common/error.hpp"
#include "debugger/eval/expression_names.hpp"
#include "debugger/session.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "process/inferior.hpp"

namespace godbg {

frame_context::frame_context(session& s, const frame_registers& f) : s_(s), f_(f) {
  if (!s.has_binary()) fail("no program loaded");
  dw_ = s.bin().dwarf();
  ctx_.read_register = f_.reg;
  ctx_.read_memory = [&s](std::uint64_t a, std::span<std::uint8_t> out) {
    return s.program().read(virt_addr(a), out);
  };
  ctx_.cfa = f_.cfa;
  ctx_.load_bias = s.bias().value();
  // A caller's frame is looked up at its call instruction: the return address can be past the
  // ranges where its variables live.
  std::uint64_t pc = f_.outer && f_.pc ? f_.pc - 1 : f_.pc;
  file_addr fa = s.bias().to_file(virt_addr(pc));
  // An inlined call's frame: unqualified names are of the inlined function's package.
  if (f_.function)
    package_ = package_of_function(*f_.function);
  else if (auto fn = s.bin().function_at(fa))
    package_ = package_of_function(fn->name);
  if (auto* types = s.bin().symbols().by_name("runtime.types")) types_base_ = types->addr.value();
  if (dw_) {
    int line = 0;
    if (f_.line)
      line = *f_.line;
    else if (auto l = dw_->line_at(fa))
      line = l->line;
    int depth = f_.inline_depth ? *f_.inline_depth : int(dw_->inlined_at(fa).size());
    vars_.emplace(
        *dw_, fa, ctx_, line, [this](std::uint64_t d) { return type_of_descriptor(d); }, depth);
  }
}

frame_context::~frame_context() = default;

go_value constant_value(const dwarf_variable& c) {
  go_value v;
  v.type = c.type;
  std::size_t n = std::min<std::size_t>(std::size_t(c.type->size), 8);
  v.constant = true;
  v.bytes.assign(std::size_t(c.type->size), 0);
  for (std::size_t i = 0; i < n; ++i)
    v.bytes[i] = std::uint8_t(std::uint64_t(*c.const_value) >> (8 * i));
  return v;
}

// DWARF's type when it names one for the descriptor (DW_AT_go_runtime_type), else the type the
// descriptor itself describes.
const go_type* frame_context::type_of_descriptor(std::uint64_t addr) const {
  if (!dw_ || !types_base_) return nullptr;
  std::uint64_t at = s_.bias().to_file(virt_addr(addr)).value();
  if (at >= types_base_)
    if (const go_type* t = dw_->type_by_descriptor(at - types_base_)) return t;
  if (!runtime_types_) {
    const dwarf_info* dw = dw_;
    runtime_types_ = std::make_unique<runtime_type_decoder>(
        ctx_.read_memory, s_.bias().to_virt(file_addr(types_base_)).value(),
        [dw](std::string_view n) { return dw->type_by_name(n); });
  }
  return runtime_types_->decode(addr);
}

std::optional<std::uint64_t> frame_context::register_value(std::string_view name) const {
  const reg_info* info = register_by_name(name);
  if (!info) return std::nullopt;
  std::optional<std::uint64_t> v;
  if (info->dwarf >= 0 && f_.reg) v = f_.reg(info->dwarf);
  // A thread's innermost frame knows every register, flags and segment bases too.
  if (!v && f_.thread) v = read_register(s_.program().regs(*f_.thread), *info);
  return v;
}

frame_vars* frame_context::vars() {
  return vars_ ? &*vars_ : nullptr;
}

eval_env frame_context::env() {
  eval_env e;
  session& s = s_;
  e.read_memory = ctx_.read_memory;
  e.write_memory = [&s](std::uint64_t a, std::span<const std::uint8_t> in) {
    s.process().write(virt_addr(a), in);
    return true;
  };
  if (vars_) {
    frame_vars* fv = &*vars_;
    e.local = [fv](std::string_view n) { return fv->lookup(n); };
    e.has_local = [fv](std::string_view n) { return fv->has(n); };
  }
  const dwarf_info* dw = dw_;
  location_context ctx = ctx_;
  if (dw) {
    e.global = [dw, ctx](std::string_view n) -> std::optional<go_value> {
      auto g = dw->global_variable(n);
      if (!g) return std::nullopt;
      if (g->const_value && g->type) return constant_value(*g);
      // A package variable in memory is read when needed, not now (it may be a large array).
      if (auto a = g->static_address(); a && g->type) {
        go_value v;
        v.type = g->type;
        v.address = a->value() + ctx.load_bias;
        return v;
      }
      return variable_value(*g, ctx);
    };
    e.type_named = [dw](std::string_view n) { return dw->type_by_name(n); };
    e.constant_name = [dw](const go_type& t, std::int64_t v) {
      return t.die_offset ? dw->constant_name(t.die_offset, v) : std::string();
    };
    e.closure_captures = [&s, dw](const std::string& fn) {
      auto f = s.bin().function_by_name(fn);
      return f ? closure_captures_of(*dw, f->entry) : std::vector<closure_capture>{};
    };
  }
  e.package = package_;
  e.package_path = [&s](std::string_view n) { return s.bin().package_path(n); };
  e.type_of_descriptor = [this](std::uint64_t a) { return type_of_descriptor(a); };
  e.function_named = [&s](std::string_view n) -> std::optional<function_ref> {
    auto f = s.bin().function_by_name(n);
    if (!f) return std::nullopt;
    return function_ref{f->name, s.bias().to_virt(f->entry).value(), nullptr};
  };
  e.function_at = [&s](std::uint64_t pc) -> std::optional<std::string> {
    auto f = s.bin().function_at(s.bias().to_file(virt_addr(pc)));
    if (!f) return std::nullopt;
    return f->name;
  };
  e.read_register = [this](std::string_view n) { return register_value(n); };
  auto thread = f_.thread;
  e.write_register = [&s, thread](std::string_view n, std::uint64_t v) {
    const reg_info* info = register_by_name(n);
    if (!info || !thread) return false;
    user_regs_struct r = s.process().regs(*thread);
    write_register(r, *info, v);
    s.process().set_regs(*thread, r);
    return true;
  };
  return e;
}

evaluator& frame_context::eval() {
  if (!eval_) eval_ = std::make_unique<evaluator>(env());
  return *eval_;
}

value_record frame_context::record(const std::string& expr, const eval_value& v, bool multiline,
                                   const print_limits& limits) {
  evaluator& ev = eval();
  value_record rec;
  rec.expr = expr;
  rec.type = ev.type_name(v);
  if (v.is_register && v.type && v.type->size == 8) {
    // A register alone reads as gdb shows it: hex, flags decoded.
    std::uint64_t r = load_le(v.bytes, 0, 8);
    const reg_info* info = register_by_name(v.name);
    bool address =
        info && (info->kind == reg_kind::instruction || info->name == "rsp" || info->name == "rbp");
    rec.type = address ? "uintptr" : "uint64";
    rec.text = info && info->kind == reg_kind::flags ? fmt::format("{:#x} {}", r, format_flags(r))
                                                     : fmt::format("{:#x}", r);
    rec.scalar = r;
    return rec;
  }
  rec.text = ev.show(v, multiline, limits);
  if (!ev.partial_variables().empty())
    rec.text += fmt::format(" ({} partly optimized out here: the missing parts read as 0)",
                            fmt::join(ev.partial_variables(), ", "));
  if (v.type && (v.type->kind == go_kind::map || v.type->kind == go_kind::chan ||
                 v.type->kind == go_kind::func))
    return rec;
  if (auto sc = ev.scalar_of(v, limits.max_string)) rec.scalar = *sc;
  return rec;
}

}  // namespace godbg
