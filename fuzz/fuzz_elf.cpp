// ELF headers, sections (including SHF_COMPRESSED inflation), segments and the symbol table.
#include <cstdint>

#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::guarded([&] {
    auto f = elf_file::open(fuzz::as_file(data, size));
    (void)f->is_pie();
    for (auto& s : f->section_headers()) (void)s.name.size();
    for (std::size_t i = 0; i < f->section_count() && i < 64; ++i) {
      if (auto* s = f->section_at(i); s && !s->data.empty()) {
        volatile std::uint8_t sink = s->data.front() ^ s->data.back();
        (void)sink;
      }
    }
    (void)f->section(".text");
    (void)f->sections();
    (void)f->warnings();
    (void)f->bytes_at(f->entry(), 16);
    for (auto& seg : f->load_segments()) {
      if (auto b = f->bytes_from(seg.vaddr); b && !b->empty()) {
        volatile std::uint8_t sink = b->back();
        (void)sink;
      }
      (void)f->bytes_at(file_addr(seg.vaddr.value() + seg.filesz), 1);
    }
    (void)load_cstr(f->image(), f->image().size() / 2);

    elf_symbols syms(*f);
    (void)syms.by_name("main.main");
    (void)syms.by_name("runtime.rt0_go.abi0");
    (void)syms.by_name("main");
    (void)syms.containing(f->entry());
    std::size_t n = 0;
    for (auto& s : syms.all()) {
      if (++n > 256) break;
      if (auto* c = syms.containing(s.addr)) (void)c->name.size();
      (void)syms.by_name(s.name);
    }
    (void)syms.warnings();
  });
  return 0;
}
