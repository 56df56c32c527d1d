#include "debugger/stepping/coroutines.hpp"

#include <string_view>

#include "common/error.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "debugger/stepping/step_rules.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

// How many words of a closure's captured variables are looked through.
constexpr int closure_words = 16;

std::optional<std::uint64_t> word(session& s, std::uint64_t a) {
  return s.process().read_value<std::uint64_t>(virt_addr(a));
}

std::optional<function_info> function_at(session& s, std::uint64_t pc) {
  return s.bin().function_at(s.bias().to_file(virt_addr(pc)));
}

// Delve's UserCurrent, which also looks through iter's own frames.
bool user_code(std::string_view name) {
  return name.find('.') != std::string_view::npos && !private_runtime(name) &&
         !name.starts_with("internal/") && !name.starts_with("runtime/internal") &&
         !name.starts_with("iter.");
}

// A captured funcval (by value or by reference) in the closure at `closure` whose code is a
// user function: the sequence iter.Pull's coroutine body calls.
std::optional<function_info> captured_user_function(session& s, std::uint64_t closure) {
  for (int i = 1; i <= closure_words; ++i) {
    auto w = word(s, closure + 8 * std::uint64_t(i));
    if (!w || !*w) continue;
    for (auto fv : {*w, word(s, *w).value_or(0)}) {
      if (!fv) continue;
      auto code = word(s, fv);
      if (!code) continue;
      auto f = function_at(s, *code);
      if (f && s.bias().to_virt(f->entry).value() == *code && user_code(f->name)) return f;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<coroutine_stop> coroutine_target(session& s, pid_t t) {
  auto fn = function_at(s, s.process().pc(t));
  if (!fn || !fn->name.starts_with("iter.Pull") || fn->name.find(".func") == std::string::npos)
    return std::nullopt;
  try {
    // The coroutines parked now; the closure's captures hold one of their runtime.coro (whose
    // first word is the goroutine), by value or through a pointer.
    std::vector<g_info> parked;
    for (auto& g : s.runtime().goroutines())
      if (g.wait_reason == std::optional<std::string>("coroutine")) parked.push_back(g);
    std::uint64_t closure = s.process().regs(t).rdx;
    for (int i = 1; i <= closure_words; ++i) {
      auto w = word(s, closure + 8 * std::uint64_t(i));
      if (!w || !*w) continue;
      for (auto coro : {*w, word(s, *w).value_or(0)}) {
        auto gp = coro ? word(s, coro) : std::nullopt;
        if (!gp) continue;
        for (const auto& g : parked) {
          if (g.addr != *gp) continue;
          auto frames = goroutine_stack(s, g, 64);
          for (const auto& f : frames)
            if (f.where.function && user_code(*f.where.function))
              return coroutine_stop{g.goid, f.where.pc};
          // Not started: it will run the sequence, which coro.f (the word after gp) captured.
          if (auto f = word(s, coro + 8); f && *f)
            if (auto seq = captured_user_function(s, *f))
              return coroutine_stop{g.goid, body_address(s, *seq)};
          return std::nullopt;
        }
      }
    }
  } catch (const error&) {
  }
  return std::nullopt;
}

}  // namespace godbg
