#pragma once
// One Go (or native) executable as godbg knows it: ELF symbols, .gopclntab, DWARF and build info
// joined behind one set of questions ("where is main.main?", "what is at this pc?"), each
// answered from the richest source that has the answer. Opening is cheap; DWARF is opened on
// first use.
#include <functional>
#include <map>
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
namespace dw {
struct section_source;
}

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
  // A shared library: symbols, DWARF and .eh_frame only, no Go tables looked for (a C library
  // has none, and a scan for them would cost every session a pass over libc).
  static std::unique_ptr<binary> open_library(const std::string& path);
  ~binary();

  const std::string& path() const { return path_; }
  const elf_file& elf() const { return *elf_; }
  const elf_symbols& symbols() const { return *symbols_; }
  const gopclntab* pclntab() const { return pclntab_.get(); }
  const dwarf_info* dwarf() const;    // nullptr if the binary has none
  const eh_frame* eh_frames() const;  // C code's call frame information; nullptr if none
  // Whether DWARF has been opened (and its sections inflated): what a fast path must avoid.
  bool dwarf_loaded() const { return dwarf_ != nullptr; }
  // Starts inflating DWARF's sections in the background now, for a dwarf() soon (godbg dap:
  // the editor reads variables at the first stop); nothing when there is no DWARF, or it is
  // open already. The sections' memory is taken whether or not dwarf() is ever called.
  void prefetch_dwarf() const;
  // The bytes of the .debug_* sections, inflated, from the section headers alone.
  std::uint64_t dwarf_size() const { return dwarf_size_; }
  const std::optional<build_info>& build() const { return build_; }
  bool is_go() const { return pclntab_ != nullptr || build_.has_value(); }
  // From .go.buildinfo, else from runtime.buildVersion (go_build_version.hpp).
  std::optional<std::string> go_version() const;
  // Where go_version() came from: "buildinfo", "runtime.buildVersion", or "" when unknown.
  std::string_view go_version_source() const { return go_version_from_; }
  std::string symbol_source() const;  // "dwarf", "symtab", "pclntab" or "none"

  std::optional<function_info> function_by_name(std::string_view name) const;
  std::optional<function_info> function_at(file_addr pc) const;
  // Innermost position at pc (inlined calls included).
  std::optional<source_pos> line_at(file_addr pc) const;
  // Innermost function at pc when inlined, else the physical one.
  std::optional<std::string> innermost_function_at(file_addr pc) const;
  // Statement starts of FILE:LINE, first pc per copy of the code (a function, and each place
  // it was inlined into), sorted.
  std::vector<file_addr> pcs_for_line(std::string_view file, int line) const;
  // The full path a FILE names (a suffix like "main.go" is enough when unique).
  std::optional<std::string> resolve_file(std::string_view file) const;
  // Every function whose Go name passes `pred` (the .gopclntab's, else the ELF symbols'), by
  // address; at most `limit` (then the caller learns there were more by getting limit).
  std::vector<function_info> functions_where(const std::function<bool(std::string_view)>& pred,
                                             std::size_t limit) const;
  // Names of functions starting with prefix (for completion), at most `limit`.
  std::vector<std::string> function_names(std::string_view prefix, std::size_t limit) const;
  // The import path of a package named by its path or its name ("net/http" or "http"), from
  // the functions and variables the binary holds; nullopt when it has no such package.
  std::optional<std::string> package_path(std::string_view name) const;
  std::vector<std::string> warnings() const;

 private:
  binary() = default;
  void note_sections();
  std::optional<function_info> go_function_by_symbol(std::string_view plain) const;
  std::string path_;
  std::unique_ptr<elf_file> elf_;
  std::unique_ptr<elf_symbols> symbols_;
  std::unique_ptr<gopclntab> pclntab_;
  std::optional<build_info> build_;
  std::optional<std::string> go_version_;
  std::string_view go_version_from_;
  bool has_dwarf_sections_ = false;
  std::uint64_t dwarf_size_ = 0;
  mutable bool dwarf_tried_ = false;
  mutable std::unique_ptr<dwarf_info> dwarf_;
  mutable std::shared_ptr<dw::section_source> prefetched_;  // prefetch_dwarf(), for dwarf()
  mutable std::vector<std::string> dwarf_warnings_;
  bool has_eh_frame_ = false;
  mutable bool eh_tried_ = false;
  mutable std::unique_ptr<eh_frame> eh_;
  mutable bool packages_built_ = false;
  mutable std::map<std::string, std::string, std::less<>> packages_;  // path or name -> path
};

std::string strip_abi_suffix(std::string_view name);

}  // namespace godbg
