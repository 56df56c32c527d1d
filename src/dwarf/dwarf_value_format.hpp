#pragma once
// Prints a typed Go value the way `print` shows it (Delve-like %v with types): 41, "hello",
// (*main.point)(0xc000012345), main.point {X: 3, Y: 4, Name: "origin"},
// []int len: 5, cap: 5, [2,3,5,7,11], map[string]int ["gopher": 13, "ken": 82].
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

struct format_options {
  std::size_t max_elements = 64;  // array/slice/map elements shown; the rest as "...+N more"
  std::size_t max_string = 512;   // string bytes shown
  int max_depth = 4;              // nesting of composite values before "{...}"
  // An interface's dynamic type from its runtime type descriptor address (the _type word, or
  // itab->_type); nullptr when unknown. Without it interfaces print as their two words.
  std::function<const go_type*(std::uint64_t)> dynamic_type;
};

// bytes: the value itself (type.size bytes). Memory it points at (string data, slice arrays,
// map tables) is read through mem. Unreadable memory shows as <unreadable ...>, never throws.
std::string format_value(const go_type& type, std::span<const std::uint8_t> bytes,
                         const memory_reader& mem, const format_options& opt = {});

// Go's strconv.Quote of raw bytes (UTF-8 passed through, control bytes escaped).
std::string go_quote(std::string_view s);

}  // namespace godbg
