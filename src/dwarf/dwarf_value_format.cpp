#include "dwarf/dwarf_value_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "dwarf/dwarf_go_maps.hpp"

namespace godbg {

std::string go_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", c);
        else
          out += char(c);
    }
  }
  return out + "\"";
}

namespace {

std::string hex(std::uint64_t v) {
  return fmt::format("{:#x}", v);
}

std::string float_text(double d) {
  std::string s = fmt::format("{}", d);
  // Go's %v switches to exponent form only from 1e21 on (and below 1e-4).
  double a = std::abs(d);
  if (s.find('e') != std::string::npos && a >= 1e-4 && a < 1e21) s = fmt::format("{:.0f}", d);
  return s;
}

struct printer {
  const memory_reader& mem;
  const format_options& opt;

  std::string more(std::uint64_t shown, std::uint64_t total) const {
    return total > shown ? fmt::format("...+{} more", total - shown) : std::string();
  }

  std::string value(const go_type& t, std::span<const std::uint8_t> b, int depth, bool top) {
    try {
      return value_or_throw(t, b, depth, top);
    } catch (const error& e) {
      return fmt::format("<unreadable: {}>", e.what());
    }
  }

  std::string value_or_throw(const go_type& t, std::span<const std::uint8_t> b, int depth,
                             bool top) {
    std::string prefix = top && !t.name.empty() ? t.name + " " : "";
    std::size_t sz = std::size_t(std::min<std::uint64_t>(t.size, 8));
    switch (t.kind) {
      case go_kind::boolean:
        return load_le(b, 0, 1) ? "true" : "false";
      case go_kind::int_:
        return fmt::format("{}", load_le_signed(b, 0, sz));
      case go_kind::uint_:
        return fmt::format("{}", load_le(b, 0, sz));
      case go_kind::float_:
        if (t.size == 4) return float_text(std::bit_cast<float>(std::uint32_t(load_le(b, 0, 4))));
        return float_text(std::bit_cast<double>(load_le(b, 0, 8)));
      case go_kind::complex_: {
        double re, im;
        if (t.size == 8) {
          re = std::bit_cast<float>(std::uint32_t(load_le(b, 0, 4)));
          im = std::bit_cast<float>(std::uint32_t(load_le(b, 4, 4)));
        } else {
          re = std::bit_cast<double>(load_le(b, 0, 8));
          im = std::bit_cast<double>(load_le(b, 8, 8));
        }
        return fmt::format("({}{}{}i)", float_text(re), im < 0 ? "" : "+", float_text(im));
      }
      case go_kind::string:
        return string_value(t, b);
      case go_kind::pointer:
        return pointer_value(t, load_le(b, 0, 8));
      case go_kind::chan:
      case go_kind::func: {
        std::uint64_t p = load_le(b, 0, 8);
        return (t.name.empty() ? std::string(kind_name(t.kind)) : t.name) + " " +
               (p ? hex(p) : "nil");
      }
      case go_kind::struct_: {
        if (depth >= opt.max_depth) return prefix + "{...}";
        std::string s = prefix + "{";
        bool first = true;
        for (const auto& f : t.fields) {
          if (!first) s += ", ";
          first = false;
          s += f.name + ": ";
          if (!f.type || f.offset + f.type->size > b.size()) {
            s += "<unknown>";
            continue;
          }
          s += value(*f.type, b.subspan(f.offset, f.type->size), depth + 1, false);
        }
        return s + "}";
      }
      case go_kind::array: {
        if (!t.elem) return prefix + "[...]";
        if (depth >= opt.max_depth) return prefix + "[...]";
        return prefix + elements(*t.elem, b, t.length, t.length, depth);
      }
      case go_kind::slice:
        return slice_value(t, b, depth, prefix);
      case go_kind::map:
        return map_value(t, load_le(b, 0, 8), depth, prefix);
      case go_kind::interface:
        return interface_value(t, b, depth, top);
      case go_kind::invalid:
        break;
    }
    return fmt::format("<{} of unknown kind>", t.name.empty() ? "value" : t.name);
  }

  std::string elements(const go_type& elem, std::span<const std::uint8_t> b, std::uint64_t n,
                       std::uint64_t total, int depth) {
    std::uint64_t shown = std::min<std::uint64_t>(n, opt.max_elements);
    std::string s = "[";
    for (std::uint64_t i = 0; i < shown; ++i) {
      if (i) s += ",";
      std::uint64_t off = i * elem.size;
      if (off + elem.size > b.size()) break;
      s += value(elem, b.subspan(off, elem.size), depth + 1, false);
    }
    std::string tail = more(shown, total);
    if (!tail.empty()) s += (shown ? "," : "") + tail;
    return s + "]";
  }

  std::uint64_t field_or(const go_type& t, std::string_view name, std::uint64_t dflt) {
    const go_field* f = t.field(name);
    return f ? f->offset : dflt;
  }

  std::string string_value(const go_type& t, std::span<const std::uint8_t> b) {
    std::uint64_t data = load_le(b, field_or(t, "str", 0), 8);
    std::uint64_t len = load_le(b, field_or(t, "len", 8), 8);
    if (len == 0) return "\"\"";
    std::uint64_t n = std::min<std::uint64_t>(len, opt.max_string);
    auto bytes = read_bytes(mem, data, std::size_t(n));
    std::string s = go_quote({reinterpret_cast<const char*>(bytes.data()), bytes.size()});
    if (len > n) s += more(n, len);
    return s;
  }

