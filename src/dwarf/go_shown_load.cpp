// Loading a value for display with Delve's limits: pointers are followed without counting a
// level (a pointer to an interface counts one), struct fields, array/slice elements and map
// entries are one level down, and below max_recurse structs are shown by address, maps as [...].
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "dwarf/dwarf_go_maps.hpp"
#include "dwarf/go_number_text.hpp"
#include "dwarf/go_shown.hpp"

namespace godbg {

namespace {

// Where a value is: in the program's memory at addr, or in bytes held here (registers, computed
// values, parts of what was read in bulk). addr is kept for display even when bytes are held.
struct place {
  std::uint64_t addr = 0;
  bool in_memory = false;
  std::span<const std::uint8_t> bytes;  // when !in_memory, or a prefetched copy
  bool has_bytes = false;
};

// Pointer chains without structs between them never add a level; this bounds them anyway.
constexpr int max_pointer_chain = 64;

struct loader {
  const printer_env& env;
  const print_limits& lim;
  int chain = 0;

  // An integer of `size` bytes in the format print asked for.
  std::string integer_text(std::uint64_t bits, std::size_t size, bool is_signed) const {
    std::int64_t sv = load_le_signed(
        std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(&bits), 8), 0, size);
    switch (lim.int_format) {
      case 'x':
        return fmt::format("{:#x}", bits);
      case 'o':
        return bits ? fmt::format("0{:o}", bits) : "0";
      case 't':
        return fmt::format("{:b}", bits);
      case 'u':
        return fmt::format("{}", bits);
      case 'd':
        return fmt::format("{}", sv);
      case 'c': {
        std::int64_t c = is_signed ? sv : std::int64_t(bits);
        std::string ch;
        if (c >= 0x20 && c < 0x7f)
          ch = std::string(1, char(c));
        else
          ch = fmt::format("\\x{:02x}", std::uint64_t(c) & 0xff);
        return fmt::format("{} '{}'", c, ch);
      }
      default:
        return is_signed ? fmt::format("{}", sv) : fmt::format("{}", bits);
    }
  }

  std::vector<std::uint8_t> read(const place& p, std::uint64_t off, std::uint64_t n) {
    if (p.has_bytes) {
      if (off > p.bytes.size() || p.bytes.size() - off < n)
        fail("value of {} bytes past the {} held", off + n, p.bytes.size());
      return {p.bytes.begin() + off, p.bytes.begin() + off + n};
    }
    if (!p.in_memory) fail("value is not in memory");
    return read_bytes(env.mem, p.addr + off, std::size_t(n));
  }

  static place sub(const place& p, std::uint64_t off, std::uint64_t n) {
    place q;
    q.addr = p.addr ? p.addr + off : 0;
    q.in_memory = p.in_memory;
    if (p.has_bytes && off <= p.bytes.size() && p.bytes.size() - off >= n) {
      q.bytes = p.bytes.subspan(off, n);
      q.has_bytes = true;
    }
    return q;
  }

  static place at(std::uint64_t addr) {
    place p;
    p.addr = addr;
    p.in_memory = true;
    return p;
  }

  shown_value load(const go_type& t, const place& p, int level) {
    shown_value v;
    v.kind = t.kind;
    v.type = t.name;
    v.addr = p.addr;
    try {
      fill(v, t, p, level);
    } catch (const error& e) {
      v.unreadable = e.what();
      v.children.clear();
    }
    return v;
  }

