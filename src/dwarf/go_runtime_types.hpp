#pragma once
// Types read from the runtime's own type descriptors (abi.Type and the extension each kind
// adds), for an interface's dynamic type that DWARF does not describe: the linker writes DWARF
// only for the types variables and functions use, while an interface may hold a [2]bool or a
// *main.Circle that nothing else names.
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dwarf/dwarf_memory.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

class runtime_type_decoder {
 public:
  // types_base: the run-time address of moduledata.types (runtime.types), which a descriptor's
  // name offset counts from. by_name: a DWARF type of that Go name, preferred when there is one.
  runtime_type_decoder(memory_reader mem, std::uint64_t types_base,
                       std::function<const go_type*(std::string_view)> by_name);

  // The type at descriptor `addr`, or nullptr when it cannot be read.
  const go_type* decode(std::uint64_t addr);

 private:
  const go_type* decode(std::uint64_t addr, int depth);
  std::string name_at(std::uint64_t name_ptr, std::uint8_t* flags = nullptr);
  std::string type_string(std::uint64_t addr, std::span<const std::uint8_t> head);

  memory_reader mem_;
  std::uint64_t types_base_;
  std::function<const go_type*(std::string_view)> by_name_;
  std::deque<go_type> owned_;
  std::unordered_map<std::uint64_t, const go_type*> cache_;
};

}  // namespace godbg