  std::string pointer_value(const go_type& t, std::uint64_t p) {
    std::string name = t.name;
    if (name.empty()) name = t.elem ? "*" + t.elem->name : "unsafe.Pointer";
    std::string a = p ? hex(p) : "nil";
    if (!t.elem || name == "unsafe.Pointer") return name + "(" + a + ")";
    return "(" + name + ")(" + a + ")";
  }

  std::string slice_value(const go_type& t, std::span<const std::uint8_t> b, int depth,
                          const std::string& prefix) {
    std::uint64_t data = load_le(b, field_or(t, "array", 0), 8);
    std::uint64_t len = load_le(b, field_or(t, "len", 8), 8);
    std::uint64_t cap = load_le(b, field_or(t, "cap", 16), 8);
    std::string head = prefix + fmt::format("len: {}, cap: {}, ", len, cap);
    if (!data) return head + "nil";
    if (!t.elem) return head + "[...]";
    if (depth >= opt.max_depth) return head + "[...]";
    std::uint64_t n = std::min<std::uint64_t>(len, opt.max_elements);
    auto bytes = read_bytes(mem, data, std::size_t(n * t.elem->size));
    return head + elements(*t.elem, bytes, n, len, depth);
  }

  std::string map_value(const go_type& t, std::uint64_t p, int depth, const std::string& prefix) {
    if (!p) return prefix + "nil";
    if (depth >= opt.max_depth || !t.key || !t.elem) return prefix + "[...]";
    map_contents m = read_map(t, p, mem, opt.max_elements);
    struct item {
      std::string k, v;
      std::int64_t num = 0;
    };
    std::vector<item> items;
    bool numeric = t.key->kind == go_kind::int_ || t.key->kind == go_kind::uint_;
    for (const auto& e : m.entries) {
      item it{value(*t.key, e.key, depth + 1, false), value(*t.elem, e.value, depth + 1, false)};
      std::size_t ks = std::size_t(std::min<std::uint64_t>(t.key->size, 8));
      if (numeric)
        it.num = t.key->kind == go_kind::int_ ? load_le_signed(e.key, 0, ks)
                                              : std::int64_t(load_le(e.key, 0, ks));
      items.push_back(std::move(it));
    }
    // Go's fmt prints maps sorted by key; do the same so output is stable.
    std::stable_sort(items.begin(), items.end(), [&](const item& a, const item& b) {
      return numeric ? a.num < b.num : a.k < b.k;
    });
    std::string s = prefix + "[";
    for (std::size_t i = 0; i < items.size(); ++i)
      s += (i ? ", " : "") + items[i].k + ": " + items[i].v;
    std::uint64_t total = std::max<std::uint64_t>(m.count, items.size());
    std::string tail = more(items.size(), total);
    if (!tail.empty()) s += (items.empty() ? "" : ", ") + tail;
    return s + "]";
  }

  std::string interface_value(const go_type& t, std::span<const std::uint8_t> b, int depth,
                              bool top) {
    std::string name = t.name.empty() ? "interface {}" : t.name;
    std::uint64_t w0 = load_le(b, 0, 8), data = load_le(b, 8, 8);
    if (!w0) return top ? name + " nil" : "nil";
    std::uint64_t rtype = w0;
    if (!t.empty_interface) {  // iface: the first word is the itab, whose _type is its 2nd word
      auto itab = read_bytes(mem, w0, 16);
      rtype = load_le(itab, 8, 8);
    }
    const go_type* dyn = opt.dynamic_type ? opt.dynamic_type(rtype) : nullptr;
    if (!dyn) return fmt::format("{}(type {}) {}", name, hex(rtype), hex(data));
    std::vector<std::uint8_t> val;
    bool direct = dyn->kind == go_kind::pointer || dyn->kind == go_kind::map ||
                  dyn->kind == go_kind::chan || dyn->kind == go_kind::func;
    if (direct) {
      val.resize(8);
      std::memcpy(val.data(), &data, 8);
    } else {
      val = read_bytes(mem, data, std::size_t(dyn->size));
    }
    // A pointer to a struct (most error values) shows what it points at, as fmt's %v does.
    if (dyn->kind == go_kind::pointer && dyn->elem && dyn->elem->kind == go_kind::struct_ && data &&
        depth + 1 < opt.max_depth) {
      auto pointee = read_bytes(mem, data, std::size_t(dyn->elem->size));
      if (pointee.size() == dyn->elem->size)
        return fmt::format("{}({}) &{}", name, dyn->name,
                           value(*dyn->elem, pointee, depth + 2, false));
    }
    return fmt::format("{}({}) {}", name, dyn->name, value(*dyn, val, depth + 1, false));
  }
};

}  // namespace

std::string format_value(const go_type& type, std::span<const std::uint8_t> bytes,
                         const memory_reader& mem, const format_options& opt) {
  return printer{mem, opt}.value(type, bytes, 0, true);
}

}  // namespace godbg
