// goroutines, goroutine, threads, thread.
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "debugger/session.hpp"
#include "debugger/stack/goroutine_stacks.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg::cmd {

void goroutines(command_context& c, const command_args& a) {
  auto& s = c.s;
  goroutine_filter f;
  auto& w = a.words;
  for (std::size_t i = 0; i < w.size(); ++i) {
    auto value = [&](const char* what) -> const std::string& {
      if (i + 1 >= w.size()) throw usage_error(fmt::format("goroutines: {} needs {}", w[i], what));
      return w[++i];
    };
    if (w[i] == "-t") {
      f.stacks = true;
      if (i + 1 < w.size())
        if (auto d = try_parse_integer<std::size_t>(w[i + 1]); d && *d > 0) f.depth = *d, ++i;
    } else if (w[i] == "-s") {
      f.status = value("a status");
    } else if (w[i] == "-f") {
      f.start = value("a function name");
    } else if (w[i] == "-n") {
      f.limit = parse_integer<std::size_t>(value("a count"), "a count");
    } else {
      throw usage_error(fmt::format(
          "goroutines: unknown argument \"{}\"; usage: goroutines [-t [DEPTH]] [-s STATUS] "
          "[-f FUNC] [-n N]",
          w[i]));
    }
  }
  s.program();  // fails when nothing runs
  auto& out = c.out;
  bool begun = false;
  std::size_t total = 0;
  total = list_goroutines(s, f, [&](const goroutine_record& r) {
    if (!begun) out.goroutines_begin(), begun = true;
    out.goroutine_item(r);
  });
  if (!begun) out.goroutines_begin();
  out.goroutines_end(total);
}

void goroutine(command_context& c, const command_args& a) {
  auto& s = c.s;
  auto& rt = s.runtime();
  if (a.words.empty()) {
    auto g = goroutine_in(s, c.where());
    if (!g) fail("goroutine: thread {} runs no goroutine", c.where().tid);
    c.out.goroutines({goroutine_view(s, *g, false, 0)}, 1);
    return;
  }
  auto id = parse_integer<std::int64_t>(a.words[0], "a goroutine id");
  s.program();
  if (!rt.available()) fail("goroutine: the Go runtime's layout is unknown for this program");
  auto g = rt.find_goroutine(id);
  if (!g) fail("goroutine: no goroutine {}", id);
  if (a.words.size() > 1) {
    // goroutine N CMD...: CMD in that goroutine's scope; the selection stays as it is.
    auto rest = std::string_view(a.rest);
    rest.remove_prefix(std::min(rest.size(), rest.find(a.words[0]) + a.words[0].size()));
    c.in.execute(rest, scope{g->tid.value_or(0), g->goid, 0});
    return;
  }
  if (g->tid) s.select_thread(*g->tid);
  s.select_goroutine(g->goid);
  c.out.message(fmt::format("Switched to goroutine {}{}", g->goid,
                            g->tid ? fmt::format(" (thread {})", *g->tid) : ""));
  c.out.goroutines({goroutine_view(s, *g, false, 0)}, 1);
}

void threads(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (!a.words.empty()) throw usage_error("threads takes no arguments");
  c.out.threads(list_threads(s));
}

void thread(command_context& c, const command_args& a) {
  auto& s = c.s;
  if (a.words.size() > 1) throw usage_error("usage: thread [TID]");
  if (!a.words.empty()) {
    auto tid = parse_integer<pid_t>(a.words[0], "a thread id", 1);
    s.select_thread(tid);
    c.out.message(fmt::format("Switched to thread {}", tid));
  }
  auto all = list_threads(s);
  std::vector<thread_record> one;
  for (auto& t : all)
    if (t.tid == c.where().tid) one.push_back(t);
  c.out.threads(one);
}

}  // namespace godbg::cmd