  void fill(shown_value& v, const go_type& t, const place& p, int level) {
    std::size_t sz = std::size_t(std::min<std::uint64_t>(t.size, 8));
    switch (t.kind) {
      case go_kind::boolean: {
        auto b = read(p, 0, 1);
        v.value = b[0] ? "true" : "false";
        v.has_value = true;
        return;
      }
      case go_kind::int_:
      case go_kind::uint_: {
        auto b = read(p, 0, sz);
        std::uint64_t bits = load_le(b, 0, sz);
        v.value = integer_text(bits, sz, t.kind == go_kind::int_);
        v.has_value = true;
        // A named type's constants name its values, as Delve shows them: Tuesday (2). Only
        // types of a package (a dot in the name), not int itself, and not in /x and the like.
        if (env.constant_name && lim.int_format == 0 && t.name.find('.') != std::string::npos &&
            t.name.rfind("C.", 0) != 0) {
          std::int64_t n = t.kind == go_kind::int_ ? load_le_signed(b, 0, sz) : std::int64_t(bits);
          if (std::string d = env.constant_name(t, n); !d.empty())
            v.value = fmt::format("{} ({})", d, v.value);
        }
        return;
      }
      case go_kind::float_: {
        auto b = read(p, 0, t.size == 4 ? 4 : 8);
        v.value = float_text(load_le_float(b, 0, t.size == 4 ? 4 : 8), t.size == 4 ? 32 : 64);
        v.has_value = true;
        return;
      }
      case go_kind::complex_: {
        std::size_t half = t.size == 8 ? 4 : 8;
        auto b = read(p, 0, 2 * half);
        int bits = half == 4 ? 32 : 64;
        v.value = fmt::format("({} + {}i)", float_text(load_le_float(b, 0, half), bits),
                              float_text(load_le_float(b, half, half), bits));
        v.has_value = true;
        return;
      }
      case go_kind::string:
        return string(v, t, p);
      case go_kind::pointer:
        return pointer(v, t, p, level);
      case go_kind::struct_:
        return structure(v, t, p, level);
      case go_kind::array: {
        v.len = std::int64_t(t.length);
        v.base = p.addr;
        if (!t.elem) fail("array {} has no element type", t.name);
        return elements(v, *t.elem, p, t.length, level);
      }
      case go_kind::slice:
        return slice(v, t, p, level);
      case go_kind::map:
        return map(v, t, p, level);
      case go_kind::chan:
        return chan(v, p);
      case go_kind::func:
        return func(v, p, level);
      case go_kind::interface:
        return iface(v, t, p, level);
      case go_kind::invalid:
        break;
    }
    fail("unknown or unsupported kind of {}", t.name.empty() ? "type" : t.name);
  }

  std::uint64_t field_offset(const go_type& t, std::string_view name, std::uint64_t dflt) {
    const go_field* f = t.field(name);
    return f ? f->offset : dflt;
  }

  void string(shown_value& v, const go_type& t, const place& p) {
    auto h = read(p, 0, 16);
    std::uint64_t data = load_le(h, field_offset(t, "str", 0), 8);
    auto len = std::int64_t(load_le(h, field_offset(t, "len", 8), 8));
    v.base = data;
    v.len = len;
    v.has_value = true;
    if (len < 0) fail("invalid string length {}", len);
    std::uint64_t n = std::min<std::uint64_t>(std::uint64_t(len), lim.max_string);
    if (n) {
      auto b = read_bytes(env.mem, data, std::size_t(n));
      v.value.assign(b.begin(), b.end());
    }
  }

  void pointer(shown_value& v, const go_type& t, const place& p, int level) {
    std::uint64_t ptr = load_le(read(p, 0, 8), 0, 8);
    v.base = ptr;
    if (!t.elem || t.name == "unsafe.Pointer") {
      v.unsafe_pointer = true;
      return;
    }
    v.len = 1;
    shown_value child;
    child.kind = t.elem->kind;
    child.type = t.elem->name;
    child.addr = ptr;
    child.is_nil = ptr == 0;
    if (ptr && ++chain <= max_pointer_chain) {
      int next = level + (t.elem->kind == go_kind::interface ? 1 : 0);
      child = load(*t.elem, at(ptr), next);
    }
    if (ptr) --chain;
    v.children.push_back(std::move(child));
  }

  void structure(shown_value& v, const go_type& t, const place& p, int level) {
    v.len = std::int64_t(t.fields.size());
    if (level > lim.max_recurse) return;  // shown by address
    // Read the struct once; its fields come from the copy.
    place held = p;
    std::vector<std::uint8_t> copy;
    if (!p.has_bytes && t.size <= (1u << 20)) {
      copy = read(p, 0, t.size);
      held.bytes = copy;
      held.has_bytes = true;
    }
    for (const auto& f : t.fields) {
      if (!f.type) {
        shown_value u;
        u.name = f.name;
        u.unreadable = "field of unknown type";
        v.children.push_back(std::move(u));
        continue;
      }
      shown_value c = load(*f.type, sub(held, f.offset, f.type->size), level + 1);
      c.name = f.name;
      v.children.push_back(std::move(c));
    }
    if (t.name == "time.Time") time_value(v, t);
  }

  // time.Time: the date in the value, the fields as they are.
  void time_value(shown_value& v, const go_type& t) {
    const shown_value *wall = nullptr, *ext = nullptr, *loc = nullptr;
    for (const auto& c : v.children) {
      if (c.name == "wall") wall = &c;
      if (c.name == "ext") ext = &c;
      if (c.name == "loc") loc = &c;
    }
    if (!wall || !ext || !wall->has_value || !ext->has_value) return;
    std::uint64_t w = std::stoull(wall->value);
    std::int64_t e = std::stoll(ext->value);
    std::optional<int> offset = 0;
    const go_field* lf = t.field("loc");
    if (loc && loc->base && lf && lf->type && lf->type->elem)
      offset = zone_offset(*lf->type->elem, loc->base, w, e);
    v.value = time_text(w, e, offset);
    v.has_value = true;
  }

