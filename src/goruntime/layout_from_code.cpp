#include "goruntime/layout_from_code.hpp"

#include <fmt/format.h>

#include <cstring>
#include <initializer_list>
#include <map>

#include "arch_amd64/disassembler.hpp"
#include "dwarf/binary.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

namespace {

constexpr std::int64_t sys_gettid = 186;
constexpr std::uint64_t max_function_size = 16384;  // the sites are in small functions

struct reader {
  const binary& bin;
  const gopclntab& tab;
  disassembler dis;

  // The instructions of the first of `names` the pclntab knows (file addresses).
  std::vector<instruction> code_of(std::initializer_list<const char*> names) const {
    for (const char* n : names) {
      auto fn = tab.func_by_name(n);
      if (!fn || fn->end <= fn->entry || std::uint64_t(fn->end - fn->entry) > max_function_size)
        continue;
      auto bytes = bin.elf().bytes_at(fn->entry, std::size_t(fn->end - fn->entry));
      if (bytes) return dis.decode(*bytes, fn->entry.value());
    }
    return {};
  }
};

bool named(const char* r, const char* want) {
  return r && std::strcmp(r, want) == 0;
}
bool same(const char* a, const char* b) {
  return a && b && std::strcmp(a, b) == 0;
}

bool is_mov(const instruction& i) {
  return i.mnemonic == "mov" && i.op_count == 2;
}
// mov REG, qword [BASE + disp] (no index)
bool is_load(const instruction& i) {
  return is_mov(i) && i.ops[0].what == operand::kind::reg && i.ops[1].what == operand::kind::mem &&
         i.ops[1].size == 8 && i.ops[1].reg && !i.ops[1].index;
}
// mov qword [BASE + disp], REG
bool is_store(const instruction& i) {
  return is_mov(i) && i.ops[0].what == operand::kind::mem && i.ops[0].size == 8 && i.ops[0].reg &&
         !i.ops[0].index && i.ops[1].what == operand::kind::reg;
}
std::uint64_t disp_of(const operand& o) {
  return static_cast<std::uint64_t>(o.disp);
}

// Records a value; a second site that disagrees is a problem and the first one stays.
void put(code_layout& out, std::optional<std::uint64_t>& field, std::uint64_t v, const char* what,
         const char* where) {
  if (field && *field != v) {
    out.problems.push_back(
        fmt::format("{}: {} says {:#x}, an earlier site {:#x}", what, where, v, *field));
    return;
  }
  if (!field) out.found.push_back(fmt::format("{} ({})", what, where));
  field = v;
}

void from_mcall(const reader& r, code_layout& out) {
  std::vector<std::uint64_t> stores;  // into g (r14) before the switch: sched.pc, .sp, .bp
  const char* m_reg = nullptr;
  for (const auto& i : r.code_of({"runtime.mcall"})) {
    if (!m_reg && is_store(i) && named(i.ops[0].reg, "r14")) stores.push_back(disp_of(i.ops[0]));
    if (!m_reg && is_load(i) && named(i.ops[1].reg, "r14") && !named(i.ops[0].reg, "rsp")) {
      put(out, out.g_m, disp_of(i.ops[1]), "g.m", "runtime.mcall");
      m_reg = i.ops[0].reg;
    } else if (m_reg && is_load(i) && same(i.ops[1].reg, m_reg)) {
      put(out, out.m_g0, disp_of(i.ops[1]), "m.g0", "runtime.mcall");
      break;
    }
  }
  // gobuf starts {sp, pc}: the pc's slot is the sp's plus 8.
  if (stores.size() >= 3 && stores[0] == stores[1] + 8 && stores[2] > stores[1]) {
    put(out, out.g_sched, stores[1], "g.sched", "runtime.mcall");
    put(out, out.gobuf_sp, 0, "gobuf.sp", "runtime.mcall");
    put(out, out.gobuf_pc, 8, "gobuf.pc", "runtime.mcall");
    put(out, out.gobuf_bp, stores[2] - stores[1], "gobuf.bp", "runtime.mcall");
  } else {
    out.problems.push_back("runtime.mcall: no g.sched stores found");
  }
}

void from_systemstack(const reader& r, code_layout& out) {
  // The last load into each register: {base register, displacement}.
  std::map<std::string, std::pair<std::string, std::uint64_t>> loaded;
  int step = 0;  // 0: looking for cmp g, [m+gsignal]; 1: mov x, [m+g0]; 2: cmp g, [m+curg]
  const char* g_reg = nullptr;
  const char* m_reg = nullptr;
  for (const auto& i : r.code_of({"runtime.systemstack"})) {
    bool cmp_mem = i.mnemonic == "cmp" && i.op_count == 2 && i.ops[0].what == operand::kind::reg &&
                   i.ops[1].what == operand::kind::mem && i.ops[1].reg && !i.ops[1].index;
    if (step == 0 && cmp_mem) {
      auto it = loaded.find(i.ops[1].reg);
      if (it != loaded.end() && it->second.first == i.ops[0].reg) {
        g_reg = i.ops[0].reg;
        m_reg = i.ops[1].reg;
        put(out, out.g_m, it->second.second, "g.m", "runtime.systemstack");
        put(out, out.m_gsignal, disp_of(i.ops[1]), "m.gsignal", "runtime.systemstack");
        step = 1;
        continue;
      }
    }
    if (step == 1 && is_load(i) && same(i.ops[1].reg, m_reg)) {
      put(out, out.m_g0, disp_of(i.ops[1]), "m.g0", "runtime.systemstack");
      step = 2;
      continue;
    }
    if (step == 2 && cmp_mem && same(i.ops[0].reg, g_reg) && same(i.ops[1].reg, m_reg)) {
      put(out, out.m_curg, disp_of(i.ops[1]), "m.curg", "runtime.systemstack");
      return;
    }
    if (is_load(i)) loaded[i.ops[0].reg] = {i.ops[1].reg, disp_of(i.ops[1])};
  }
  out.problems.push_back("runtime.systemstack: the m.gsignal/m.g0/m.curg checks were not found");
}

void from_casgstatus(const reader& r, code_layout& out) {
  for (const auto& i : r.code_of({"runtime.casgstatus"}))
    if (i.mnemonic.find("cmpxchg") != std::string::npos && i.op_count == 2 &&
        i.ops[0].what == operand::kind::mem && i.ops[0].size == 4 && !i.ops[0].index) {
      put(out, out.g_atomicstatus, disp_of(i.ops[0]), "g.atomicstatus", "runtime.casgstatus");
      return;
    }
  out.problems.push_back("runtime.casgstatus: no cmpxchg on g.atomicstatus");
}

void from_clone(const reader& r, code_layout& out) {
  int state = 0;  // 1: eax = SYS_gettid; 2: after the syscall
  for (const auto& i : r.code_of({"runtime.clone"})) {
    if (is_mov(i) && i.ops[0].what == operand::kind::reg && named(i.ops[0].reg, "eax") &&
        i.ops[1].what == operand::kind::imm)
      state = i.ops[1].disp == sys_gettid ? 1 : 0;
    else if (state == 1 && i.mnemonic == "syscall")
      state = 2;
    else if (state == 2 && is_store(i) && named(i.ops[1].reg, "rax")) {
      put(out, out.m_procid, disp_of(i.ops[0]), "m.procid", "runtime.clone");
      return;
    }
  }
  out.problems.push_back("runtime.clone: no store of gettid() into m.procid");
}

// A load of [m+X] into some register, then a load from [that register + D]: D. `first`: X.
std::optional<std::uint64_t> chained_load(const std::vector<instruction>& code,
                                          const char* first_base, std::uint64_t first_disp) {
  const char* via = nullptr;
  for (const auto& i : code) {
    if (!is_load(i)) continue;
    if (!via && (!first_base || same(i.ops[1].reg, first_base)) && disp_of(i.ops[1]) == first_disp)
      via = i.ops[0].reg;
    else if (via && same(i.ops[1].reg, via))
      return disp_of(i.ops[1]);
  }
  return std::nullopt;
}

void from_cgo_sigtramp(const reader& r, code_layout& out) {
  if (!out.m_curg) return;
  if (auto d = chained_load(r.code_of({"runtime.cgoSigtramp"}), nullptr, *out.m_curg))
    put(out, out.g_syscallsp, *d, "g.syscallsp", "runtime.cgoSigtramp");
  else
    out.problems.push_back("runtime.cgoSigtramp: no load of m.curg.syscallsp");
}

void from_write_barrier(const reader& r, code_layout& out) {
  if (!out.g_m) return;
  if (auto d =
          chained_load(r.code_of({"gcWriteBarrier", "runtime.gcWriteBarrier"}), "r14", *out.g_m))
    put(out, out.m_p, *d, "m.p", "gcWriteBarrier");
  else
    out.problems.push_back("gcWriteBarrier: no load of g.m.p");
}

// The last load from [rax + D] (the first argument, g) before the first call to findfunc.
void before_findfunc(const reader& r, code_layout& out, const char* function,
                     std::optional<std::uint64_t>& field, const char* what) {
  auto findfunc = r.tab.func_by_name("runtime.findfunc");
  if (!findfunc) return;
  std::optional<std::uint64_t> last;
  for (const auto& i : r.code_of({function})) {
    if (i.is_call && i.branch_target == findfunc->entry.value()) {
      if (last) put(out, field, *last, what, function);
      return;
    }
    if (is_load(i) && named(i.ops[1].reg, "rax")) last = disp_of(i.ops[1]);
  }
  out.problems.push_back(fmt::format("{}: no {} passed to findfunc", function, what));
}

}  // namespace

