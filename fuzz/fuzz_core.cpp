// ELF core files: headers, PT_LOAD segments, the notes (NT_PRSTATUS, NT_FPREGSET, NT_PRPSINFO,
// NT_SIGINFO, NT_AUXV, NT_FILE), and memory reads through the core and a backing file.
#include <cstdint>
#include <vector>

#include "fuzz_common.hpp"
#include "process/core_file.hpp"

using namespace godbg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::guarded([&] {
    const std::string& path = fuzz::as_file(data, size);
    auto c = core_file::open(path);
    (void)c->pid();
    for (pid_t tid : c->thread_ids()) {
      (void)c->regs(tid).rip;
      (void)c->fpregs(tid);
      (void)c->has_thread(tid);
    }
    for (auto& m : c->mappings()) (void)m.path.size();
    (void)c->auxv(9 /*AT_ENTRY*/);
    (void)c->process_info().psargs.size();
    // The input itself stands in for the executable: every mapping backed by it.
    std::vector<core_file::file_range> ranges;
    for (auto& m : c->mappings()) ranges.push_back({m.start, m.offset, m.end - m.start});
    c->add_backing(path, ranges);
    std::uint8_t buf[64];
    std::vector<std::uint64_t> addrs;
    for (auto& s : c->segments()) {
      for (std::uint64_t a :
           {s.vaddr, s.vaddr + s.filesz - 1, s.vaddr + s.memsz - 8, s.vaddr + s.memsz / 2})
        addrs.push_back(a);
    }
    for (auto& m : c->mappings()) addrs.push_back(m.end - 16);
    for (auto a : addrs) {
      (void)c->read(virt_addr(a), buf);
      (void)c->in_core(virt_addr(a), sizeof buf);
      (void)c->read_value<std::uint64_t>(virt_addr(a));
    }
    std::vector<std::uint8_t> out(addrs.size() * 16);
    std::vector<char> ok;
    c->read_many(addrs, 16, out.data(), ok);
  });
  return 0;
}
