// Go's runtime symbol table: header, functab, _func records, names, files, pc-value tables,
// inline trees, moduledata lookup (.go.module or a scan) and PIE relocations.
#include <cstdint>
#include <string>
#include <vector>

#include "dwarf/elf_file.hpp"
#include "dwarf/gopclntab.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::guarded([&] {
    auto f = elf_file::open(fuzz::as_file(data, size));
    auto t = gopclntab::load(*f);
    if (!t) return;
    (void)t->warnings();
    std::vector<go_func> funcs;
    t->for_each_func([&](const go_func& g) {
      if (funcs.size() < 64) funcs.push_back(g);
    });
    (void)t->gofunc();
    for (auto& g : funcs) {
      fuzz::guarded([&] {
        (void)t->func_at(g.entry);
        (void)t->func_by_name(g.name);
        file_addr mid(g.entry.value() + (g.end.value() - g.entry.value()) / 2);
        (void)t->line_at(mid);
        (void)t->inline_at(mid);
        (void)t->sp_delta_at(mid);
        (void)t->sp_delta_at(g.entry);
      });
    }
    (void)t->func_at(t->text_start());
    (void)t->func_by_name("main.main");
    fuzz::guarded([&] {
      auto files = t->files();
      if (!files.empty()) {
        (void)t->match_files(files.front());
        fuzz::guarded([&] { (void)t->pcs_for_line(files.front(), 5); });
      }
      fuzz::guarded([&] { (void)t->pcs_for_line("main.go", 7); });
    });
  });
  return 0;
}
