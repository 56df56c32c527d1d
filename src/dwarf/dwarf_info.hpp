#pragma once
// DWARF of one Go executable: lines, functions, inlining, struct layouts, call frame information,
// types and variables. Lazy: open() reads only the section headers; the CU index is built on the
// first query, line programs / function lists / types per CU when first asked for, and the
// by-name index on the first by-name query. Not thread-safe (queries fill caches).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"

namespace godbg {
namespace dw {
struct section_source;  // dwarf_handle.hpp
}

struct go_type;         // dwarf_types.hpp
struct dwarf_variable;  // dwarf_variables.hpp

struct dwarf_line {
  file_addr addr;  // start of the row covering the asked pc
  std::string file;
  int line = 0;
  bool is_stmt = false;
  bool prologue_end = false;
};

struct dwarf_function {
  std::string name;
  file_addr low, high;  // [low, high)
  std::uint64_t die_offset = 0;
};

struct dwarf_inline_call {
  std::string function;   // the inlined function
  std::string call_file;  // where it was inlined into its caller
  int call_line = 0;
};

// How to find the caller's frame at a pc (amd64 DWARF register numbers: 6 = rbp, 7 = rsp,
// 16 = return address column).
struct cfa_rule {
  int cfa_register = 7;
  std::int64_t cfa_offset = 8;             // CFA = reg + offset
  std::optional<std::int64_t> ra_offset;   // return address saved at CFA + ra_offset
  std::optional<std::int64_t> rbp_offset;  // rbp saved at CFA + rbp_offset; nullopt = unchanged
                                           // (Go's CFI never mentions rbp: the unwinder must
                                           // know Go saves it at CFA-16 in framed functions)
  file_addr fde_low, fde_high;             // the FDE this came from
};

class dwarf_info {
 public:
  // nullptr when the file has no DWARF (stripped); throws godbg::error when it cannot be read.
  // `ready`: the sections prefetch_sections(path) started inflating (dwarf_handle.hpp).
  static std::unique_ptr<dwarf_info> open(const std::string& path,
                                          std::shared_ptr<dw::section_source> ready = nullptr);
  ~dwarf_info();
  dwarf_info(const dwarf_info&) = delete;
  dwarf_info& operator=(const dwarf_info&) = delete;

  const std::string& path() const;
  int version() const;  // DWARF version of the first CU (4 or 5), 0 if unreadable
  std::string producer()
      const;  // DW_AT_producer of the first CU, e.g. "Go cmd/compile go1.26.8; regabi"

  // --- lines
  std::optional<dwarf_line> line_at(file_addr pc) const;
  // is_stmt rows of (file, line), lowest address first, one per row. file: absolute path, or a
  // suffix matching at a '/' boundary that names one file ("main.go", "waiters/main.go"); an
  // ambiguous suffix throws godbg::error listing the candidates.
  std::vector<file_addr> pcs_for_line(std::string_view file, int line) const;
  std::vector<std::string> files() const;  // every file of every line table, sorted, unique
  // The absolute path a file spec names (same rules as pcs_for_line); nullopt if none.
  std::optional<std::string> resolve_file(std::string_view file) const;

  // --- functions
  std::optional<dwarf_function> function_at(file_addr pc) const;  // outermost subprogram
  std::optional<dwarf_function> function_by_name(std::string_view name) const;  // ".abi0" ok
  std::vector<dwarf_function> functions() const;  // every concrete subprogram, by address
  // First PC past the prologue. Rule (Delve's first choice): among the function's line rows, the
  // first flagged prologue_end (Go 1.19 and 1.26 both put it right after the stack-bound check);
  // else the first is_stmt row above the entry whose line differs from the entry row's; else
  // the entry itself (assembly functions).
  std::optional<file_addr> body_start(const dwarf_function& f) const;
  // Where each copy of `name` inlined into other functions starts, by address (a walk of every
  // function's inlined calls: for a function with no body of its own, such as an inlined
  // closure).
  std::vector<file_addr> inlined_copies(std::string_view name) const;
  // Every line row with an address in [low, high) of the CU holding low, in the line program's
  // order within each sequence, sorted by address (rows at one address keep their order;
  // end_sequence rows left out). What stepping sets its stops from, as Delve does.
  std::vector<dwarf_line> line_rows(file_addr low, file_addr high) const;
  // Inlined calls covering pc, innermost first (empty when pc is in no inlined body).
  std::vector<dwarf_inline_call> inlined_at(file_addr pc) const;

  // --- struct layouts (runtime.g, runtime.m, ...)
  std::optional<std::uint64_t> field_offset(std::string_view struct_name,
                                            std::string_view field) const;
  std::optional<std::uint64_t> type_size(std::string_view type_name) const;

  // --- call frame information (.debug_frame)
  std::optional<cfa_rule> cfa_at(file_addr pc) const;

  // --- types and variables (dwarf_types.hpp, dwarf_variables.hpp). Returned pointers live as
  // long as this object.
  const go_type* type_by_name(std::string_view name) const;
  const go_type* type_at(std::uint64_t die_offset) const;
  // The type whose runtime descriptor (runtime._type, as an interface value points at) is at
  // this offset from runtime.types, through Go's DW_AT_go_runtime_type; nullptr when no type
  // says so.
  const go_type* type_by_descriptor(std::uint64_t offset) const;
  std::optional<dwarf_variable> global_variable(std::string_view name) const;
  // Parameters and locals of the function at pc whose scope covers pc, each with the location
  // expression that holds at pc (empty when the variable has no location there).
  // Valid as long as this dwarf_info (remembered per pc). inline_depth > 0: those of the call
  // inlined at that depth (1: the outermost inlined call covering pc), not of the function.
  const std::vector<dwarf_variable>& locals_at(file_addr pc, int inline_depth = 0) const;
  // The package constants of the type at type_die naming value v, as Delve describes a value:
  // the one equal to v, else single-bit ones or'ed ("FlagLow|FlagHigh"); the type's package
  // prefix dropped; "" when none do. The first call reads every constant of the program.
  std::string constant_name(std::uint64_t type_die, std::int64_t v) const;
  // Every package-level variable's and every type's name (for vars and types), sorted.
  std::vector<std::string> variable_names() const;
  std::vector<std::string> type_names() const;

  // Problems met while reading (corrupt or unexpected DWARF); answers given anyway are partial.
  const std::vector<std::string>& warnings() const;

  struct impl;

 private:
  explicit dwarf_info(std::unique_ptr<impl> p);
  std::vector<dwarf_variable> collect_locals(file_addr pc, int inline_depth) const;
  std::unique_ptr<impl> impl_;
};

}  // namespace godbg
