#include "commands/commands.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"

// Tables laid out by hand, a row per line: clang-format would put one field per line.
// clang-format off
namespace godbg {

std::span<const command_spec> command_table() {
  static const std::vector<command_spec> table = {
      {"break", {"b"}, "Breakpoints", "break LOC [if COND]",
       "Set a breakpoint. LOC is a function (main.main, runtime.schedinit, _rt0_amd64_linux), "
       "FILE:LINE (a unique base name is enough), LINE in the current file, or *ADDRESS. A "
       "function breakpoint stops past its Go prologue (at the entry of assembly code).",
       "break main.main\nbreak main.go:6\nbreak main.tick if n == 3\nbreak *0x401000", false,
       cmd::break_},
      {"tbreak", {}, "Breakpoints", "tbreak LOC",
       "Set a breakpoint that is deleted when first hit. LOC is as for break.",
       "tbreak runtime.schedinit\ntbreak main.go:12", false, cmd::tbreak},
      {"delete", {"clear", "d"}, "Breakpoints", "delete [N...]",
       "Delete breakpoints N, or all of them. N is as breakpoints numbers them.", "delete 2\ndelete",
       false, cmd::delete_},
      {"condition", {"cond"}, "Breakpoints", "condition N [EXPR]",
       "Stop at breakpoint N only when EXPR is true. No EXPR makes it unconditional.",
       "condition 1 n == 3\ncondition 1", false, cmd::condition},
      {"breakpoints", {"info breakpoints", "bp", "i b"}, "Breakpoints", "breakpoints",
       "List breakpoints. Each shows where it is, its addresses and its hit count.", "breakpoints", false,
       cmd::breakpoints},
      {"continue", {"c", "cont"}, "Running", "continue",
       "Resume every thread. They run until a breakpoint, a signal, the end of the program or "
       "Ctrl-C stops them.",
       "continue", true, cmd::continue_},
      {"stepi", {"si"}, "Running", "stepi [N]",
       "Execute one machine instruction (or N) on the current thread.",
       "stepi\nstepi 5", true, cmd::stepi},
      {"nexti", {"ni"}, "Running", "nexti [N]",
       "Execute one instruction (or N), stepping over calls.", "nexti\nnexti 3", true,
       cmd::nexti},
      {"step", {"s"}, "Running", "step", "Run to the next source line, entering calls.", "step", true,
       cmd::step},
      {"next", {"n"}, "Running", "next", "Run to the next source line in this function.", "next", true,
       cmd::next},
      {"finish", {"stepout", "fin"}, "Running", "finish", "Run until the current function returns, and show the values it returned.",
       "finish", true, cmd::finish},
      {"bt", {"backtrace", "stack", "where"}, "Stack and source", "bt [N]",
       "Show the call stack. Of the selected goroutine or thread, N frames at most.", "bt\nbt 10",
       false, cmd::bt},
      {"frame", {"f"}, "Stack and source", "frame N [CMD]",
       "Select frame N of the stack. 0 is the innermost, as bt numbers them; print and list "
       "then look at that frame. With CMD, run it in frame N and keep the selection.",
       "frame 1\nframe 2 print x", false, cmd::frame},
      {"up", {}, "Stack and source", "up [N]", "Select the caller's frame (N frames up).", "up\nup 2", false,
       cmd::up},
      {"down", {}, "Stack and source", "down [N]", "Select the callee's frame (N frames down).", "down", false,
       cmd::down},
      {"list", {"l", "ls"}, "Stack and source", "list [LOC]",
       "Show source around LOC or the current line. LOC is a function or FILE:LINE.",
       "list\nlist main.main\nlist main.go:20", false, cmd::list},
      {"disassemble", {"disass", "disas"}, "Stack and source", "disassemble [LOC]",
       "Disassemble the function at LOC or the current one. Breakpoints never show as int3.",
       "disassemble\ndisassemble runtime.rt0_go\ndisassemble *0x401000", false,
       cmd::disassemble},
      {"regs", {"info registers", "i r"}, "Data", "regs [NAME...]",
       "Show the current thread's registers. Flags are decoded, fs_base is included; NAMEs "
       "pick some.",
       "regs\nregs rip rsp fs_base", false, cmd::regs},
      {"print", {"p"}, "Data", "print EXPR",
       "Evaluate EXPR and show it as Go does. In the selected frame: locals, arguments, package "
       "variables, registers ($rsp), fields, indexing, pointers, len/cap and integer "
       "arithmetic (+ - * / %). Interfaces show their dynamic type.",
       "print main.Count\nprint n\nprint p.X*2 + 1\nprint $rip", false, cmd::print},
      {"x", {"examinemem"}, "Data", "x ADDR [N]",
       "Show N bytes of memory at ADDR (default 64). As hex and ASCII; breakpoints never show.",
       "x $rsp 32\nx 0xc000012000", false, cmd::examine},
      {"goroutines", {"grs", "info goroutines"}, "Goroutines and threads", "goroutines [-t] [-s STATUS] [-f FUNC] [-n N]",
       "List goroutines. Each shows id, status, wait reason, where, start function and thread; "
       "-s STATUS and -f FUNC (start function) filter, -n N shows N at most, -t adds stacks.",
       "goroutines\ngoroutines -s waiting\ngoroutines -f main. -n 20", false, cmd::goroutines},
      {"goroutine", {"gr"}, "Goroutines and threads", "goroutine [N [CMD]]",
       "Show or select goroutine N. With CMD (bt, frame, print), run it on that goroutine.",
       "goroutine\ngoroutine 1\ngoroutine 1 bt", false, cmd::goroutine},
      {"threads", {"info threads"}, "Goroutines and threads", "threads",
       "List threads. Each shows pc, function, goroutine, M, and which is the main thread.", "threads",
       false, cmd::threads},
      {"thread", {"tr"}, "Goroutines and threads", "thread [TID]",
       "Show or select a thread. TID is a Linux thread id, as threads lists them.", "thread 4712",
       false, cmd::thread},
      {"startup", {}, "Session", "startup [until FUNC]",
       "Run the program from where it stands through the Go bootstrap to main.main (or FUNC) "
       "and report each stage: when, on which thread and goroutine, and what it established "
       "(argc/argv, ncpu, GOMAXPROCS, Ps, Ms, goroutines). Times are measured under the "
       "debugger, without the time it held the program stopped. `godbg startup PROG` kills "
       "the program after the report unless command files (-x) follow.",
       "startup until main.offMain", false, cmd::startup},
      {"detach", {}, "Session", "detach",
       "Let the program go on without godbg. Every breakpoint is removed first.", "detach", false,
       cmd::detach},
      {"kill", {}, "Session", "kill", "Kill the program; godbg stays.", "kill", false, cmd::kill},
      {"quit", {"exit", "q"}, "Session", "quit",
       "Leave godbg. A launched program is killed, an attached one detached.", "quit", false,
       cmd::quit},
      {"source", {}, "Session", "source FILE",
       "Run the commands in FILE. One a line; # starts a comment; a failing line is reported "
       "and the file goes on.",
       "source demos/hello/startup.gdb", false, cmd::source},
      {"help", {"h"}, "Session", "help [CMD]", "List commands, or explain one.", "help\nhelp break", false,
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

}  // namespace godbg
// clang-format on
