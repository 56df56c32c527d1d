#include "dwarf/dwarf_go_maps.hpp"

#include <set>

namespace godbg {

namespace {

// Walk limits, so a corrupt or racing map cannot keep the debugger busy.
constexpr std::uint64_t max_buckets = 1u << 16;
constexpr std::uint64_t max_chain = 1u << 10;
constexpr std::uint64_t max_tables = 1u << 12;
constexpr std::uint64_t max_groups = 1u << 16;
constexpr int slots_per_group = 8;  // bucketCnt (classic) and abi.MapGroupSlots (Swiss)

const go_field& need_field(const go_type* t, std::string_view name, std::string_view alt = {}) {
  if (!t) fail("map layout type is missing from the DWARF");
  const go_field* f = t->field(name);
  if (!f && !alt.empty()) f = t->field(alt);
  if (!f || !f->type) fail("map layout type {} has no field {}", t->name, name);
  return *f;
}

std::uint64_t field_u(std::span<const std::uint8_t> b, const go_field& f) {
  return load_le(b, f.offset, std::size_t(std::min<std::uint64_t>(f.type->size, 8)));
}

struct walker {
  const go_type& map;
  const memory_reader& mem;
  std::size_t max_entries;
  map_contents out;

  bool full() {
    if (out.entries.size() < max_entries) return false;
    out.truncated = true;
    return true;
  }

  // A key or value slot: inline, or a pointer to it when the runtime stores it indirectly
  // (keys or values over 128 bytes).
  // base: the address of b in the program; at: where the slot's value lives (set here).
  std::vector<std::uint8_t> slot(std::span<const std::uint8_t> b, std::uint64_t base,
                                 std::uint64_t off, const go_type* slot_type, const go_type* want,
                                 std::uint64_t& at) {
    std::uint64_t size = want ? want->size : 0;
    bool indirect = slot_type && want && slot_type->kind == go_kind::pointer &&
                    want->kind != go_kind::pointer && want->size > 128;
    if (indirect) {
      at = load_le(b, off, 8);
      return read_bytes(mem, at, size);
    }
    if (off + size > b.size()) fail("map slot past its group");
    at = base + off;
    return {b.begin() + off, b.begin() + off + size};
  }

  void classic(std::uint64_t ptr) {
    const go_type* h = map.map_header;
    const go_type* bucket = map.map_group;
    if (!h || !bucket) fail("map {}: hash/bucket layout types missing", map.name);
    auto hdr = read_bytes(mem, ptr, h->size);
    out.count = field_u(hdr, need_field(h, "count"));
    std::uint64_t b = field_u(hdr, need_field(h, "B"));
    std::uint64_t buckets = field_u(hdr, need_field(h, "buckets"));
    std::uint64_t old = field_u(hdr, need_field(h, "oldbuckets"));
    const go_field& tophash = need_field(bucket, "tophash");
    const go_field& keys = need_field(bucket, "keys");
    const go_field& vals = need_field(bucket, "values", "elems");
    const go_field& overflow = need_field(bucket, "overflow");
    std::uint64_t nb = b < 32 ? (std::uint64_t(1) << b) : max_buckets;
    if (!buckets) return;
    if (nb > max_buckets) {
      nb = max_buckets;
      out.truncated = true;
    }
    // During a grow, a new bucket whose old bucket is not yet evacuated is empty: its entries
    // are read from the old bucket instead, once (from the first new bucket of the pair). The
    // order is Delve's, so the two show maps alike.
    std::uint64_t oldmask = nb / 2 ? nb / 2 - 1 : 0;
    for (std::uint64_t i = 0; i < nb; ++i) {
      std::uint64_t addr = buckets + i * bucket->size;
      if (old) {
        std::uint64_t oi = i & oldmask;
        std::uint64_t oaddr = old + oi * bucket->size;
        if (!evacuated(oaddr, tophash)) {
          if (oi != i) continue;
          addr = oaddr;
        }
      }
      walk_chain(addr, *bucket, tophash, keys, vals, overflow);
      if (out.truncated) return;
    }
  }

  // The first tophash of an evacuated bucket is one of evacuatedX/Y/Empty (2..4).
  bool evacuated(std::uint64_t bucket_addr, const go_field& tophash) {
    auto t = read_bytes(mem, bucket_addr + tophash.offset, 1);
    return t[0] > 1 && t[0] < 5;
  }

