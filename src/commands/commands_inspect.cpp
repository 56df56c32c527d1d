// Looking at a stopped program: stack, frames, source, code, registers, memory.
#include "arch_amd64/disassembler.hpp"
#include "arch_amd64/registers.hpp"
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"

namespace godbg {

namespace {
long int_arg(const command_args& a, std::size_t i, long def, const char* what,
             long min = std::numeric_limits<long>::min(),
             long max = std::numeric_limits<long>::max()) {
  if (a.words.size() <= i) return def;
  return parse_integer<long>(a.words[i], what, min, max);
}

std::string hex_bytes(const std::vector<std::uint8_t>& b) {
  std::string s;
  for (auto x : b) s += fmt::format("{:02x}", x);
  return s;
}

// An address: a number, $register, or a location (function, FILE:LINE).
std::uint64_t address_arg(session& s, const scope& where, const std::string& w) {
  if (auto v = try_parse_integer<std::uint64_t>(w)) return *v;
  if (!w.empty() && w[0] == '$') {
    auto* r = register_by_name(w.substr(1));
    if (!r) fail("{}: no such register", w);
    return read_register(s.program().regs(where.tid), *r);
  }
  if (!w.empty() && w[0] == '*') return s.resolve_location(w).front().value();
  if (s.has_binary()) {
    if (auto f = s.bin().function_by_name(w)) return s.bias().to_virt(f->entry).value();
    if (auto* sym = s.bin().symbols().by_name(w)) return s.bias().to_virt(sym->addr).value();
  }
  return s.resolve_location(w).front().value();
}
}  // namespace

// x/NFU ADDR: gdb's count, format and unit; ADDR may be any Go expression.
void examine_units(command_context& c, const std::string& spec, const std::string& where);

namespace cmd {

void bt(command_context& c, const command_args& a) {
  auto& s = c.s;
  long n = int_arg(a, 0, 64, "a frame count", 1);
  auto frames = stack_in(s, c.where(), std::size_t(n));
  c.out.frames(frames, c.where().frame);
}

namespace {
void select_frame(command_context& c, long n) {
  auto& s = c.s;
  auto frames = stack_in(s, c.where(), 1024);
  if (n < 0 || n >= long(frames.size()))
    fail("no frame {}: the stack has {} frames", n, frames.size());
  if (!c.at) s.select_frame(int(n));
  c.out.frames({frames[std::size_t(n)]}, int(n));
  auto ctx = s.source_context(frames[std::size_t(n)].where, 2, 2);
  if (!ctx.empty()) {
    source_record src;
    src.file = *frames[std::size_t(n)].where.file;
    src.lines = ctx;
    c.out.source(src);
  }
}
}  // namespace

void frame(command_context& c, const command_args& a) {
  long n = int_arg(a, 0, c.where().frame, "a frame number", 0);
  if (a.words.size() > 1) {
    // frame N CMD...: CMD in frame N; the selection stays as it is.
    auto rest = std::string_view(a.rest);
    rest.remove_prefix(std::min(rest.size(), rest.find(a.words[0]) + a.words[0].size()));
    scope at = c.where();
    at.frame = int(n);
    c.in.execute(rest, at);
    return;
  }
  select_frame(c, n);
}
void up(command_context& c, const command_args& a) {
  select_frame(c, c.where().frame + int_arg(a, 0, 1, "a count"));
}
void down(command_context& c, const command_args& a) {
  select_frame(c, c.where().frame - int_arg(a, 0, 1, "a count"));
}

void list(command_context& c, const command_args& a) {
  auto& s = c.s;
  code_location where;
  std::string spec = a.words.empty() ? std::string() : a.words[0];
  auto colon = spec.rfind(':');
  std::optional<int> line_only = try_parse_integer<int>(spec, sign::refused);
  std::optional<int> file_line;
  if (colon != std::string::npos && spec[0] != '*')
    file_line = try_parse_integer<int>(std::string_view(spec).substr(colon + 1), sign::refused);
  if (spec.empty() || line_only) {
    // Around the selected frame's line (or a line of its file).
    if (!s.has_program()) fail("the program is not running; give a location: list main.main");
    auto frames = stack_in(s, c.where(), std::size_t(c.where().frame) + 1);
    if (frames.size() <= std::size_t(c.where().frame))
      fail("no current location; give one: list main.main");
    where = frames.back().where;
    if (line_only) where.line = *line_only;
  } else if (file_line) {
    // FILE:LINE names a line even when it has no code (a comment, a blank line).
    std::string file = spec.substr(0, colon);
    std::optional<std::string> path;
    try {
      path = s.bin().resolve_file(file);
    } catch (const error&) {
      throw;
    }
    if (!path && s.sources().lines(file)) path = file;
    if (!path) fail("{}: no source file {} in the program", spec, file);
    where.file = *path;
    where.line = *file_line;
  } else {
    auto addrs = s.resolve_location(spec);
    std::uint64_t pc = addrs.front().value();
    // A function: from its first line (the func declaration), as gdb centers it.
    if (spec[0] != '*')
      if (auto f = s.bin().function_by_name(spec)) pc = s.bias().to_virt(f->entry).value();
    where = s.describe(pc);
  }
  if (!where.file || !where.line) fail("no source line for {:#x}", where.pc);
  auto lines = s.source_context(where, 5, 5);
  if (lines.empty()) {
    if (!s.sources().lines(*where.file)) fail("cannot read {}", *where.file);
    fail("{} has no line {}", *where.file, *where.line);
  }
  c.out.source({*where.file, lines});
}

void disassemble(command_context& c, const command_args& a) {
  auto& s = c.s;
  std::uint64_t start = 0, end = 0, pc = 0;
  bool running = s.has_program();
  if (running) {
    // The scope's frame: where the thread or goroutine is in it.
    auto where = c.where();
    auto frames = stack_in(s, where, std::size_t(where.frame) + 1);
    if (std::size_t(where.frame) < frames.size()) pc = frames[std::size_t(where.frame)].where.pc;
  }
  std::optional<function_info> fn;
  if (a.words.empty()) {
    if (!running) fail("the program is not running; give a location: disassemble main.main");
    fn = s.bin().function_at(s.bias().to_file(virt_addr(pc)));
    if (!fn) {
      start = pc;
      end = pc + 64;
    }
  } else {
    std::uint64_t addr = address_arg(s, c.where(), a.words[0]);
    fn = s.has_binary() ? s.bin().function_at(s.bias().to_file(virt_addr(addr))) : std::nullopt;
    if (!fn) start = addr, end = addr + 64;
  }
  if (fn) {
    start = s.bias().to_virt(fn->entry).value();
    end = s.bias().to_virt(fn->end).value();
    if (end <= start || end - start > (1u << 20)) end = start + 256;
  }
  std::vector<std::uint8_t> code(end - start);
  bool ok = running ? s.program().read(virt_addr(start), code) : false;
  if (!ok && s.has_binary()) {
    auto bytes = s.bin().elf().bytes_at(s.bias().to_file(virt_addr(start)), code.size());
    if (!bytes) fail("cannot read code at {:#x}", start);
    code.assign(bytes->begin(), bytes->end());
  } else if (!ok) {
    fail("cannot read code at {:#x}", start);
  }
  disassembler dis;
  auto insns = dis.decode(code, start);
  symbolizer sym = [&](std::uint64_t target) -> std::optional<std::string> {
    if (!s.has_binary()) return std::nullopt;
    auto f = s.bin().function_at(s.bias().to_file(virt_addr(target)));
    if (!f) return std::nullopt;
    std::uint64_t entry = s.bias().to_virt(f->entry).value();
    if (target == entry) return f->name;
    return fmt::format("{}+{}", f->name, target - entry);
  };
  std::vector<instruction_record> out;
  for (auto& i : insns)
    out.push_back({i.address, hex_bytes(i.bytes), format_instruction(i, sym), i.address == pc});
  c.out.disassembly(out);
}

void regs(command_context& c, const command_args& a) {
  auto& s = c.s;
  auto where = c.where();
  if (where.tid == 0) fail("regs: goroutine {} runs on no thread", where.goid.value_or(0));
  const auto& r = s.program().regs(where.tid);
  std::vector<register_record> out;
  if (a.words.empty()) {
    for (auto& v : register_values(r)) out.push_back({std::string(v.name), v.value, v.display});
  } else {
    for (auto& w : a.words) {
      auto* info = register_by_name(w[0] == '$' ? w.substr(1) : w);
      if (!info) fail("{}: no such register", w);
      auto v = read_register(r, *info);
      std::string display = info->kind == reg_kind::flags
                                ? fmt::format("{:#x} {}", v, format_flags(v))
                                : fmt::format("{:#018x}", v);
      out.push_back({std::string(info->name), v, display});
    }
  }
  c.out.registers(out);
}

void examine(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.empty()) throw usage_error("usage: x[/NFU] ADDR [N]");
  if (a.words[0][0] == '/') {
    std::string rest = a.rest.substr(a.words[0].size());
    auto b = rest.find_first_not_of(" \t");
    rest = b == std::string::npos ? "" : rest.substr(b);
    if (rest.empty()) throw usage_error("usage: x/NFU ADDR");
    examine_units(c, a.words[0].substr(1), rest);
    return;
  }
  std::uint64_t addr = address_arg(s, c.where(), a.words[0]);
  long n = int_arg(a, 1, 64, "a byte count", 1, 1 << 20);
  memory_record m;
  m.address = addr;
  m.bytes.resize(std::size_t(n));
  s.program().read_or_fail(virt_addr(addr), m.bytes);
  c.out.memory(m);
}

}  // namespace cmd
}  // namespace godbg
