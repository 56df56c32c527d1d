#pragma once
// Go's own symbol table (runtime.pclntab): functions, pc->file:line, inlining, SP deltas.
// It survives `-ldflags=-s -w`, so it is the symbol source of last resort for stripped binaries.
// Formats handled: Go 1.16/1.17 (magic 0xfffffffa), 1.18/1.19 (0xfffffff0), 1.20+ (0xfffffff1),
// 64-bit little-endian only. The truth about the layout: runtime/symtab.go, runtime/runtime2.go
// (_func), runtime/symtabinl.go (inlinedCall), cmd/link/internal/ld/pcln.go.
//
// Everything is decoded on demand from the mapped file: load() reads the header only.
// The elf_file must outlive the table.
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/address.hpp"
#include "dwarf/elf_file.hpp"

namespace godbg {

struct go_func {
  std::string name;
  file_addr entry, end;
  std::uint8_t func_id = 0;  // abi.FuncID: nonzero for special runtime functions
  std::uint8_t flag = 0;     // abi.FuncFlag (TOPFRAME=1, SPWRITE=2, ASM=4)
  std::int32_t index = 0;    // position in the functab

  // A function that writes SP in a way the SP-delta table cannot say (mcall, morestack,
  // systemstack, asmcgocall, gogo: the stack switches): above it, when it is not the innermost
  // frame, the words are not a frame of this stack, and Go's own traceback stops there.
  // cgocallback writes SP too but keeps both stacks unwindable, as runtime/traceback.go says.
  bool writes_sp() const {
    constexpr std::uint8_t spwrite = 2;
    return (flag & spwrite) && name != "runtime.cgocallback";
  }

  // Where a goroutine's or thread's stack begins: nothing above it is a caller (TOPFRAME, or
  // the runtime's stack starts for formats without the flag).
  bool is_stack_top() const {
    constexpr std::uint8_t topframe = 1;
    if (flag & topframe) return true;
    return name == "runtime.goexit" || name == "runtime.mstart" || name == "runtime.rt0_go" ||
           name == "runtime.mstart0" || name == "runtime.morestack";
  }
};

struct go_line {
  std::string file;
  int line = 0;
};

struct go_inline_frame {  // file:line inside `function`
  std::string function;
  std::string file;
  int line = 0;
  // Which inlined call this is: its index in the function's inline tree, one per call site
  // (two calls of one function on one line differ); -1 for the physical function.
  int call = -1;
};

class gopclntab {
 public:
  // nullptr if the binary has no pclntab. Finds it by the .gopclntab section (or
  // .data.rel.ro.gopclntab, where Go < 1.26 puts it in PIE builds); if there is none, through
  // moduledata (.go.module, Go >= 1.26) or a scan of the loaded segments for the header magic.
  // Never throws on corruption: returns nullptr or a table that answers nullopt, and records
  // why in warnings().
  static std::unique_ptr<gopclntab> load(const elf_file& f);

  int format() const { return format_; }  // 116, 118 or 120 (the header magic's Go version)
  std::size_t func_count() const { return nfunc_; }
  file_addr text_start() const { return text_start_; }
  file_addr table_addr() const { return table_addr_; }  // where the pcHeader is
  // How the table was found: "section", "moduledata" (.go.module) or "scan" (header magic).
  std::string_view found_by() const { return found_by_; }

  std::optional<go_func> func_at(file_addr pc) const;
  std::optional<go_func> func_by_name(std::string_view name) const;  // accepts a trailing ".abi0"
  // Compiler-generated code that Go's traceback leaves out: ABI and method wrappers, the
  // closures that start `go f(x)` (main.main.gowrap1; main.main.func3 before Go 1.22). The
  // value of abi.FuncIDWrapper moves between releases (21 in 1.19, 23 in 1.26), so it is read
  // off runtime.deferreturn, which the compiler always marks so.
  bool is_wrapper(const go_func& f) const;
  // Whether is_wrapper can tell (runtime.deferreturn was found); when not, it says false.
  bool knows_wrappers() const;
  void for_each_func(const std::function<void(const go_func&)>& fn) const;

