#include "dwarf/go_runtime_types.hpp"

#include <fmt/format.h>

#include <vector>

#include "common/error.hpp"
#include "dwarf/go_abi_type.hpp"

namespace godbg {

namespace {

using namespace go_abi;

constexpr int max_depth = 32;

}  // namespace

runtime_type_decoder::runtime_type_decoder(memory_reader mem, std::uint64_t types_base,
                                           std::function<const go_type*(std::string_view)> by_name)
    : mem_(std::move(mem)), types_base_(types_base), by_name_(std::move(by_name)) {}

const go_type* runtime_type_decoder::decode(std::uint64_t addr) {
  try {
    return decode(addr, 0);
  } catch (const error&) {
    return nullptr;
  }
}

// abi.Name: a flags byte, a varint length, the bytes (Go 1.17 and later).
std::string runtime_type_decoder::name_at(std::uint64_t p, std::uint8_t* flags) {
  if (!p) return "";
  auto head = read_bytes(mem_, p, 11);
  if (flags) *flags = head[0];
  std::uint64_t len = 0;
  int shift = 0, i = 1;
  for (; i < 11; ++i) {
    len |= std::uint64_t(head[std::size_t(i)] & 0x7f) << shift;
    if (!(head[std::size_t(i)] & 0x80)) break;
    shift += 7;
  }
  if (len > 4096) fail("type name of {} bytes", len);
  auto b = read_bytes(mem_, p + std::uint64_t(i) + 1, std::size_t(len));
  return {b.begin(), b.end()};
}

std::string runtime_type_decoder::type_string(std::uint64_t, std::span<const std::uint8_t> head) {
  auto off = std::int32_t(load_le(head, type_str, 4));
  std::string s = name_at(types_base_ + std::uint64_t(std::int64_t(off)));
  if ((head[type_tflag] & tflag_extra_star) && !s.empty() && s[0] == '*') s.erase(0, 1);
  return s;
}

const go_type* runtime_type_decoder::decode(std::uint64_t addr, int depth) {
  if (!addr) return nullptr;
  if (auto it = cache_.find(addr); it != cache_.end()) return it->second;
  if (depth > max_depth) fail("type descriptors nested too deep");
  std::vector<std::uint8_t> head = read_bytes(mem_, addr, type_size);
  std::uint8_t k = head[type_kind] & kind_mask;
  bool extended = k == k_pointer || k == k_slice || k == k_chan || k == k_array ||
                  k == k_interface || k == k_struct || k == k_map;
  if (extended) {  // the kind's own fields follow abi.Type
    auto ext = read_bytes(mem_, addr + type_size, 24);
    head.insert(head.end(), ext.begin(), ext.end());
  }
  std::string name = type_string(addr, head);
  if (by_name_)
    if (const go_type* d = by_name_(name); d && d->kind == go_kind_of_reflect(k))
      return cache_[addr] = d;
  owned_.emplace_back();
  go_type& t = owned_.back();
  cache_[addr] = &t;  // before the parts: a type may refer to itself
  t.name = name;
  t.kind = go_kind_of_reflect(k);
  t.size = load_le(head, 0, 8);
  auto ptr_at = [&](std::uint64_t off) { return load_le(head, off, 8); };
  switch (k) {
    case k_pointer:
      t.elem = decode(ptr_at(type_size), depth + 1);
      break;
    case k_unsafe_pointer:
      t.name = "unsafe.Pointer";
      break;
    case k_slice:
      t.elem = decode(ptr_at(type_size), depth + 1);
      break;
    case k_chan:
      t.elem = decode(ptr_at(type_size), depth + 1);
      break;
    case k_array:
      t.elem = decode(ptr_at(type_size), depth + 1);
      t.length = ptr_at(type_size + 16);
      break;
    case k_interface: {
      // interfacetype{Type; PkgPath Name; Methods []Imethod}
      t.empty_interface = load_le(head, type_size + 16, 8) == 0;
      break;
    }
    case k_struct: {
      // structtype{Type; PkgPath Name; Fields []StructField{Name Name; Typ *Type; Offset}}
      std::uint64_t fields = ptr_at(type_size + 8), n = ptr_at(type_size + 16);
      if (n > 4096) fail("struct of {} fields", n);
      auto fb = read_bytes(mem_, fields, std::size_t(n * 24));
      for (std::uint64_t i = 0; i < n; ++i) {
        go_field f;
        std::uint8_t flags = 0;
        f.name = name_at(load_le(fb, i * 24, 8), &flags);
        f.type = decode(load_le(fb, i * 24 + 8, 8), depth + 1);
        f.offset = load_le(fb, i * 24 + 16, 8);
        f.embedded = (flags & (1 << 3)) != 0;
        t.fields.push_back(std::move(f));
      }
      break;
    }
    case k_map: {
      // A map's layout types (hash/bucket, or the Swiss table's) are DWARF's alone: name the
      // map as DWARF would, and use its type when the program has one of the same key and elem.
      const go_type* key = decode(ptr_at(type_size), depth + 1);
      const go_type* elem = decode(ptr_at(type_size + 8), depth + 1);
      if (key && elem && by_name_)
        if (const go_type* d = by_name_("map[" + key->name + "]" + elem->name))
          return cache_[addr] = d;
      t.key = key;
      t.elem = elem;
      break;
    }
    default:
      break;
  }
  return &t;
}

}  // namespace godbg
