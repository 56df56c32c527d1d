// A post-mortem session: the program's state from a core file. Everything that reads (stacks,
// goroutines, values, registers, memory, source) goes through program(), the core's target;
// everything that would run the program fails in process() with one line saying why.
#include <elf.h>

#include <csignal>
#include <filesystem>

#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

target& session::program() {
  if (core_) return *core_;
  if (!proc_ || !proc_->alive()) fail("the program is not running");
  return *proc_;
}

void session::fail_in_core() const {
  fail(
      "a core file cannot run: {} is the state process {} died in (bt, goroutines, print, x "
      "read it)",
      core_->path(), core_->pid());
}

core_summary session::dump_core(const std::string& path) {
  if (core_) fail("dump: this is a core file already ({}); cp it", core_->path());
  auto& p = process();
  return write_core(p, path, current_tid_, 0);
}

namespace {

std::string base_name(const std::string& p) {
  return std::filesystem::path(p).filename().string();
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return std::filesystem::equivalent(a, b, ec) && !ec;
}

// Where the kernel loaded the program: AT_ENTRY from the core's auxv, else (a dumper that wrote
// no NT_AUXV) the NT_FILE mapping of the executable's first page.
load_bias bias_of(const core_file& c, const binary& b) {
  const auto& elf = b.elf();
  if (auto entry = c.auxv(AT_ENTRY)) {
    if (!elf.is_pie()) {
      if (*entry != elf.entry().value())
        fail("{}: a core of another program: it started at {:#x}, {} starts at {:#x}", c.path(),
             *entry, b.path(), elf.entry().value());
      return load_bias(0);
    }
    return load_bias(*entry - elf.entry().value());
  }
  if (!elf.is_pie() || elf.load_segments().empty()) return load_bias(0);
  std::uint64_t first = elf.load_segments().front().vaddr.value() & ~std::uint64_t(0xfff);
  for (auto& m : c.mappings())
    if (m.offset == 0 && (same_file(m.path, b.path()) || base_name(m.path) == base_name(b.path())))
      return load_bias(m.start - first);
  return load_bias(0);
}

// The executable's read-only pages the core kept (the kernel keeps each file mapping's first
// page: ELF header, program headers and, for Go, the build ID note) must be this program's.
void check_same_program(const core_file& c, const binary& b, load_bias bias) {
  const auto& elf = b.elf();
  for (auto& seg : elf.load_segments()) {
    if ((seg.flags & PF_W) || seg.filesz == 0) continue;
    std::size_t n = std::size_t(std::min<std::uint64_t>(seg.filesz, 4096));
    virt_addr at = bias.to_virt(seg.vaddr);
    if (!c.in_core(at, n)) continue;
    auto mine = elf.bytes_at(seg.vaddr, n);
    std::vector<std::uint8_t> theirs(n);
    if (!mine || !c.read(at, theirs)) continue;
    if (std::equal(theirs.begin(), theirs.end(), mine->begin())) continue;
    std::string who;
    for (auto& m : c.mappings())
      if (m.start <= at.value() && at.value() < m.end) who = m.path;
    if (who.empty()) who = c.process_info().fname;
    fail("{}: a core of another program{}: its code at {:#x} is not {}'s", c.path(),
         who.empty() ? "" : " (" + who + ")", at.value(), b.path());
  }
}

// Memory the core left out: the executable's segments, then the other files it had mapped
// (shared libraries, ld.so) where they still exist.
void add_backing_files(core_file& c, const binary& b, load_bias bias) {
  std::vector<core_file::file_range> exe;
  for (auto& seg : b.elf().load_segments())
    exe.push_back({bias.to_virt(seg.vaddr).value(), seg.offset, seg.filesz});
  c.add_backing(b.path(), exe);
  std::map<std::string, std::vector<core_file::file_range>> others;
  for (auto& m : c.mappings())
    if (!m.path.empty() && m.path[0] == '/' && m.path != b.path())
      others[m.path].push_back({m.start, m.offset, m.end - m.start});
  for (auto& [path, ranges] : others) {
    if (same_file(path, b.path())) continue;
    try {
      c.add_backing(path, ranges);
    } catch (const error&) {
      // Gone, or not a regular file (a device, a deleted file): its pages stay unreadable.
    }
  }
}

// throw(s string) and fatal(s string) keep s: DWARF says where; without DWARF, the register
// ABI's spill slots at the frame's CFA hold it (what Go's own traceback prints as the
// arguments), checked for a plausible string.
std::optional<std::string> fatal_message(session& s, const frame_record& f) {
  try {
    scope at = s.selected();
    at.frame = f.index;
    auto v = evaluate_in_frame(s, frame_in(s, at), "s");
    if (v.scalar)
      if (auto* str = std::get_if<std::string>(&*v.scalar)) return *str;
  } catch (const error&) {
  }
  if (!f.cfa) return std::nullopt;
  auto& mem = s.program();
  auto string_at = [&](std::uint64_t hdr) -> std::optional<std::string> {
    auto ptr = mem.read_value<std::uint64_t>(virt_addr(hdr));
    auto len = mem.read_value<std::uint64_t>(virt_addr(hdr + 8));
    if (!ptr || !len || *len == 0 || *len > 1024) return std::nullopt;
    std::string text(*len, '\0');
    if (!mem.read(virt_addr(*ptr), {reinterpret_cast<std::uint8_t*>(text.data()), text.size()}))
      return std::nullopt;
    for (unsigned char c : text)
      if (c < 0x20 && c != '\n' && c != '\t') return std::nullopt;
    return text;
  };
  if (auto t = string_at(*f.cfa)) return t;
  // Older compilers leave the spill slots unwritten; the closure that prints the message,
  // {throw.func1 or fatal.func1, s}, sits in the frame itself.
  std::string closure = f.where.function.value_or("") + ".func1";
  for (std::uint64_t a = f.sp; a + 24 <= *f.cfa && a - f.sp < 512; a += 8) {
    auto w = mem.read_value<std::uint64_t>(virt_addr(a));
    if (!w) continue;
    auto fn = s.bin().function_at(s.bias().to_file(virt_addr(*w)));
    if (fn && fn->name == closure && s.bias().to_virt(fn->entry).value() == *w)
      if (auto t = string_at(a + 8)) return t;
  }
  return std::nullopt;
}

bool is_harmless(int sig) {
  for (int s : {SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCONT, SIGCHLD, SIGURG, SIGWINCH})
    if (sig == s) return true;
  return false;
}

bool is_runtime_internal(const std::optional<std::string>& fn) {
  return !fn || !is_user_function(*fn);
}

}  // namespace

