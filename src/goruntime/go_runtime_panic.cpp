// g._panic and its value, printed as the runtime prints it (runtime/error.go: printpanicval).
// By the time a panicking program dies, preprintpanics has replaced an error or Stringer value by
// its text, so a core file's panic value is most often a plain string.
//
// runtime._panic begins with `argp unsafe.Pointer` before Go 1.26 and with `arg any` since;
// argp, when set, points into the goroutine's own stack (and is nil before any deferred call
// ran), while arg's first word is a type descriptor outside every stack. The first word tells
// which layout this runtime has, so no version table is needed.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "dwarf/go_abi_type.hpp"
#include "goruntime/go_runtime_internal.hpp"

namespace godbg {

namespace {

using namespace go_abi;

constexpr std::size_t max_value_bytes = 4096;

// The runtime's print(float64): sign, one digit, six decimals, a signed three-digit exponent.
std::string runtime_float(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  constexpr int digits = 7;
  char sign = std::signbit(v) ? '-' : '+';
  v = std::fabs(v);
  int e = 0;
  if (v != 0) {
    while (v >= 10) ++e, v /= 10;
    while (v < 1) --e, v *= 10;
    double half = 5.0;
    for (int i = 0; i < digits; ++i) half /= 10;
    v += half;
    if (v >= 10) ++e, v /= 10;
  }
  std::string d;
  for (int i = 0; i < digits; ++i) {
    int x = int(v);
    d += char('0' + x);
    v = (v - x) * 10;
  }
  int ae = e < 0 ? -e : e;
  return fmt::format("{}{}.{}e{}{:03d}", sign, d[0], d.substr(1), e < 0 ? '-' : '+', ae % 1000);
}

// A string as printindented prints it: each newline followed by a tab.
std::string indented(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == '\n') out += '\t';
  }
  return out;
}

bool predeclared(const std::string& name) {
  for (auto n :
       {"bool", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
        "uint64", "uintptr", "float32", "float64", "complex64", "complex128", "string"})
    if (name == n) return true;
  return false;
}

// The name of the type descriptor at `t`: its Str offset into moduledata.types (the symbol
// runtime.types), a flag byte, a varint length, the bytes.
std::optional<std::string> type_name(go_runtime& rt, std::uint64_t t) {
  auto* types = rt.bin().symbols().by_name("runtime.types");
  if (!types) return std::nullopt;
  const target& mem = rt.process();
  auto off = mem.read_value<std::int32_t>(virt_addr(t + type_str));
  auto tflag = mem.read_value<std::uint8_t>(virt_addr(t + type_tflag));
  if (!off || !tflag || *off <= 0) return std::nullopt;
  std::uint64_t at = rt.bias().to_virt(types->addr).value() + std::uint64_t(*off);
  std::uint8_t head[11];
  if (!mem.read(virt_addr(at), head)) return std::nullopt;
  std::uint64_t len = 0;
  std::size_t i = 1;
  for (int shift = 0; i < sizeof head; ++i, shift += 7) {
    len |= std::uint64_t(head[i] & 0x7f) << shift;
    if (!(head[i] & 0x80)) break;
  }
  if (i == sizeof head || len == 0 || len > 1024) return std::nullopt;
  std::string s(len, '\0');
  if (!mem.read(virt_addr(at + i + 1), {reinterpret_cast<std::uint8_t*>(s.data()), s.size()}))
    return std::nullopt;
  if ((*tflag & tflag_extra_star) && s[0] == '*') s.erase(0, 1);
  return s;
}

std::optional<std::string> go_string(const target& mem, std::uint64_t hdr) {
  auto ptr = mem.read_value<std::uint64_t>(virt_addr(hdr));
  auto len = mem.read_value<std::int64_t>(virt_addr(hdr + 8));
  if (!ptr || !len || *len < 0) return std::nullopt;
  std::string s(std::size_t(std::min<std::int64_t>(*len, max_value_bytes)), '\0');
  if (!s.empty() &&
      !mem.read(virt_addr(*ptr), {reinterpret_cast<std::uint8_t*>(s.data()), s.size()}))
    return std::nullopt;
  if (std::size_t(*len) > s.size()) s += "...";
  return s;
}

