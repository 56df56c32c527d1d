#pragma once
// The ELF symbol table (.symtab, else .dynsym), indexed by name and by address.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/address.hpp"
#include "dwarf/elf_file.hpp"

namespace godbg {

struct symbol {
  std::string name;
  file_addr addr;
  std::uint64_t size = 0;
  bool is_func = false;
};

class elf_symbols {
 public:
  explicit elf_symbols(const elf_file& f);  // .symtab, else .dynsym; empty if neither
  bool empty() const { return syms_.empty(); }
  // Exact name, or the Go assembly name with ".abi0" appended ("runtime.rt0_go" finds
  // "runtime.rt0_go.abi0"); also a trailing ".abi0" in the query is accepted.
  const symbol* by_name(std::string_view name) const;
  // The function symbol covering a (size 0: nearest preceding, but only inside the executable
  // segment that holds it: runtime.etext, the size-0 symbol at the end of Go's text, does not
  // cover every address above it).
  const symbol* containing(file_addr a) const;
  const std::vector<symbol>& all() const { return syms_; }  // sorted by address
  // Problems met while reading (bad string offsets, truncated table); never fatal.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  void read_table(const elf_file& f, const elf_section& tab);

  std::vector<symbol> syms_;
  std::vector<std::uint32_t> funcs_;  // indices into syms_ of function symbols, by address
  std::unordered_map<std::string_view, std::uint32_t> by_name_;  // views into syms_ names
  std::vector<std::string> warnings_;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> code_;  // executable PT_LOADs [lo, hi)
};

}  // namespace godbg