  static std::uint64_t offset_of(const go_type& t, std::string_view name, std::uint64_t dflt) {
    const go_field* f = t.field(name);
    return f ? f->offset : dflt;
  }

  // The offset of the zone in effect at the time (time.Location.lookup: its cache, else its
  // transitions); nullopt when the Location cannot be read.
  std::optional<int> zone_offset(const go_type& location, std::uint64_t loc, std::uint64_t wall,
                                 std::int64_t ext) {
    try {
      auto l = read_bytes(env.mem, loc, std::size_t(std::max<std::uint64_t>(location.size, 104)));
      std::uint64_t zone_off = offset_of(location, "zone", 16);
      std::uint64_t tx_off = offset_of(location, "tx", 40);
      std::uint64_t zones = load_le(l, zone_off, 8), nzones = load_le(l, zone_off + 8, 8);
      std::uint64_t tx = load_le(l, tx_off, 8), ntx = load_le(l, tx_off + 8, 8);
      auto cache_start = std::int64_t(load_le(l, offset_of(location, "cacheStart", 80), 8));
      auto cache_end = std::int64_t(load_le(l, offset_of(location, "cacheEnd", 88), 8));
      std::uint64_t cache_zone = load_le(l, offset_of(location, "cacheZone", 96), 8);
      // zone{name string; offset int; isDST bool}
      std::uint64_t zone_size = 32, zone_offset_field = 16;
      if (const go_field* zf = location.field("zone"); zf && zf->type && zf->type->elem) {
        zone_size = zf->type->elem->size;
        zone_offset_field = offset_of(*zf->type->elem, "offset", 16);
      }
      constexpr std::int64_t day = 86400;
      constexpr std::int64_t wall_to_internal =
          (1884 * 365 + 1884 / 4 - 1884 / 100 + 1884 / 400) * day;
      constexpr std::int64_t unix_to_internal =
          (1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400) * day;
      std::int64_t sec = (wall >> 63) ? std::int64_t((wall << 1) >> 31) + wall_to_internal : ext;
      std::int64_t unix = sec - unix_to_internal;
      auto zone_at = [&](std::uint64_t z) {
        return int(std::int64_t(load_le(read_bytes(env.mem, z, zone_size), zone_offset_field, 8)));
      };
      if (cache_zone && unix >= cache_start && unix < cache_end) return zone_at(cache_zone);
      if (nzones == 0) return 0;
      if (nzones == 1 || ntx == 0) return zone_at(zones);
      // zoneTrans{when int64; index uint8; isstd, isutc bool}: 16 bytes each.
      std::uint64_t n = std::min<std::uint64_t>(ntx, 1u << 16);
      auto trans = read_bytes(env.mem, tx, std::size_t(n * 16));
      std::uint64_t idx = 0;
      for (std::uint64_t k = 0; k < n; ++k) {
        if (std::int64_t(load_le(trans, k * 16, 8)) > unix) break;
        idx = load_le(trans, k * 16 + 8, 1);
      }
      if (idx >= nzones) return std::nullopt;
      return zone_at(zones + idx * zone_size);
    } catch (const error&) {
      return std::nullopt;
    }
  }

  void elements(shown_value& v, const go_type& elem, const place& p, std::uint64_t total,
                int level) {
    std::uint64_t n = std::min<std::uint64_t>(total, lim.max_array);
    place held = p;
    std::vector<std::uint8_t> copy;
    // One read for every element shown (Delve prefetches the same way).
    if (!p.has_bytes && n && elem.size && n * elem.size <= (4u << 20)) {
      copy = read(p, 0, n * elem.size);
      held.bytes = copy;
      held.has_bytes = true;
    }
    int errors = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      shown_value c = load(elem, sub(held, i * elem.size, elem.size), level + 1);
      if (!c.unreadable.empty()) ++errors;
      v.children.push_back(std::move(c));
      if (errors > 3) break;  // a bad array: the first few errors say enough
    }
  }

  void slice(shown_value& v, const go_type& t, const place& p, int level) {
    auto h = read(p, 0, 24);
    v.base = load_le(h, field_offset(t, "array", 0), 8);
    v.len = std::int64_t(load_le(h, field_offset(t, "len", 8), 8));
    v.cap = std::int64_t(load_le(h, field_offset(t, "cap", 16), 8));
    if (v.len < 0) fail("invalid slice length {}", v.len);
    if (!t.elem) fail("slice {} has no element type", t.name);
    if (!v.base) return;
    elements(v, *t.elem, at(v.base), std::uint64_t(v.len), level);
  }

