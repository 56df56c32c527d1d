#include "debugger/runtime_traps.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/gopclntab.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

std::uint64_t field(session& s, std::string_view type, std::string_view name, std::uint64_t dflt) {
  if (const dwarf_info* dw = s.bin().dwarf())
    if (auto off = dw->field_offset(type, name)) return *off;
  return dflt;
}

int go_minor(session& s) {
  auto v = s.bin().go_version();  // "go1.26.8"
  if (!v || !v->starts_with("go1.")) return 0;
  return std::atoi(v->c_str() + 4);
}

template <typename T>
std::optional<T> read(session& s, std::uint64_t a) {
  return s.process().read_value<T>(virt_addr(a));
}

std::optional<std::string> read_string(session& s, std::uint64_t ptr, std::uint64_t len) {
  len = std::min<std::uint64_t>(len, 4096);
  std::string out(len, '\0');
  if (len && !s.process().read(virt_addr(ptr), {reinterpret_cast<std::uint8_t*>(out.data()), len}))
    return std::nullopt;
  return out;
}

// A type descriptor's name (abi.Type.Str, a name offset into the types section; a leading '*'
// dropped when the descriptor's TFlagExtraStar says so). Needs runtime.types from the symbols.
std::optional<std::string> type_name(session& s, std::uint64_t type) {
  const symbol* types = s.bin().symbols().by_name("runtime.types");
  if (!types) return std::nullopt;
  auto tflag = read<std::uint8_t>(s, type + 20);
  auto off = read<std::int32_t>(s, type + 40);
  if (!tflag || !off || *off < 0) return std::nullopt;
  std::uint64_t at = s.bias().to_virt(types->addr).value() + std::uint64_t(*off) + 1;
  std::uint64_t len = 0;
  for (int shift = 0; shift < 35; shift += 7) {  // the length: a uvarint after the flags byte
    auto b = read<std::uint8_t>(s, at++);
    if (!b) return std::nullopt;
    len |= std::uint64_t(*b & 0x7f) << shift;
    if (!(*b & 0x80)) break;
  }
  auto name = read_string(s, at, len);
  if (name && (*tflag & 2) && !name->empty()) name->erase(0, 1);
  return name;
}

// The runtime's print of a float: +1.500000e+000.
std::string runtime_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  std::string t = fmt::format("{:+.6e}", v);  // +1.500000e+00
  auto e = t.find('e');
  int exp = std::atoi(t.c_str() + e + 1);
  return fmt::format("{}e{}{:03}", t.substr(0, e), exp < 0 ? '-' : '+', std::abs(exp));
}

std::string indented(std::string v) {
  for (std::size_t i = 0; (i = v.find('\n', i)) != std::string::npos; i += 2) v.insert(i + 1, "\t");
  return v;
}

// printpanicval: basic values as print() shows them, other named basic types as T(v), the rest
// as (T) address.
std::optional<std::string> describe_eface(session& s, std::uint64_t type, std::uint64_t data) {
  if (!type) return "nil";
  auto kind_byte = read<std::uint8_t>(s, type + 23);
  if (!kind_byte) return std::nullopt;
  int kind = *kind_byte & 0x1f;
  auto name = type_name(s, type);
  static const char* basic[] = {"",        "bool",    "int",     "int8",      "int16",     "int32",
                                "int64",   "uint",    "uint8",   "uint16",    "uint32",    "uint64",
                                "uintptr", "float32", "float64", "complex64", "complex128"};
  std::optional<std::string> text;
  switch (kind) {
    case 1:
      if (auto b = read<std::uint8_t>(s, data)) text = *b ? "true" : "false";
      break;
    case 2:
    case 6:
      if (auto v = read<std::int64_t>(s, data)) text = std::to_string(*v);
      break;
    case 3:
      if (auto v = read<std::int8_t>(s, data)) text = std::to_string(*v);
      break;
    case 4:
      if (auto v = read<std::int16_t>(s, data)) text = std::to_string(*v);
      break;
    case 5:
      if (auto v = read<std::int32_t>(s, data)) text = std::to_string(*v);
      break;
    case 7:
    case 11:
    case 12:
      if (auto v = read<std::uint64_t>(s, data)) text = std::to_string(*v);
      break;
    case 8:
      if (auto v = read<std::uint8_t>(s, data)) text = std::to_string(*v);
      break;
    case 9:
      if (auto v = read<std::uint16_t>(s, data)) text = std::to_string(*v);
      break;
    case 10:
      if (auto v = read<std::uint32_t>(s, data)) text = std::to_string(*v);
      break;
    case 13:
      if (auto v = read<float>(s, data)) text = runtime_float(*v);
      break;
    case 14:
      if (auto v = read<double>(s, data)) text = runtime_float(*v);
      break;
    case 24: {  // string
      auto ptr = read<std::uint64_t>(s, data), len = read<std::uint64_t>(s, data + 8);
      if (!ptr || !len) return std::nullopt;
      auto str = read_string(s, *ptr, *len);
      if (!str) return std::nullopt;
      // Unnamed (or unknown: a stripped binary has no runtime.types) prints bare.
      if (!name || *name == "string") return indented(*str);
      return fmt::format("{}(\"{}\")", *name, indented(*str));
    }
    default:
      return fmt::format("({}) {:#x}", name.value_or("?"), data);
  }
  if (!text) return std::nullopt;
  // A stripped binary has no runtime.types to name the type by: the value alone.
  if (kind <= 14 && (!name || *name == basic[kind])) return text;
  return fmt::format("{}({})", *name, *text);
}