// The basic value at `data` as print() shows it, or nullopt for a kind print does not take.
std::optional<std::string> basic_value(const target& mem, std::uint8_t k, std::uint64_t data) {
  auto num = [&](auto zero) -> std::optional<std::string> {
    auto v = mem.read_value<decltype(zero)>(virt_addr(data));
    if (!v) return std::nullopt;
    return fmt::format("{}", *v);
  };
  switch (k) {
    case k_bool: {
      auto v = mem.read_value<std::uint8_t>(virt_addr(data));
      if (!v) return std::nullopt;
      return *v ? "true" : "false";
    }
    case k_int:
    case k_int64:
      return num(std::int64_t{});
    case k_int8:
      return num(std::int8_t{});
    case k_int16:
      return num(std::int16_t{});
    case k_int32:
      return num(std::int32_t{});
    case k_uint:
    case k_uint64:
    case k_uintptr:
      return num(std::uint64_t{});
    case k_uint8:
      return num(std::uint8_t{});
    case k_uint16:
      return num(std::uint16_t{});
    case k_uint32:
      return num(std::uint32_t{});
    case k_float32: {
      auto v = mem.read_value<float>(virt_addr(data));
      if (!v) return std::nullopt;
      return runtime_float(*v);
    }
    case k_float64: {
      auto v = mem.read_value<double>(virt_addr(data));
      if (!v) return std::nullopt;
      return runtime_float(*v);
    }
    case k_complex64: {
      auto re = mem.read_value<float>(virt_addr(data)),
           im = mem.read_value<float>(virt_addr(data + 4));
      if (!re || !im) return std::nullopt;
      return fmt::format("({}{}i)", runtime_float(*re), runtime_float(*im));
    }
    case k_complex128: {
      auto re = mem.read_value<double>(virt_addr(data)),
           im = mem.read_value<double>(virt_addr(data + 8));
      if (!re || !im) return std::nullopt;
      return fmt::format("({}{}i)", runtime_float(*re), runtime_float(*im));
    }
    case k_string: {
      auto s = go_string(mem, data);
      if (!s) return std::nullopt;
      return indented(*s);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<panic_info> go_runtime::panic_of(std::uint64_t g) {
  auto* l = resolve_layout(*this, *st_);
  if (!l || g == 0 || l->g_panic == 0) return std::nullopt;
  const target& mem = process();
  auto p = mem.read_value<std::uint64_t>(virt_addr(g + l->g_panic));
  if (!p || *p == 0) return std::nullopt;
  auto lo = mem.read_value<std::uint64_t>(virt_addr(g + l->g_stack_lo));
  auto hi = mem.read_value<std::uint64_t>(virt_addr(g + l->g_stack_hi));
  std::uint64_t words[3];
  if (!lo || !hi ||
      !mem.read(virt_addr(*p), {reinterpret_cast<std::uint8_t*>(words), sizeof words}))
    return panic_info{*p, std::nullopt, std::nullopt, 1};
  bool has_argp = words[0] == 0 || (words[0] >= *lo && words[0] < *hi);
  std::uint64_t arg = *p + (has_argp ? 8 : 0), link_at = *p + (has_argp ? 24 : 16);
  panic_info out;
  out.addr = *p;
  for (auto link = mem.read_value<std::uint64_t>(virt_addr(link_at));
       link && *link && out.depth < 64;
       link = mem.read_value<std::uint64_t>(virt_addr(*link + (link_at - *p)))) {
    ++out.depth;
  }
  auto typ = mem.read_value<std::uint64_t>(virt_addr(arg));
  auto data = mem.read_value<std::uint64_t>(virt_addr(arg + 8));
  if (!typ || !data) return out;
  if (*typ == 0) {
    out.value = "nil";
    return out;
  }
  auto kind_byte = mem.read_value<std::uint8_t>(virt_addr(*typ + type_kind));
  if (!kind_byte) return out;
  std::uint8_t k = *kind_byte & kind_mask;
  out.type = type_name(*this, *typ);
  auto value = basic_value(mem, k, *data);
  if (!out.type || predeclared(*out.type)) {
    // Without names (a stripped binary) a basic kind is shown as the predeclared type would be.
    out.value = value ? *value : fmt::format("(?) {:#x}", *data);
  } else if (value && k == k_string) {
    out.value = fmt::format("{}(\"{}\")", *out.type, *value);
  } else if (value && (k == k_complex64 || k == k_complex128)) {
    out.value = *out.type + *value;
  } else if (value) {
    out.value = fmt::format("{}({})", *out.type, *value);
  } else {
    out.value = fmt::format("({}) {:#x}", *out.type, *data);
  }
  return out;
}

}  // namespace godbg