code_layout layout_from_code(const binary& bin, bool has_parent_goid) {
  code_layout out;
  const gopclntab* tab = bin.pclntab();
  if (!tab) {
    out.problems.push_back("no pclntab: no runtime functions to read");
    return out;
  }
  reader r{bin, *tab, disassembler()};
  from_mcall(r, out);
  from_systemstack(r, out);
  from_casgstatus(r, out);
  from_clone(r, out);
  from_cgo_sigtramp(r, out);
  from_write_barrier(r, out);
  before_findfunc(r, out, "runtime.isSystemGoroutine", out.g_startpc, "g.startpc");
  before_findfunc(r, out, "runtime.printcreatedby", out.g_gopc, "g.gopc");
  // Neighbours in runtime.g (runtime2.go): atomicstatus uint32, stackLock uint32, goid uint64,
  // schedlink, waitsince, waitreason; syscallsp, syscallpc; parentGoid, gopc.
  if (out.g_atomicstatus) out.g_goid = *out.g_atomicstatus + 8;
  if (out.g_goid) out.g_waitreason = *out.g_goid + 24;
  if (out.g_syscallsp) out.g_syscallpc = *out.g_syscallsp + 8;
  if (out.g_gopc && has_parent_goid) out.g_parentgoid = *out.g_gopc - 8;
  return out;
}

}  // namespace godbg