  void walk_chain(std::uint64_t addr, const go_type& bucket, const go_field& tophash,
                  const go_field& keys, const go_field& vals, const go_field& overflow) {
    constexpr std::uint8_t min_top_hash = 5;
    for (std::uint64_t link = 0; addr && link < max_chain; ++link) {
      auto bb = read_bytes(mem, addr, bucket.size);
      for (int j = 0; j < slots_per_group; ++j) {
        if (load_le(bb, tophash.offset + j, 1) < min_top_hash) continue;
        if (full()) return;
        const go_type* kslot = keys.type->elem;
        const go_type* vslot = vals.type->elem;
        map_entry e;
        e.key =
            slot(bb, addr, keys.offset + j * (kslot ? kslot->size : 0), kslot, map.key, e.key_addr);
        e.value = slot(bb, addr, vals.offset + j * (vslot ? vslot->size : 0), vslot, map.elem,
                       e.value_addr);
        out.entries.push_back(std::move(e));
      }
      addr = load_le(bb, overflow.offset, 8);
    }
  }

  void swiss(std::uint64_t ptr) {
    const go_type* h = map.map_header;
    const go_type* group = map.map_group;
    const go_type* table = map.map_table;
    if (!h || !group || !table) fail("map {}: Swiss table layout types missing", map.name);
    auto hdr = read_bytes(mem, ptr, h->size);
    out.count = field_u(hdr, need_field(h, "used"));
    std::uint64_t dir = field_u(hdr, need_field(h, "dirPtr"));
    auto dir_len = std::int64_t(field_u(hdr, need_field(h, "dirLen")));
    if (!dir) return;
    if (dir_len == 0) {  // a small map: dirPtr is its only group
      walk_group(dir, *group);
      return;
    }
    if (dir_len < 0 || std::uint64_t(dir_len) > max_tables)
      fail("map directory length {} is implausible", dir_len);
    auto dir_bytes = read_bytes(mem, dir, std::size_t(dir_len) * 8);
    std::set<std::uint64_t> seen;  // a table appears once per directory slot it covers
    const go_field& groups = need_field(table, "groups");
    const go_field& data = need_field(groups.type, "data");
    const go_field& mask = need_field(groups.type, "lengthMask");
    for (std::int64_t i = 0; i < dir_len; ++i) {
      std::uint64_t t = load_le(dir_bytes, std::uint64_t(i) * 8, 8);
      if (!t || !seen.insert(t).second) continue;
      auto tb = read_bytes(mem, t, table->size);
      std::uint64_t g = load_le(tb, groups.offset + data.offset, 8);
      std::uint64_t n = load_le(tb, groups.offset + mask.offset, 8) + 1;
      if (n > max_groups) {
        n = max_groups;
        out.truncated = true;
      }
      for (std::uint64_t k = 0; k < n && g; ++k) {
        walk_group(g + k * group->size, *group);
        if (out.truncated) return;
      }
    }
  }

  // A group holds 8 slots: interleaved (slots [8]struct{key; elem}) or, with
  // GOEXPERIMENT=mapsplitgroup, split (keys [8]K; elems [8]V).
  void walk_group(std::uint64_t addr, const go_type& group) {
    const go_field& ctrl = need_field(&group, "ctrl");
    auto gb = read_bytes(mem, addr, group.size);
    std::uint64_t c = load_le(gb, ctrl.offset, 8);
    const go_field* slots = group.field("slots");
    const go_field* keys = group.field("keys");
    const go_field* elems = group.field("elems");
    if (!slots && !(keys && elems && keys->type && elems->type))
      fail("map group {} has neither slots nor keys and elems", group.name);
    const go_type* slot_t = slots && slots->type ? slots->type->elem : nullptr;
    if (slots && !slot_t) fail("map group {} has no slot type", group.name);
    for (int j = 0; j < slots_per_group; ++j) {
      if ((c >> (8 * j)) & 0x80) continue;  // empty or deleted; full slots keep the high bit clear
      if (full()) return;
      map_entry e;
      if (slots) {
        const go_field& key = need_field(slot_t, "key");
        const go_field& elem = need_field(slot_t, "elem");
        std::uint64_t base = slots->offset + std::uint64_t(j) * slot_t->size;
        e.key = slot(gb, addr, base + key.offset, key.type, map.key, e.key_addr);
        e.value = slot(gb, addr, base + elem.offset, elem.type, map.elem, e.value_addr);
      } else {
        const go_type* kt = keys->type->elem;
        const go_type* vt = elems->type->elem;
        e.key = slot(gb, addr, keys->offset + std::uint64_t(j) * (kt ? kt->size : 0), kt, map.key,
                     e.key_addr);
        e.value = slot(gb, addr, elems->offset + std::uint64_t(j) * (vt ? vt->size : 0), vt,
                       map.elem, e.value_addr);
      }
      out.entries.push_back(std::move(e));
    }
  }
};

}  // namespace

map_contents read_map(const go_type& map_type, std::uint64_t map_ptr, const memory_reader& mem,
                      std::size_t max_entries) {
  walker w{map_type, mem, max_entries, {}};
  if (!map_ptr) return w.out;
  if (map_type.swiss_map())
    w.swiss(map_ptr);
  else
    w.classic(map_ptr);
  return std::move(w.out);
}

}  // namespace godbg
