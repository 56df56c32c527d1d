#pragma once
// A model of Go types as the debugger needs them to print values, read from DWARF (or built by
// hand in tests). Types point at each other with raw pointers; whoever made them (dwarf_info's
// type cache, or a test) owns them and keeps them alive.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

enum class go_kind {
  invalid,
  boolean,
  int_,      // int, int8..int64 (size tells which)
  uint_,     // uint, uint8..uint64, uintptr
  float_,    // float32, float64
  complex_,  // complex64, complex128
  string,
  pointer,  // also unsafe.Pointer (elem == nullptr)
  struct_,
  array,
  slice,
  map,
  chan,
  func,
  interface,
};

std::string_view kind_name(go_kind k);
// reflect.Kind (DW_AT_go_kind, a runtime type descriptor's kind) as a go_kind.
go_kind go_kind_of_reflect(int reflect_kind);

struct go_type;

struct go_field {
  std::string name;
  std::uint64_t offset = 0;
  const go_type* type = nullptr;
  bool embedded = false;
};

struct go_type {
  go_kind kind = go_kind::invalid;
  std::string name;  // Go's name: "int", "main.point", "[]int", "map[string]int", "*main.point"
  std::uint64_t size = 0;         // bytes
  std::vector<go_field> fields;   // struct (also the runtime layout of string, slice, interface)
  const go_type* elem = nullptr;  // pointer, array, slice, chan: element; map: value type
  const go_type* key = nullptr;   // map
  std::uint64_t length = 0;       // array
  bool empty_interface = false;   // interface: "interface {}" / any (eface) vs iface
  std::uint64_t die_offset = 0;   // 0 for hand-made types
  // Generic code: a function's type parameter (.param0, ...) is a shape type here; the real
  // type's runtime descriptor is word dict_index of the instantiation's dictionary (.dict).
  std::optional<std::uint64_t> dict_index;

  // Maps: the runtime structures behind the map pointer, for the value formatter.
  // Classic maps (Go < 1.24): map_header = hash<K,V> (runtime.hmap), map_group = bucket<K,V>.
  // Swiss maps (Go >= 1.24): map_header = map<K,V> (internal/runtime/maps.Map),
  // map_group = noalg.map.group[K]V, map_table = table<K,V>.
  const go_type* map_header = nullptr;
  const go_type* map_group = nullptr;
  const go_type* map_table = nullptr;
  bool swiss_map() const { return map_table != nullptr; }

  const go_field* field(std::string_view n) const {
    for (const auto& f : fields)
      if (f.name == n) return &f;
    return nullptr;
  }
};

// The types an interface holds in its data word itself (one pointer word: a pointer, map,
// chan, func, or a struct or array of one); the rest are pointed at.
bool pointer_shaped(const go_type& t);

}  // namespace godbg
