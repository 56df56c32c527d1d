#include <fstream>

#include "common/error.hpp"
#include "commands/commands.hpp"
#include "debugger/session.hpp"

// Tables laid out by hand, a row per line: clang-format would put one field per line.
// clang-format off
namespace godbg {

std::span<const command_spec> command_table() {
  static const std::vector<command_spec> table = {
      {"break", {"b"}, "break LOC [if COND]",
       "Set a breakpoint. LOC is a function (main.main, runtime.schedinit, _rt0_amd64_linux), "
       "FILE:LINE (a unique base name is enough), LINE in the current file, or *ADDRESS. A "
       "function breakpoint stops past its Go prologue (at the entry of assembly code).",
       "break main.main\nbreak main.go:6\nbreak main.tick if n == 3\nbreak *0x401000", false,
       cmd::break_},
      {"tbreak", {}, "tbreak LOC",
       "Set a breakpoint that is deleted when first hit. LOC is as for break.",
       "tbreak runtime.schedinit\ntbreak main.go:12", false, cmd::tbreak},
      {"delete", {"clear", "d"}, "delete [N...]",
       "Delete breakpoints N, or all of them. N is as breakpoints numbers them.", "delete 2\ndelete",
       false, cmd::delete_},
      {"condition", {"cond"}, "condition N [EXPR]",
       "Stop at breakpoint N only when EXPR is true. No EXPR makes it unconditional.",
       "condition 1 n == 3\ncondition 1", false, cmd::condition},
      {"breakpoints", {"info breakpoints", "bp", "i b"}, "breakpoints",
       "List breakpoints. Each shows where it is, its addresses and its hit count.", "breakpoints", false,
       cmd::breakpoints},
      {"continue", {"c", "cont"}, "continue",
       "Resume every thread. They run until a breakpoint, a signal, the end of the program or "
       "Ctrl-C stops them.",
       "continue", true, cmd::continue_},
      {"stepi", {"si"}, "stepi [N]",
       "Execute one machine instruction (or N) on the current thread.",
       "stepi\nstepi 5", true, cmd::stepi},
      {"nexti", {"ni"}, "nexti [N]",
       "Execute one instruction (or N), stepping over calls.", "nexti\nnexti 3", true,
       cmd::nexti},
      {"step", {"s"}, "step", "Run to the next source line, entering calls.", "step", true,
       cmd::step},
      {"next", {"n"}, "next", "Run to the next source line in this function.", "next", true,
       cmd::next},
      {"finish", {"stepout", "fin"}, "finish", "Run until the current function returns, and show the values it returned.",
       "finish", true, cmd::finish},
      {"bt", {"backtrace", "stack", "where"}, "bt [N]",
       "Show the call stack. Of the selected goroutine or thread, N frames at most.", "bt\nbt 10",
       false, cmd::bt},
      {"frame", {"f"}, "frame N",
       "Select frame N of the stack. 0 is the innermost, as bt numbers them; print and list "
       "then look at that frame.",
       "frame 1", false, cmd::frame},
      {"up", {}, "up [N]", "Select the caller's frame (N frames up).", "up\nup 2", false,
       cmd::up},
      {"down", {}, "down [N]", "Select the callee's frame (N frames down).", "down", false,
       cmd::down},
      {"list", {"l", "ls"}, "list [LOC]",
       "Show source around LOC or the current line. LOC is a function or FILE:LINE.",
       "list\nlist main.main\nlist main.go:20", false, cmd::list},
      {"disassemble", {"disass", "disas"}, "disassemble [LOC]",
       "Disassemble the function at LOC or the current one. Breakpoints never show as int3.",
       "disassemble\ndisassemble runtime.rt0_go\ndisassemble *0x401000", false,
       cmd::disassemble},
      {"regs", {"info registers", "i r"}, "regs [NAME...]",
       "Show the current thread's registers. Flags are decoded, fs_base is included; NAMEs "
       "pick some.",
       "regs\nregs rip rsp fs_base", false, cmd::regs},
      {"print", {"p"}, "print EXPR",
       "Evaluate EXPR and show it as Go does. In the selected frame: locals, arguments, package "
       "variables, registers ($rsp), fields, indexing, pointers, len/cap and integer "
       "arithmetic (+ - * / %). Interfaces show their dynamic type.",
       "print main.Count\nprint n\nprint p.X*2 + 1\nprint $rip", false, cmd::print},
      {"x", {"examinemem"}, "x ADDR [N]",
       "Show N bytes of memory at ADDR (default 64). As hex and ASCII; breakpoints never show.",
       "x $rsp 32\nx 0xc000012000", false, cmd::examine},
      {"goroutines", {"grs", "info goroutines"}, "goroutines [-t] [-s STATUS] [-f FUNC] [-n N]",
       "List goroutines. Each shows id, status, wait reason, where, start function and thread; "
       "-s STATUS and -f FUNC (start function) filter, -n N shows N at most, -t adds stacks.",
       "goroutines\ngoroutines -s waiting\ngoroutines -f main. -n 20", false, cmd::goroutines},
      {"goroutine", {"gr"}, "goroutine [N [CMD]]",
       "Show or select goroutine N. With CMD (bt, frame, print), run it on that goroutine.",
       "goroutine\ngoroutine 1\ngoroutine 1 bt", false, cmd::goroutine},
      {"threads", {"info threads"}, "threads",
       "List threads. Each shows pc, function, goroutine, M, and which is the main thread.", "threads",
       false, cmd::threads},
      {"thread", {"tr"}, "thread [TID]",
       "Show or select a thread. TID is a Linux thread id, as threads lists them.", "thread 4712",
       false, cmd::thread},
      {"startup", {}, "startup [until FUNC]",
       "Run the program from where it stands through the Go bootstrap to main.main (or FUNC) "
       "and report each stage: when, on which thread and goroutine, and what it established "
       "(argc/argv, ncpu, GOMAXPROCS, Ps, Ms, goroutines). Times are measured under the "
       "debugger, without the time it held the program stopped. `godbg startup PROG` kills "
       "the program after the report unless command files (-x) follow.",
       "startup until main.offMain", false, cmd::startup},
      {"detach", {}, "detach",
       "Let the program go on without godbg. Every breakpoint is removed first.", "detach", false,
       cmd::detach},
      {"kill", {}, "kill", "Kill the program; godbg stays.", "kill", false, cmd::kill},
      {"quit", {"exit", "q"}, "quit",
       "Leave godbg. A launched program is killed, an attached one detached.", "quit", false,
       cmd::quit},
      {"source", {}, "source FILE",
       "Run the commands in FILE. One a line; # starts a comment; a failing line is reported "
       "and the file goes on.",
       "source demos/hello/startup.gdb", false, cmd::source},
      {"help", {"h"}, "help [CMD]", "List commands, or explain one.", "help\nhelp break", false,
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
  constexpr int max_depth = 32;
  if (s.command_file_depth() >= max_depth)
    fail("{}: command files nested {} deep; does it source itself?", path, max_depth);
  std::ifstream in(path);
  if (!in) fail_errno("cannot read command file {}", path);
  struct nesting {
    int& depth;
    explicit nesting(int& d) : depth(d) { ++depth; }
    ~nesting() { --depth; }
  } guard(s.command_file_depth());
  int failed = 0, n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    auto words = split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    // SIGTERM/SIGHUP end the file too, not just the command that was running.
    if (s.quit_requested() || inferior::termination_requested()) break;
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
// clang-format on
