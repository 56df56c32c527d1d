#pragma once
// One Go (or native) executable as godbg knows it: ELF symbols, .gopclntab, DWARF and build info
// joined behind one set of questions ("where is main.main?", "what is at this pc?"), each
// answered from the richest source that has the answer. Opening is cheap; DWARF is opened on
// first use.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "dwarf/buildinfo.hpp"
#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

class dwarf_info;
class eh_frame;

struct function_info {
  std::string name;  // Go name: no ".abi0"
  file_addr entry, end;
  bool is_asm = false;  // written in assembly (no Go prologue to skip)
};

struct source_pos {
  std::string file;
  int line = 0;
};

class binary {
 public:
  // Throws godbg::error ("PATH: not an ELF file", ...) when the file cannot be debugged at all.
  static std::unique_ptr<binary> open(const std::string& path);
  ~binary();

  const std::string& path() const { return path_; }
  const elf_file& elf() const { return *elf_; }
  const elf_symbols& symbols() const { return *symbols_; }
  const gopclntab* pclntab() const { return pclntab_.get(); }
  const dwarf_info* dwarf() const;    // nullptr if the binary has none
  const eh_frame* eh_frames() const;  // C code's call frame information; nullptr if none
  // Whether DWARF has been opened (and its sections inflated): what a fast path must avoid.
  bool dwarf_loaded() const { return dwarf_ != nullptr; }
  const std::optional<build_info>& build() const { return build_; }
  bool is_go() const { return pclntab_ != nullptr || build_.has_value(); }
  std::optional<std::string> go_version() const;
  std::string symbol_source() const;  // "dwarf", "symtab", "pclntab" or "none"

  std::optional<function_info> function_by_name(std::string_view name) const;
  std::optional<function_info> function_at(file_addr pc) const;
  // Innermost position at pc (inlined calls included).
  std::optional<source_pos> line_at(file_addr pc) const;
  // Innermost function at pc when inlined, else the physical one.
  std::optional<std::string> innermost_function_at(file_addr pc) const;
  // Statement starts of FILE:LINE, first pc per function, sorted.
  std::vector<file_addr> pcs_for_line(std::string_view file, int line) const;
  // The full path a FILE names (a suffix like "main.go" is enough when unique).
  std::optional<std::string> resolve_file(std::string_view file) const;
  // Names of functions starting with prefix (for completion), at most `limit`.
  std::vector<std::string> function_names(std::string_view prefix, std::size_t limit) const;
  std::vector<std::string> warnings() const;

 private:
  binary() = default;
  std::optional<function_info> go_function_by_symbol(std::string_view plain) const;
  std::string path_;
  std::unique_ptr<elf_file> elf_;
  std::unique_ptr<elf_symbols> symbols_;
  std::unique_ptr<gopclntab> pclntab_;
  std::optional<build_info> build_;
  bool has_dwarf_sections_ = false;
  mutable bool dwarf_tried_ = false;
  mutable std::unique_ptr<dwarf_info> dwarf_;
  mutable std::vector<std::string> dwarf_warnings_;
  bool has_eh_frame_ = false;
  mutable bool eh_tried_ = false;
  mutable std::unique_ptr<eh_frame> eh_;
};

std::string strip_abi_suffix(std::string_view name);

}  // namespace godbg
