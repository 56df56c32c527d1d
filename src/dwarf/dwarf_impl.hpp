#pragma once
// dwarf_info's private state, shared by the files that implement its parts (dwarf_info.cpp,
// dwarf_lines.cpp, dwarf_functions.cpp, dwarf_cfa.cpp, dwarf_type_reader.cpp, ...).
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dwarf/dwarf_handle.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"

namespace godbg {

// The package of a Go symbol, which names the CU defining it (dwarf_functions.cpp).
std::string_view package_of(std::string_view sym);
// "././x" -> "x": libdwarf joins Go's "." compilation directory onto relative names.
std::string clean_path(std::string_view p);

struct cu_entry {
  std::uint64_t die_offset = 0;  // the CU DIE
  int version = 0;
  std::string name;
  std::uint64_t base = 0;  // DW_AT_low_pc
  std::vector<dw::pc_range> ranges;
};

struct line_row {
  std::uint64_t addr = 0;
  std::uint32_t file = 0;  // index into line_table::files
  int line = 0;
  bool is_stmt = false, prologue_end = false, end_sequence = false;
};

// One CU's decoded line program.
struct line_table {
  std::vector<std::string> files;
  std::vector<line_row> rows;          // program order; sequences end with end_sequence rows
  std::vector<std::uint32_t> by_addr;  // rows covering a non-empty span, sorted by address
  // The span of row i is [rows[i].addr, rows[i+1].addr).
};

// What one pass over a CU's top-level DIEs finds.
struct cu_scan {
  std::vector<dwarf_function> functions;  // concrete subprograms, sorted by low
  std::vector<std::pair<std::string, std::uint64_t>> variables;        // name -> DIE
  std::vector<std::pair<std::string, std::uint64_t>> types;            // name -> DIE, not typedefs
  std::vector<std::pair<std::string, std::uint64_t>> typedefs;         // name -> DIE
  std::vector<std::pair<std::uint64_t, std::uint64_t>> runtime_types;  // descriptor addr -> DIE
};

// Names of every CU merged so far. Lookups merge the CUs most likely to hold a name first (the
// package's own CUs, the "runtime" CUs for types) and fall back to all of them.
struct name_index {
  std::unordered_map<std::string, dwarf_function> functions;
  std::unordered_map<std::string, std::uint64_t> variables;        // name -> DIE offset
  std::unordered_map<std::string, std::uint64_t> types;            // name -> DIE offset
  std::unordered_map<std::string, std::uint64_t> typedefs;         // name -> DIE offset
  std::unordered_map<std::uint64_t, std::uint64_t> runtime_types;  // descriptor -> DIE offset
  std::vector<bool> merged;                                        // per CU
  bool complete = false;
  std::vector<dwarf_function> all_functions;  // sorted by low, once complete
};

// The .debug_frame FDE list, read once (dwarf_cfa.cpp).
struct frame_index {
  Dwarf_Debug dbg = nullptr;
  Dwarf_Cie* cies = nullptr;
  Dwarf_Signed cie_count = 0;
  Dwarf_Fde* fdes = nullptr;
  Dwarf_Signed fde_count = 0;
  frame_index() = default;
  frame_index(const frame_index&) = delete;
  frame_index& operator=(const frame_index&) = delete;
  ~frame_index() {
    if (cies || fdes) dwarf_fde_cie_list_dealloc(dbg, cies, cie_count, fdes, fde_count);
  }
};

struct dwarf_info::impl {
  impl(dw::debug d, std::string p);
  ~impl();

  dw::debug dbg;
  std::string path;
  std::vector<std::string> warnings;

  // CU index (load_cus)
  bool cus_loaded = false;
  std::vector<cu_entry> cus;
  struct cu_span {
    std::uint64_t low, high;
    std::size_t cu;
  };
  std::vector<cu_span> cu_spans;  // sorted by low

  std::vector<std::unique_ptr<line_table>> lines;  // per CU, filled by lines_of
  std::vector<std::unique_ptr<cu_scan>> scans;     // per CU, filled by scan_of
  name_index names;
  std::unordered_map<std::string, std::vector<std::size_t>> cus_by_name;
  std::optional<std::vector<std::string>> all_files;  // filled by files()
  std::vector<std::vector<std::string>> srcfiles;     // per CU, DW_AT_*_file names
  std::vector<bool> srcfiles_loaded;
  std::unordered_map<std::uint64_t, std::unique_ptr<go_type>> types;  // by DIE offset
  std::unique_ptr<frame_index> frames;
  // locals_at per pc (and inline depth): a conditional breakpoint asks at the same pc on every hit,
  // and walking the function's scopes each time would cost more than the ptrace stop itself.
  std::unordered_map<std::uint64_t, std::vector<dwarf_variable>> locals_memo;
  // Package constants by their type's DIE, sorted by value (filled by the first constant_name).
  std::optional<
      std::unordered_map<std::uint64_t, std::vector<std::pair<std::int64_t, std::string>>>>
      constants_by_type;

  void warn(std::string msg);
  Dwarf_Debug d() const { return dbg.get(); }

  void load_cus();
  std::optional<std::size_t> cu_for_pc(std::uint64_t pc);
  std::optional<std::size_t> cu_for_die(std::uint64_t die_offset);
  const line_table& lines_of(std::size_t cu);
  const std::vector<std::string>& all_files_list();
  std::optional<std::string> resolve_file(std::string_view spec);
  const cu_scan& scan_of(std::size_t cu);
  void merge_names(std::size_t cu);
  void merge_all_names();
  std::vector<std::size_t> ordered(std::vector<std::size_t> cus, bool least_code_first) const;
  // Merges CUs until found() holds: first those named pkg, then all. Returns found().
  // least_code_first: try the CUs with the least code first (the one holding Go's types has
  // almost none, the one holding the runtime's functions the most).
  template <typename F>
  bool search_names(std::string_view pkg, F&& found, bool least_code_first = false) {
    if (found()) return true;
    load_cus();
    if (auto it = cus_by_name.find(std::string(pkg)); it != cus_by_name.end())
      for (std::size_t cu : ordered(it->second, least_code_first)) {
        merge_names(cu);
        if (found()) return true;
      }
    if (names.complete) return false;
    merge_all_names();
    return found();
  }
  // Name of a subprogram DIE, following DW_AT_abstract_origin / DW_AT_specification.
  std::string subprogram_name(const dw::die& d);
  const go_type* type_at(std::uint64_t off);
  const go_type* type_named(std::string_view name);
  const go_type* type_of_descriptor(std::uint64_t addr);
  // The file name table of a CU, indexed as DW_AT_decl_file / DW_AT_call_file count.
  std::string file_of(std::size_t cu, std::uint64_t fileno);
  const std::vector<std::string>& srcfiles_of(std::size_t cu);
  std::optional<cfa_rule> cfa_at(std::uint64_t pc);
};

}  // namespace godbg
