// gdb's x/NFU: N units of U bytes (b h w g) at an address, each in format F (x d u o t a c f s).
// The address is a number, a $register or a Go expression (a pointer's value; the address of
// an array, struct or other variable; a slice's or string's data).
#include <fmt/format.h>

#include <bit>
#include <cctype>
#include <cstring>

#include "arch_amd64/registers.hpp"
#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "dwarf/go_number_text.hpp"
#include "process/inferior.hpp"

namespace godbg {

namespace {

std::uint64_t address_of_expression(command_context& c, const std::string& text) {
  auto& s = c.s;
  if (auto v = try_parse_integer<std::uint64_t>(text)) return *v;
  frame_registers f = frame_in(s, c.where());
  value_record r = evaluate_in_frame(s, f, text);
  // A number or pointer is the address; other values are where they live, which print does
  // not say: &x asks for it.
  if (r.scalar)
    if (auto* u = std::get_if<std::uint64_t>(&*r.scalar)) return *u;
  if (r.scalar)
    if (auto* i = std::get_if<std::int64_t>(&*r.scalar)) return std::uint64_t(*i);
  if (r.type && (r.type->starts_with("[]") || *r.type == "string")) {
    // The data pointer: the first word of the header.
    value_record d = evaluate_in_frame(s, f, "*(*uintptr)(unsafe.Pointer(&(" + text + ")))");
    if (d.scalar)
      if (auto* u = std::get_if<std::uint64_t>(&*d.scalar)) return *u;
  }
  value_record p = evaluate_in_frame(s, f, "uintptr(unsafe.Pointer(&(" + text + ")))");
  if (p.scalar)
    if (auto* u = std::get_if<std::uint64_t>(&*p.scalar)) return *u;
  fail("{} is not an address", text);
}

std::string unit_text(char format, int unit, const std::uint8_t* b) {
  std::uint64_t u = 0;
  std::memcpy(&u, b, std::size_t(unit));
  int bits = unit * 8;
  std::int64_t sv = bits >= 64 ? std::int64_t(u) : std::int64_t(u << (64 - bits)) >> (64 - bits);
  switch (format) {
    case 'x':
      return fmt::format("0x{:0{}x}", u, unit * 2);
    case 'd':
      return fmt::format("{}", sv);
    case 'u':
      return fmt::format("{}", u);
    case 'o':
      return u ? fmt::format("0{:o}", u) : "0";
    case 't':
      return fmt::format("{:0{}b}", u, bits);
    case 'a':
      return fmt::format("{:#x}", u);
    case 'c': {
      char ch = char(u & 0xff);
      std::string shown = std::isprint(static_cast<unsigned char>(ch))
                              ? std::string(1, ch)
                              : fmt::format("\\x{:02x}", static_cast<unsigned char>(ch));
      return fmt::format("{} '{}'", sv, shown);
    }
    case 'f':
      if (unit == 4) return float_text(std::bit_cast<float>(std::uint32_t(u)), 32);
      if (unit == 8) return float_text(std::bit_cast<double>(u), 64);
      return fmt::format("{}", u);
    default:
      return "?";
  }
}

}  // namespace

void examine_units(command_context& c, const std::string& spec, const std::string& where) {
  auto& s = c.s;
  std::size_t i = 0;
  long count = 1;
  if (i < spec.size() && std::isdigit(static_cast<unsigned char>(spec[i]))) {
    std::size_t j = i;
    while (j < spec.size() && std::isdigit(static_cast<unsigned char>(spec[j]))) ++j;
    count = parse_integer<long>(spec.substr(i, j - i), "a count", 1, 1 << 16);
    i = j;
  }
  char format = 'x';
  int unit = 4;
  bool unit_given = false;
  for (; i < spec.size(); ++i) {
    char ch = spec[i];
    if (std::string_view("xduotacfs").find(ch) != std::string_view::npos) {
      format = ch;
    } else if (std::string_view("bhwg").find(ch) != std::string_view::npos) {
      unit = ch == 'b' ? 1 : ch == 'h' ? 2 : ch == 'w' ? 4 : 8;
      unit_given = true;
    } else if (ch == 'i') {
      throw usage_error("x/i: use disassemble for instructions");
    } else {
      throw usage_error(
          fmt::format("x/{}: unknown format or size '{}' (formats x d u o t a c f s, "
                      "sizes b h w g)",
                      spec, ch));
    }
  }
  if (format == 's' && !try_parse_integer<std::uint64_t>(where) && where[0] != '$') {
    // A Go string (of any string type) has a length: show it, not what follows it up to a NUL.
    frame_registers f = frame_in(s, c.where());
    std::optional<value_record> r;
    try {
      r = evaluate_in_frame(s, f, "string(" + where + ")");
    } catch (const error&) {
    }
    if (r && r->type && *r->type == "string") {
      memory_record m;
      try {
        m.address = std::get<std::uint64_t>(
            evaluate_in_frame(s, f, "*(*uintptr)(unsafe.Pointer(&(" + where + ")))")
                .scalar.value());
      } catch (const std::exception&) {
      }
      m.format = 's';
      m.units.push_back(r->text);
      c.out.memory(m);
      return;
    }
  }
  if (format == 'a' && !unit_given) unit = 8;
  if (format == 'c' && !unit_given) unit = 1;
  if (format == 'f' && !unit_given) unit = 8;
  std::uint64_t addr = address_of_expression(c, where);
  memory_record m;
  m.address = addr;
  m.format = format;
  m.unit = format == 's' ? 1 : unit;
  if (format == 's') {
    // count C strings, each up to 256 bytes.
    std::uint64_t a = addr;
    for (long k = 0; k < count; ++k) {
      std::string str;
      for (int n = 0; n < 256; ++n) {
        std::uint8_t byte = 0;
        s.process().read_or_fail(virt_addr(a++), {&byte, 1});
        m.bytes.push_back(byte);
        if (!byte) break;
        str += char(byte);
      }
      m.units.push_back(go_quote_text(str));
    }
    c.out.memory(m);
    return;
  }
  m.bytes.resize(std::size_t(count) * std::size_t(unit));
  s.process().read_or_fail(virt_addr(addr), m.bytes);
  for (long k = 0; k < count; ++k)
    m.units.push_back(unit_text(format, unit, m.bytes.data() + std::size_t(k) * std::size_t(unit)));
  c.out.memory(m);
}

}  // namespace godbg