std::optional<int> stop_at(session& s, std::string_view function) {
  // Not through DWARF: a name this release lacks must not build DWARF's by-name index at
  // every launch (go_function: the symbol table, else the pclntab's index).
  auto f = go_function(s, function);
  if (!f) return std::nullopt;
  return s.add_internal_stop(s.bias().to_virt(f->entry), [](pid_t) { return true; });
}

}  // namespace

std::optional<std::string> panic_value(session& s, pid_t tid) {
  try {
    auto g = s.runtime().goroutine_on_thread(tid).g;
    if (!g) return std::nullopt;
    auto p = read<std::uint64_t>(s, *g + field(s, "runtime.g", "_panic", 32));
    if (!p || !*p) return std::nullopt;
    // Without DWARF: Go 1.26 dropped the argp word before arg.
    std::uint64_t arg = *p + field(s, "runtime._panic", "arg", go_minor(s) >= 26 ? 0 : 8);
    auto type = read<std::uint64_t>(s, arg), data = read<std::uint64_t>(s, arg + 8);
    if (!type || !data) return std::nullopt;
    return describe_eface(s, *type, *data);
  } catch (const error&) {
    return std::nullopt;
  }
}

void runtime_traps::install(session& s) {
  if (panic_) s.remove_internal_stop(*panic_);
  for (int h : fatal_) s.remove_internal_stop(h);
  forget();
  if (!s.has_binary() || !s.bin().is_go() || !s.has_process()) return;
  // At the entries: on the func line where Delve stops too, found without opening DWARF
  // (runtime.fatalpanic is nosplit: no stack check to step past).
  panic_ = stop_at(s, "runtime.fatalpanic");
  if (!panic_) panic_ = stop_at(s, "runtime.startpanic");
  for (auto fn : {"runtime.throw", "runtime.fatal"})
    if (auto h = stop_at(s, fn)) fatal_.push_back(*h);
}

void runtime_traps::describe(session& s, const std::vector<int>& internal, pid_t tid,
                             stop_record& rec) const {
  if (panic_ && std::count(internal.begin(), internal.end(), *panic_)) {
    rec.reason = stop_reason::panic;
    rec.panic = panic_value(s, tid);
    return;
  }
  for (int h : fatal_)
    if (std::count(internal.begin(), internal.end(), h)) {
      rec.reason = stop_reason::fatal;
      const auto& r = s.process().regs(tid);
      rec.message = read_string(s, r.rax, r.rbx);  // throw(s string) at its entry
      return;
    }
}

void runtime_traps::leave_breakpoint_function(session& s, pid_t tid) {
  auto in_breakpoint = [&] {
    auto name = s.runtime().function_name(s.process().pc(tid));
    return name && (*name == "runtime.breakpoint" || *name == "runtime.Breakpoint");
  };
  for (int i = 0; i < 16 && s.has_process() && in_breakpoint(); ++i) {
    auto o = s.single_step(tid);
    if (o.ev.what != inferior_event::kind::step) return;
  }
}

}  // namespace godbg