  // File and line of pc, for the innermost inlined call at pc.
  std::optional<go_line> line_at(file_addr pc) const;
  // The logical frames at pc, innermost first: one per inlined call, then the physical function
  // (always last) at its call-site line. A pc without inlining gives one frame; a pc in no
  // function gives none.
  std::vector<go_inline_frame> inline_at(file_addr pc) const;
  // pcsp: how far SP is below its value at function entry, at pc (0 at the entry itself).
  std::optional<std::int64_t> sp_delta_at(file_addr pc) const;

  // Start pcs of every run of instructions attributed to file:line (innermost position, so
  // inlined bodies count for their own file), sorted. `file` is a full path or a path suffix
  // at a '/' boundary ("main.go"); an ambiguous suffix throws godbg::error naming the matches.
  std::vector<file_addr> pcs_for_line(std::string_view file, int line) const;
  // The full paths that `file` (full path or '/'-bounded suffix) names; ambiguous if > 1.
  std::vector<std::string> match_files(std::string_view file) const;
  std::vector<std::string> files() const;

  // moduledata.gofunc (base of funcdata such as the inline tree), once found; nullopt if the
  // moduledata could not be located.
  std::optional<file_addr> gofunc() const;
  // Where runtime.moduledata is (the .go.module section or runtime.firstmoduledata), and how its
  // gofunc was recognised ("after pclntable", "before textsectmap"); nullopt if not found.
  std::optional<file_addr> moduledata_addr() const;
  std::string_view gofunc_found_by() const;

  const std::vector<std::string>& warnings() const { return warnings_; }

  // The decoded fixed part of one runtime._func. Public only for the implementation files.
  struct func_rec {
    std::uint32_t index = 0;
    file_addr entry, end;
    std::int32_t name_off = 0;
    std::uint32_t pcsp = 0, pcfile = 0, pcln = 0, npcdata = 0, cu_off = 0;
    std::uint8_t func_id = 0, flag = 0, nfuncdata = 0;
    std::uint64_t rec_off = 0;  // offset of the _func in the func data (pclntable)
  };

 private:
  explicit gopclntab(const elf_file& f) : f_(f) {}
  bool parse_header(file_addr addr, std::span<const std::uint8_t> data);
  bool resolve_text_start();
  void find_moduledata() const;

  std::optional<file_addr> entry_of(std::uint64_t i) const;  // functab entry pc, i <= nfunc
  std::optional<std::uint32_t> index_at(file_addr pc) const;
  std::optional<func_rec> record(std::uint32_t i) const;
  std::optional<std::string_view> name_of(const func_rec& r) const;
  std::optional<std::string_view> file_of(const func_rec& r, std::int32_t fileno) const;
  std::optional<std::uint32_t> file_off_of(const func_rec& r, std::int32_t fileno) const;
  std::optional<std::int32_t> value_at(std::uint32_t table, const func_rec& r, file_addr pc) const;
  std::optional<std::uint32_t> pcdata_table(const func_rec& r, std::uint32_t k) const;
  std::optional<file_addr> funcdata_addr(const func_rec& r, std::uint32_t k) const;
  go_func to_go_func(const func_rec& r) const;
  void funcs_in_file(std::uint32_t file_off, int line, std::vector<file_addr>& out) const;

  const elf_file& f_;
  bool usable_ = false;  // false: header found but text start unknown; every query fails
  std::string_view found_by_;
  int format_ = 0;
  std::uint32_t quantum_ = 1;
  file_addr table_addr_;
  std::uint64_t nfunc_ = 0, nfiles_ = 0;
  std::uint64_t header_text_start_ = 0;
  file_addr text_start_;
  std::span<const std::uint8_t> data_, funcnametab_, cutab_, filetab_, pctab_, funcdata_, functab_;
  mutable std::vector<std::string> warnings_;  // find_moduledata adds to it on first use

  struct moduledata_info {
    file_addr addr;
    std::optional<file_addr> text, gofunc;
    std::string_view gofunc_by;  // see go_moduledata.hpp
  };
  mutable std::once_flag module_once_;
  mutable std::optional<moduledata_info> module_;
  mutable std::once_flag wrapper_once_;
  mutable std::optional<std::uint8_t> wrapper_id_;
  mutable std::once_flag names_once_;
  mutable std::unordered_map<std::string_view, std::uint32_t> names_;
};

}  // namespace godbg