  void map(shown_value& v, const go_type& t, const place& p, int level) {
    std::uint64_t ptr = load_le(read(p, 0, 8), 0, 8);
    v.base = ptr;
    if (!ptr) return;
    if (!t.key || !t.elem) fail("map {} has no key or element type", t.name);
    bool load_entries = level <= lim.max_recurse;
    map_contents m = read_map(t, ptr, env.mem, load_entries ? lim.max_array : 0);
    v.len = std::int64_t(m.count);
    for (const auto& e : m.entries) {
      place k, val;
      k.addr = e.key_addr;
      k.bytes = e.key;
      k.has_bytes = true;
      val.addr = e.value_addr;
      val.bytes = e.value;
      val.has_bytes = true;
      v.children.push_back(load(*t.key, k, level + 1));
      v.children.push_back(load(*t.elem, val, level + 1));
    }
  }

  void chan(shown_value& v, const place& p) {
    std::uint64_t ptr = load_le(read(p, 0, 8), 0, 8);
    v.base = ptr;
    if (!ptr) return;
    // hchan{qcount, dataqsiz uint; ...}: the first two words in every Go release.
    auto h = read_bytes(env.mem, ptr, 16);
    v.len = std::int64_t(load_le(h, 0, 8));
    v.cap = std::int64_t(load_le(h, 8, 8));
  }

  void func(shown_value& v, const place& p, int level) {
    std::uint64_t closure = load_le(read(p, 0, 8), 0, 8);
    if (!closure) return;
    std::uint64_t pc = load_le(read_bytes(env.mem, closure, 8), 0, 8);
    v.base = pc;
    auto name = env.function_at ? env.function_at(pc) : std::nullopt;
    if (!name) fail("could not find function for {:#x}", pc);
    v.value = *name;
    v.has_value = true;
    if (!env.closure_captures) return;
    for (const auto& c : env.closure_captures(*name)) {
      if (!c.type) continue;
      shown_value cv;
      if (c.by_reference) {
        try {
          std::uint64_t a = load_le(read_bytes(env.mem, closure + c.offset, 8), 0, 8);
          cv = load(*c.type, at(a), level + 1);
        } catch (const error& e) {
          cv.kind = c.type->kind;
          cv.type = c.type->name;
          cv.unreadable = e.what();
        }
      } else {
        cv = load(*c.type, at(closure + c.offset), level + 1);
      }
      cv.name = c.name;
      v.children.push_back(std::move(cv));
    }
  }

  void iface(shown_value& v, const go_type& t, const place& p, int level) {
    auto w = read(p, 0, 16);
    std::uint64_t tab = load_le(w, 0, 8), data = load_le(w, 8, 8);
    shown_value d;
    d.kind = go_kind::invalid;
    d.is_nil = true;
    if (!tab) {  // nil interface
      v.children.push_back(std::move(d));
      return;
    }
    std::uint64_t rtype = t.empty_interface ? tab : load_le(read_bytes(env.mem, tab + 8, 8), 0, 8);
    const go_type* dyn = env.type_of_descriptor ? env.type_of_descriptor(rtype) : nullptr;
    if (!dyn) fail("could not resolve interface type (runtime type {:#x})", rtype);
    // Pointer-shaped values (a pointer, map, chan, func, or a struct/array of one) sit in the
    // data word itself; the rest are pointed at.
    place dp;
    std::vector<std::uint8_t> word(8);
    if (pointer_shaped(*dyn)) {
      std::memcpy(word.data(), &data, 8);
      dp.bytes = word;
      dp.has_bytes = true;
      dp.addr = p.addr ? p.addr + 8 : 0;
    } else {
      dp = at(data);
    }
    d.is_nil = false;
    if (level <= lim.max_recurse) {
      d = load(*dyn, dp, level);
    } else {
      d.kind = dyn->kind;
      d.type = dyn->name;
      d.addr = data;
      d.only_addr = true;
    }
    v.children.push_back(std::move(d));
  }
};

}  // namespace

shown_value load_shown(const printer_env& env, const go_type& t, std::optional<std::uint64_t> addr,
                       std::span<const std::uint8_t> bytes, const print_limits& limits) {
  loader l{env, limits};
  place p;
  if (addr) {
    p.addr = *addr;
    p.in_memory = true;
  }
  if (!addr || !bytes.empty()) {
    p.bytes = bytes;
    p.has_bytes = true;
  }
  return l.load(t, p, 0);
}

}  // namespace godbg
