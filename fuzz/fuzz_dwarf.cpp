// DWARF through libdwarf, the way godbg uses it: CU index, line programs, subprograms and
// inlining, call frame information, struct layouts, types and variables (location lists).
#include <cstdint>
#include <vector>

#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_types.hpp"
#include "dwarf/dwarf_variables.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

namespace {

// Every field reachable from t, at most `budget` types (types may be recursive).
void walk(const go_type* t, int& budget) {
  if (!t || --budget < 0) return;
  (void)t->name.size();
  for (auto& f : t->fields) walk(f.type, budget);
  walk(t->elem, budget);
  walk(t->key, budget);
  walk(t->map_header, budget);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::guarded([&] {
    auto info = dwarf_info::open(fuzz::as_file(data, size));
    if (!info) return;
    (void)info->version();
    (void)info->producer();
    std::vector<dwarf_function> funcs;
    fuzz::guarded([&] { funcs = info->functions(); });
    if (funcs.size() > 48) funcs.resize(48);
    for (auto& f : funcs) {
      fuzz::guarded([&] {
        (void)info->line_at(f.low);
        (void)info->body_start(f);
        (void)info->cfa_at(f.low + 4);
        (void)info->function_at(f.low);
        (void)info->function_by_name(f.name);
        (void)info->inlined_at(f.low + 8);
        for (auto& v : info->locals_at(f.low + 8)) {
          int budget = 32;
          walk(v.type, budget);
        }
      });
    }
    fuzz::guarded([&] {
      auto files = info->files();
      if (!files.empty()) {
        (void)info->resolve_file(files.front());
        fuzz::guarded([&] { (void)info->pcs_for_line(files.front(), 10); });
      }
    });
    fuzz::guarded([&] { (void)info->pcs_for_line("main.go", 7); });
    fuzz::guarded([&] { (void)info->field_offset("runtime.g", "goid"); });
    fuzz::guarded([&] { (void)info->type_size("runtime.m"); });
    for (const char* g : {"main.Counter", "runtime.buildVersion", "os.Args"})
      fuzz::guarded([&] {
        if (auto v = info->global_variable(g)) {
          (void)v->static_address();
          int budget = 64;
          walk(v->type, budget);
        }
      });
    fuzz::guarded([&] {
      int budget = 256;
      walk(info->type_by_name("runtime.g"), budget);
      walk(info->type_by_name("map[string]int"), budget);
    });
    (void)info->warnings();
  });
  return 0;
}
