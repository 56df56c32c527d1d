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
       "Delete breakpoints N (watchpoints, tracepoints), or all of them. N is as breakpoints numbers them, or a range 2-5.", "delete 2\ndelete 1-3 7\ndelete",
       false, cmd::delete_},
      {"condition", {"cond"}, "Breakpoints", "condition N [EXPR] | condition -hitcount N [OP K]",
       "Stop at breakpoint N only when EXPR is true. No EXPR makes it unconditional. With "
       "-hitcount, stop only at hits whose count satisfies OP K (==, !=, <, <=, >, >=, % K: every "
       "Kth).",
       "condition 1 n == 3\ncondition 1\ncondition -hitcount 1 > 5\ncondition -hitcount 2 % 10", false, cmd::condition},
      {"breakpoints", {"info breakpoints", "bp", "i b"}, "Breakpoints", "breakpoints",
       "List breakpoints. Each shows where it is, its addresses and its hit count.", "breakpoints", false,
       cmd::breakpoints},
      {"enable", {}, "Breakpoints", "enable [N...]",
       "Enable breakpoints (watchpoints, tracepoints) N, or all. N may be a range: 2-5.",
       "enable 2\nenable 1-3", false, cmd::enable},
      {"disable", {}, "Breakpoints", "disable [N...]",
       "Disable breakpoints N, or all: they stay listed but never stop. N may be a range.",
       "disable 2\ndisable", false, cmd::disable},
      {"toggle", {}, "Breakpoints", "toggle N...", "Enable a disabled breakpoint, disable an enabled one.",
       "toggle 2", false, cmd::toggle},
      {"ignore", {}, "Breakpoints", "ignore N COUNT",
       "Pass over the next COUNT hits of breakpoint N (they are still counted).", "ignore 1 5", false,
       cmd::ignore},
      {"on", {}, "Breakpoints", "on N CMD",
       "Run CMD each time breakpoint N stops the program (after the stop is shown). Repeatable.",
       "on 1 print n\non 1 bt 3", false, cmd::on},
      {"commands", {}, "Breakpoints", "commands [N]",
       "Give breakpoint N (the last one set, without N) the commands on the lines that follow, up "
       "to a line saying end; they run at each stop it causes. `silent` first hides the stop; "
       "a `continue` among them goes on. In command files too.",
       "commands 1\nprint n\ncontinue\nend", false, cmd::commands},
      {"watch", {}, "Breakpoints", "watch [-r|-w|-rw] EXPR",
       "Set a hardware watchpoint on what EXPR names (a variable, field or element, 1 to 32 "
       "bytes, or *ADDRESS for 8 bytes): the program stops at each write (-w, the default), read "
       "(-r) or both (-rw), on every thread, with the old and the new value. A local's "
       "watchpoint follows its goroutine's stack when it grows and ends when its frame returns. "
       "Four debug registers: at most four 8-byte watchpoints.",
       "watch main.Counter\nwatch -rw p.X\nwatch total", false, cmd::watch},
      {"rwatch", {}, "Breakpoints", "rwatch EXPR", "gdb's read watchpoint: watch -r EXPR.",
       "rwatch main.Counter", false, cmd::rwatch},
      {"awatch", {}, "Breakpoints", "awatch EXPR", "gdb's access watchpoint: watch -rw EXPR.",
       "awatch main.Counter", false, cmd::awatch},
      {"trace", {}, "Breakpoints", "trace [-c] LOC [if COND]",
       "Set a tracepoint: each hit prints one line (function, arguments, goroutine, thread) and "
       "another when the call returns (the values returned), and the program goes on. LOC is as "
       "for break, or /REGEX/ (or a REGEX that names no function) for every function it matches. "
       "-c traces the calls only (no return lines); a tracepoint with no return line to catch "
       "runs in the target when it can (see `set in-target`): its hits go into a ring godbg "
       "drains while the program runs, and `breakpoints` says what it dropped.",
       "trace main.step\ntrace main.step if i % 100 == 0\ntrace -c main.hot\ntrace /^main\\.work/",
       false, cmd::trace},
      {"display", {}, "Data", "display [EXPR]",
       "Show EXPR at every stop, in the selected frame. Without EXPR, show them all now.",
       "display n\ndisplay p.X", false, cmd::display},
      {"undisplay", {}, "Data", "undisplay [N...]", "Stop showing display N (all without N).",
       "undisplay 1", false, cmd::undisplay},
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
      {"finish", {"stepout", "fin", "so"}, "Running", "finish",
       "Run until the selected frame returns, and show the values it returned. A panic that "
       "unwinds the frame stops in the first deferred call it runs, or where a recover resumes.",
       "finish", true, cmd::finish},
      {"until", {}, "Running", "until LOC",
       "Run until LOC is reached in this frame or a caller (recursive calls pass it), or until "
       "this frame returns.", "until main.go:40", false, cmd::until},
      {"advance", {}, "Running", "advance LOC",
       "Run until LOC is reached in any frame, or until this frame returns.",
       "advance main.work", false, cmd::advance},
      {"restart", {"run", "r"}, "Running", "restart [ARGS...]",
       "Launch the program again (killing it if it runs), with ARGS as its arguments if given. "
       "Breakpoints stay, set again at their locations, their hit counts back to 0.",
       "restart\nrun\nrestart -v input.txt", false, cmd::restart},
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
      {"print", {"p"}, "Data", "print[/FMT] EXPR",
       "Evaluate a Go expression in the selected frame and show it as Delve does: locals, "
       "arguments, package variables (pkg.Var, \"net/http\".DefaultClient), $registers, every "
       "operator with Go's typing, conversions, indexing, slicing, x.(T), len, cap, min, max. "
       "/x /o /t /d /u /c show integers in hex, octal, binary, signed, unsigned, as a character.",
       "print main.Count\nprint p.X*2 + 1\nprint s[1:3]\nprint err.(*os.PathError).Path\np/x n",
       false, cmd::print},
      {"whatis", {}, "Data", "whatis EXPR", "Show the type of a Go expression.",
       "whatis p\nwhatis p.X + 1", false, cmd::whatis},
      {"set", {"set var", "set variable"}, "Data", "set LVALUE = EXPR | set in-target on|off",
       "Assign to a variable, field, element, *p or $register with Go's assignment rules. Strings "
       "and slices take values the program already holds. `set in-target off` keeps every "
       "condition on the ptrace path (GODBG_IN_TARGET=0 does the same from the start).",
       "set n = 5\nset p.X = p.Y\nset $rax = 0\nset var s = other\nset in-target off", false,
       cmd::set},
      {"locals", {"info locals"}, "Data", "locals [REGEX]",
       "Show the selected frame's local variables (captures of a closure too) with their values. "
       "(x) marks an x that an inner block's x hides.",
       "locals\nlocals ^err", false, cmd::locals},
      {"args", {"info args"}, "Data", "args [REGEX]",
       "Show the selected frame's arguments and named results with their values.", "args", false,
       cmd::args},
      {"vars", {"info variables"}, "Data", "vars [REGEX]",
       "Show package variables whose names match REGEX, with their values.",
       "vars ^main\\.\nvars Counter", false, cmd::vars},
      {"funcs", {"info functions"}, "Data", "funcs [REGEX]", "List functions matching REGEX.",
       "funcs ^main\\.", false, cmd::funcs},
      {"types", {"info types"}, "Data", "types [REGEX]", "List types matching REGEX.",
       "types ^main\\.", false, cmd::types},
      {"sources", {"info sources"}, "Data", "sources [REGEX]",
       "List the program's source files matching REGEX.", "sources main.go", false,
       cmd::sources},
      {"x", {"examinemem"}, "Data", "x[/NFU] ADDR [N]",
       "Show memory at ADDR (a number, $register, function or Go expression): N bytes as hex "
       "and ASCII (default 64), or gdb's /NFU: N units of U (b h w g) bytes in format F (x d "
       "u o t a c f s). Breakpoints never show.",
       "x $rsp 32\nx/4xg $rsp\nx/s p.Name\nx/8xb &buf", false, cmd::examine},
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
      {"dump", {"gcore", "generate-core-file"}, "Session", "dump FILE",
       "Write a core file of the stopped program: every thread's registers, its mappings and "
       "its writable memory, as the kernel writes one. gdb, Delve (dlv core) and godbg core "
       "PROG FILE open it.",
       "dump /tmp/prog.core", false, cmd::dump},
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
