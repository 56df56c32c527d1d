#pragma once
// The entries of a Go map read from a stopped process: the classic hmap/bucket layout
// (Go < 1.24) and Swiss tables (Go >= 1.24, internal/runtime/maps), both described by the types
// the linker emits (hash<K,V>/bucket<K,V>, map<K,V>/table<K,V>/noalg.map.group[K]V).
#include <cstdint>
#include <vector>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

struct map_entry {
  std::vector<std::uint8_t> key, value;        // key->size and elem->size bytes
  std::uint64_t key_addr = 0, value_addr = 0;  // where they live in the program
};

struct map_contents {
  std::uint64_t count = 0;  // the map's own count of live entries
  std::vector<map_entry> entries;
  bool truncated = false;  // stopped at max_entries (or a walk limit) before the end
};

// map_ptr is the map value itself (a pointer to the runtime header; 0 for a nil map). Throws
// godbg::error when the layout types are missing or the memory is unreadable.
map_contents read_map(const go_type& map_type, std::uint64_t map_ptr, const memory_reader& mem,
                      std::size_t max_entries);

}  // namespace godbg
