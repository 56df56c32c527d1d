#include <fstream>

#include "common/error.hpp"
#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg {

std::span<const command_spec> command_table() {
  static const std::vector<command_spec> table = {
      {"break", {"b"}, "break LOC [if COND]",
       "Set a breakpoint. LOC is a function (main.main, runtime.schedinit, _rt0_amd64_linux), "
       "FILE:LINE (a unique base name is enough), LINE in the current file, or *ADDRESS. A "
       "function breakpoint stops past its Go prologue (at the entry of assembly code).",
       "break main.go:6", false, cmd::break_},
      {"tbreak", {}, "tbreak LOC", "Set a breakpoint that is deleted when first hit.",
       "tbreak runtime.schedinit", false, cmd::tbreak},
      {"delete", {"clear", "d"}, "delete [N...]", "Delete breakpoints N, or all of them.",
       "delete 2", false, cmd::delete_},
      {"condition", {"cond"}, "condition N [EXPR]",
       "Stop at breakpoint N only when EXPR is true; no EXPR makes it unconditional.",
       "condition 1 n == 3", false, cmd::condition},
      {"breakpoints", {"info breakpoints", "bp", "i b"}, "breakpoints",
       "List breakpoints with their locations and hit counts.", "breakpoints", false,
       cmd::breakpoints},
      {"continue", {"c", "cont"}, "continue", "Resume every thread until something stops them.",
       "continue", true, cmd::continue_},
      {"stepi", {"si"}, "stepi [N]", "Execute one machine instruction on the current thread.",
       "stepi", true, cmd::stepi},
      {"nexti", {"ni"}, "nexti [N]", "Execute one instruction, stepping over calls.", "nexti",
       true, cmd::nexti},
      {"step", {"s"}, "step", "Run to the next source line, entering calls.", "step", true,
       cmd::step},
      {"next", {"n"}, "next", "Run to the next source line in this function.", "next", true,
       cmd::next},
      {"finish", {"stepout", "fin"}, "finish", "Run until the current function returns.",
       "finish", true, cmd::finish},
      {"bt", {"backtrace", "stack", "where"}, "bt [N]",
       "Show the call stack of the current goroutine or thread, N frames at most.", "bt 10",
       false, cmd::bt},
      {"frame", {"f"}, "frame N", "Select frame N of the stack.", "frame 1", false, cmd::frame},
      {"up", {}, "up [N]", "Select the caller's frame.", "up", false, cmd::up},
      {"down", {}, "down [N]", "Select the callee's frame.", "down", false, cmd::down},
      {"list", {"l", "ls"}, "list [LOC]",
       "Show source around LOC, or around the current line.", "list main.main", false,
       cmd::list},
      {"disassemble", {"disass", "disas"}, "disassemble [LOC]",
       "Disassemble the function at LOC (default: the current one); int3 bytes never show.",
       "disassemble runtime.rt0_go", false, cmd::disassemble},
      {"regs", {"info registers", "i r"}, "regs [NAME...]",
       "Show the current thread's registers (flags decoded, fs_base included).", "regs rip rsp",
       false, cmd::regs},
      {"print", {"p"}, "print EXPR", "Evaluate EXPR and show it as Go does.",
       "print main.Counter", false, cmd::print},
      {"x", {"examinemem"}, "x ADDR [N]", "Show N bytes of memory at ADDR (default 64).",
       "x $rsp 32", false, cmd::examine},
      {"goroutines", {"grs", "info goroutines"}, "goroutines [-t] [-s STATUS] [-f FUNC] [-n N]",
       "List goroutines: id, status, wait reason, where, start function, thread.",
       "goroutines -s waiting", false, cmd::goroutines},
      {"goroutine", {"gr"}, "goroutine [N [CMD]]",
       "Show or select goroutine N, or run CMD (bt, frame, print) on it.", "goroutine 1 bt",
       false, cmd::goroutine},
      {"threads", {"info threads"}, "threads",
       "List threads: pc, function, goroutine, M, and which is the main thread.", "threads",
       false, cmd::threads},
      {"thread", {"tr"}, "thread [TID]", "Show or select a thread.", "thread 4712", false,
       cmd::thread},
      {"startup", {}, "startup",
       "Report the Go bootstrap of the program from where it stands to main.main.", "startup",
       false, cmd::startup},
      {"detach", {}, "detach",
       "Remove every breakpoint and let the program go on without godbg.", "detach", false,
       cmd::detach},
      {"kill", {}, "kill", "Kill the program.", "kill", false, cmd::kill},
      {"quit", {"exit", "q"}, "quit",
       "Leave godbg: a launched program is killed, an attached one detached.", "quit", false,
       cmd::quit},
      {"source", {}, "source FILE", "Run the commands in FILE.", "source startup.gdb", false,
       cmd::source},
      {"help", {"h"}, "help [CMD]", "List commands, or explain one.", "help break", false,
       cmd::help},
  };
  return table;
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool in = false;
  for (char c : line) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in) out.push_back(cur), cur.clear(), in = false;
    } else {
      cur += c;
      in = true;
    }
  }
  if (in) out.push_back(cur);
  return out;
}

const command_spec* find_command(const std::vector<std::string>& words, std::size_t& consumed) {
  if (words.empty()) return nullptr;
  // Two-word aliases ("info breakpoints") first.
  if (words.size() >= 2) {
    std::string two = words[0] + " " + words[1];
    for (auto& c : command_table())
      for (auto a : c.aliases)
        if (a == two) {
          consumed = 2;
          return &c;
        }
  }
  for (auto& c : command_table()) {
    if (c.name == words[0]) {
      consumed = 1;
      return &c;
    }
    for (auto a : c.aliases)
      if (a == words[0]) {
        consumed = 1;
        return &c;
      }
  }
  return nullptr;
}

void execute_command(session& s, std::string_view line) {
  auto words = split_words(line);
  if (words.empty()) return;
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  if (!c) throw usage_error(fmt::format("unknown command \"{}\"; try \"help\"", words[0]));
  command_args a;
  a.words.assign(words.begin() + consumed, words.end());
  // The raw text after the command words, for expressions with spaces.
  std::size_t pos = 0;
  for (std::size_t i = 0; i < consumed; ++i) {
    pos = line.find(words[i], pos) + words[i].size();
  }
  a.rest = std::string(line.substr(pos));
  auto b = a.rest.find_first_not_of(" \t");
  a.rest = b == std::string::npos ? "" : a.rest.substr(b);
  while (!a.rest.empty() && (a.rest.back() == ' ' || a.rest.back() == '\r')) a.rest.pop_back();
  c->run(s, a);
}

int run_command_file(session& s, const std::string& path) {
  std::ifstream in(path);
  if (!in) fail_errno("cannot read command file {}", path);
  int failed = 0, n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    auto words = split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    if (s.quit_requested()) break;
    try {
      execute_command(s, line);
    } catch (const error& e) {
      ++failed;
      s.out().error(fmt::format("{}:{}: {}", path, n, e.what()));
    }
  }
  return failed;
}

}  // namespace godbg
