#include "dap/variables.hpp"

#include <fmt/format.h>

#include <bit>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_go_maps.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_memory.hpp"

namespace godbg::dap {

using nlohmann::json;

namespace {

memory_reader reader_of(session& s) {
  return [&s](std::uint64_t a, std::span<std::uint8_t> out) {
    return s.program().read(virt_addr(a), out);
  };
}

go_value at_address(session& s, const go_type* t, std::uint64_t addr) {
  go_value v;
  v.type = t;
  v.address = addr;
  v.bytes = read_bytes(reader_of(s), addr, std::size_t(t->size));
  return v;
}

go_value part_of(const go_value& whole, const go_type* t, std::uint64_t offset) {
  go_value v;
  v.type = t;
  if (offset + t->size <= whole.bytes.size())
    v.bytes.assign(whole.bytes.begin() + long(offset),
                   whole.bytes.begin() + long(offset + t->size));
  if (whole.address) v.address = *whole.address + offset;
  return v;
}

// An interface's dynamic type: found by its runtime descriptor, as print finds it.
const go_type* dynamic_type(session& s, std::uint64_t descriptor) {
  const dwarf_info* dw = s.bin().dwarf();
  auto* types = s.bin().symbols().by_name("runtime.types");
  if (!dw || !types || !descriptor) return nullptr;
  std::uint64_t at = s.bias().to_file(virt_addr(descriptor)).value();
  return at >= types->addr.value() ? dw->type_by_descriptor(at - types->addr.value()) : nullptr;
}

// The value an interface holds, when its type is known.
std::optional<go_value> interface_data(session& s, const go_value& v) {
  std::uint64_t word0 = load_le(v.bytes, 0, 8), data = load_le(v.bytes, 8, 8);
  if (!word0) return std::nullopt;  // nil interface
  std::uint64_t descriptor = word0;
  if (!v.type->empty_interface) {
    // A non-empty interface's first word is its itab, whose second word is the type.
    std::vector<std::uint8_t> tab(8);
    if (!s.program().read(virt_addr(word0 + 8), tab)) return std::nullopt;
    descriptor = load_le(tab, 0, 8);
  }
  const go_type* t = dynamic_type(s, descriptor);
  if (!t) return std::nullopt;
  if (pointer_shaped(*t)) {
    go_value direct;
    direct.type = t;
    direct.bytes.resize(8);
    std::memcpy(direct.bytes.data(), &data, 8);
    return direct;
  }
  if (!data) return std::nullopt;
  return at_address(s, t, data);
}

struct shape {
  std::size_t indexed = 0;  // elements, entries
  std::size_t named = 0;    // fields
  bool expandable = false;
};

shape shape_of(session& s, const go_value& v) {
  shape sh;
  const go_type& t = *v.type;
  switch (t.kind) {
    case go_kind::struct_:
      sh.named = t.fields.size();
      break;
    case go_kind::array:
      sh.indexed = std::size_t(t.length);
      break;
    case go_kind::slice:
      if (t.elem && load_le(v.bytes, 0, 8)) sh.indexed = std::size_t(load_le(v.bytes, 8, 8));
      break;
    case go_kind::map:
      if (std::uint64_t p = load_le(v.bytes, 0, 8)) try {
          sh.indexed = std::size_t(read_map(t, p, reader_of(s), 0).count);
        } catch (const error&) {
        }
      break;
    case go_kind::pointer:
      sh.expandable = t.elem && t.elem->size && load_le(v.bytes, 0, 8);
      break;
    case go_kind::interface:
      sh.expandable = load_le(v.bytes, 0, 8) != 0;
      break;
    default:
      break;
  }
  sh.expandable = sh.expandable || sh.indexed || sh.named;
  return sh;
}

std::string member(const std::string& expr, const std::string& field) {
  return expr.empty() ? field : expr + "." + field;
}

// Reference and counts for a value that has children.
void add_children_ref(session& s, variable_store& store, const scope& where, const go_value& v,
                      const std::string& expr, json& j, const char* ref_key) {
  shape sh = shape_of(s, v);
  j[ref_key] = 0;
  if (!sh.expandable) return;
  j[ref_key] = store.add({var_container::kind::value, where, v, expr});
  if (sh.indexed) j["indexedVariables"] = sh.indexed;
  if (sh.named) j["namedVariables"] = sh.named;
}

}  // namespace

json variable_json(session& s, variable_store& store, const scope& where, const std::string& name,
                   const go_value& v, const std::string& evaluate_name) {
  json j;
  j["name"] = name;
  auto rec = describe_value(s, evaluate_name, v);
  j["value"] = rec.text;
  j["type"] = rec.type.value_or("");
  if (!evaluate_name.empty()) j["evaluateName"] = evaluate_name;
  add_children_ref(s, store, where, v, evaluate_name, j, "variablesReference");
  if (v.address) j["memoryReference"] = fmt::format("{:#x}", *v.address);
  return j;
}

json evaluate_json(session& s, variable_store& store, const scope& where, const go_value& v,
                   const std::string& expr) {
  json j;
  auto rec = describe_value(s, expr, v);
  j["result"] = rec.text;
  j["type"] = rec.type.value_or("");
  add_children_ref(s, store, where, v, expr, j, "variablesReference");
  if (v.address) j["memoryReference"] = fmt::format("{:#x}", *v.address);
  return j;
}

std::vector<child_value> value_children(session& s, const go_value& v, const std::string& expr,
                                        const std::string& filter, std::size_t start,
                                        std::size_t count) {
  std::vector<child_value> out;
  const go_type& t = *v.type;
  std::size_t limit = count ? count : std::numeric_limits<std::size_t>::max();
  bool want_named = filter != "indexed", want_indexed = filter != "named";
  auto paren = [&] {
    return expr.find_first_of(" *&") == std::string::npos ? expr : "(" + expr + ")";
  };
  switch (t.kind) {
    case go_kind::struct_:
      if (!want_named) break;
      for (std::size_t i = start; i < t.fields.size() && out.size() < limit; ++i) {
        const auto& f = t.fields[i];
        if (!f.type) continue;
        out.push_back({f.name, member(paren(), f.name), part_of(v, f.type, f.offset)});
      }
      break;
    case go_kind::array:
      if (!want_indexed || !t.elem) break;
      for (std::size_t i = start; i < t.length && out.size() < limit; ++i)
        out.push_back({fmt::format("[{}]", i), fmt::format("{}[{}]", paren(), i),
                       part_of(v, t.elem, i * t.elem->size)});
      break;
    case go_kind::slice: {
      if (!want_indexed || !t.elem) break;
      std::uint64_t data = load_le(v.bytes, 0, 8), len = load_le(v.bytes, 8, 8);
      std::size_t end =
          std::size_t(std::min<std::uint64_t>(len, start + std::min<std::size_t>(limit, 1 << 20)));
      if (start >= end) break;
      // One read for the page, not one per element.
      auto bytes = read_bytes(reader_of(s), data + start * t.elem->size,
                              std::size_t((end - start) * t.elem->size));
      for (std::size_t i = start; i < end; ++i) {
        go_value e;
        e.type = t.elem;
        auto off = long((i - start) * t.elem->size);
        e.bytes.assign(bytes.begin() + off, bytes.begin() + off + long(t.elem->size));
        e.address = data + i * t.elem->size;
        out.push_back({fmt::format("[{}]", i), fmt::format("{}[{}]", paren(), i), std::move(e)});
      }
      break;
    }
    case go_kind::map: {
      if (!want_indexed) break;
      std::uint64_t p = load_le(v.bytes, 0, 8);
      if (!p || !t.key || !t.elem) break;
      auto m = read_map(t, p, reader_of(s), count ? start + count : 1 << 16);
      for (std::size_t i = start; i < m.entries.size() && out.size() < limit; ++i) {
        go_value val;
        val.type = t.elem;
        val.bytes = m.entries[i].value;
        go_value k;
        k.type = t.key;
        k.bytes = m.entries[i].key;
        std::string key = describe_value(s, "", k).text;
        out.push_back({key, fmt::format("{}[{}]", paren(), key), std::move(val)});
      }
      break;
    }
    case go_kind::pointer: {
      std::uint64_t p = load_le(v.bytes, 0, 8);
      if (!p || !t.elem || !t.elem->size || start > 0) break;
      out.push_back(
          {"*" + (expr.empty() ? std::string("") : expr), "*" + paren(), at_address(s, t.elem, p)});
      break;
    }
    case go_kind::interface: {
      if (start > 0) break;
      if (auto d = interface_data(s, v))
        out.push_back({"data", fmt::format("{}.({})", paren(), d->type->name), std::move(*d)});
      break;
    }
    default:
      break;
  }
  return out;
}

void assign_scalar(session& s, const go_value& v, const std::string& text_in) {
  std::string text = text_in;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.erase(0, 1);
  if (!v.address) fail("{} is held in registers here: it cannot be set", v.type->name);
  const go_type& t = *v.type;
  std::size_t size = std::size_t(t.size);
  std::uint64_t raw = 0;
  switch (t.kind) {
    case go_kind::boolean:
      if (text != "true" && text != "false") fail("{} is not a bool (true or false)", text);
      raw = text == "true";
      break;
    case go_kind::int_: {
      auto n = try_parse_integer<std::int64_t>(text);
      if (!n) fail("{} is not an integer", text);
      int bits = int(size * 8);
      if (bits < 64 &&
          (*n < -(std::int64_t(1) << (bits - 1)) || *n >= (std::int64_t(1) << (bits - 1))))
        fail("{} overflows {}", text, t.name);
      raw = std::uint64_t(*n);
      break;
    }
    case go_kind::uint_:
    case go_kind::pointer: {
      if (t.kind == go_kind::pointer && text == "nil") break;
      auto n = try_parse_integer<std::uint64_t>(text, sign::refused);
      if (!n) fail("{} is not an unsigned integer", text);
      if (size < 8 && *n >> (size * 8)) fail("{} overflows {}", text, t.name);
      raw = *n;
      break;
    }
    case go_kind::float_: {
      errno = 0;
      char* end = nullptr;
      double d = std::strtod(text.c_str(), &end);
      if (text.empty() || *end || errno == ERANGE) fail("{} is not a number", text);
      raw = size == 4 ? std::uint64_t(std::bit_cast<std::uint32_t>(float(d)))
                      : std::bit_cast<std::uint64_t>(d);
      break;
    }
    default:
      fail("setting a {} is not supported; set a number, bool or pointer", t.name);
  }
  std::vector<std::uint8_t> bytes(size);
  std::memcpy(bytes.data(), &raw, std::min<std::size_t>(size, 8));
  s.process().write(virt_addr(*v.address), bytes);
}

}  // namespace godbg::dap