session_start session::open_core(const std::string& path) {
  if (!bin_) fail("no program loaded");
  if (has_process()) fail("a process is being debugged; kill or detach it first");
  auto c = core_file::open(path);
  load_bias bias = bias_of(*c, *bin_);
  check_same_program(*c, *bin_, bias);
  add_backing_files(*c, *bin_, bias);
  core_ = std::move(c);
  runtime_.reset();
  bias_ = bias;
  const core_thread& died = core_->threads().front();
  current_tid_ = died.tid;
  current_frame_ = 0;
  selected_goroutine_.reset();
  forget_libraries();
  try {
    note_libraries();
  } catch (const error&) {
    // A link map the core did not keep: frames in libraries stay unnamed.
  }

  std::optional<int> signal;
  if (died.cursig)
    signal = died.cursig;
  else if (core_->process_info().signo && *core_->process_info().signo)
    signal = *core_->process_info().signo;
  // gdb's gcore records the signal that stopped the thread for it (SIGSTOP of its attach):
  // a signal that stops or is ignored by default killed nobody.
  bool deadly = signal && !is_harmless(*signal);

  session_start out;
  out.start = start_of(core_->pid(), bin_->path(), false);
  out.start.core = std::filesystem::absolute(core_->path()).lexically_normal().string();
  if (deadly) out.start.signal = signal;
  auto& st = out.stop;
  st.reason = deadly ? stop_reason::signal : stop_reason::interrupt;
  st.signal = signal;
  st.tid = current_tid_;
  st.where = describe(core_->pc(current_tid_));
  if (!core_->process_info().fname.empty() &&
      base_name(bin_->path()).substr(0, 15) != core_->process_info().fname)
    st.warnings.push_back(fmt::format("the core was written by \"{}\", the program is {}",
                                      core_->process_info().fname, bin_->path()));
  if (!bin_->is_go() || !runtime().available()) return out;

  // The goroutine that panicked: the dying thread's, else any goroutine in a panic.
  auto& rt = runtime();
  std::optional<g_info> culprit;
  std::optional<panic_info> panic;
  auto tg = rt.goroutine_on_thread(current_tid_);
  if (tg.g)
    if ((panic = rt.panic_of(*tg.g))) culprit = rt.goroutine_at(*tg.g, current_tid_);
  if (!culprit) {
    try {
      for (auto& g : rt.goroutines())
        if ((panic = rt.panic_of(g.addr))) {
          culprit = g;
          break;
        }
    } catch (const error&) {
    }
  }
  st.goid = rt.curg_goid_on_thread(current_tid_);
  std::vector<frame_record> frames;
  if (culprit) {
    selected_goroutine_ = culprit->goid;
    if (culprit->tid) current_tid_ = st.tid = *culprit->tid;
    st.goid = culprit->goid;
    st.reason = stop_reason::panic;
    st.panic = panic->value;
    frames = stack_in(*this, selected(), 256);
  } else {
    try {
      frames = stack_in(*this, selected(), 256);
    } catch (const error&) {
    }
  }
  // Where it went wrong, selected: the first user frame below runtime.gopanic (through
  // panicmem/sigpanic for a fault), else the caller of runtime.throw/fatal for a fatal error.
  std::optional<std::size_t> cause;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const auto& fn = frames[i].where.function;
    if (fn == "runtime.gopanic") cause = i;
    if (!culprit && !cause && (fn == "runtime.throw" || fn == "runtime.fatal")) {
      st.reason = stop_reason::fatal;
      st.message = fatal_message(*this, frames[i]);
      cause = i;
    }
  }
  if (cause) {
    std::size_t pick = *cause + 1;
    while (pick < frames.size() && is_runtime_internal(frames[pick].where.function)) ++pick;
    if (pick >= frames.size()) pick = std::min(*cause + 1, frames.size() - 1);
    current_frame_ = int(pick);
    st.where = frames[pick].where;
  }
  return out;
}

}  // namespace godbg
