#pragma once
// The model of the target that both printers (text and JSON) render, so they never disagree.
// Unknown values are std::nullopt and print as null.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "arch_amd64/registers.hpp"
#include "debugger/stage_value.hpp"

namespace godbg {

// A call inlined at a pc: the callee and where in it the pc is.
struct inlined_call {
  std::string function;
  std::optional<std::string> file;
  std::optional<int> line;
};

struct code_location {
  std::uint64_t pc = 0;
  std::optional<std::string> function;
  std::optional<std::string> file;
  std::optional<int> line;
  // When function/file/line name a function that code inlined at pc belongs to (a breakpoint on
  // main.main whose first instructions are an inlined call): those calls, innermost first.
  std::vector<inlined_call> inlined;
};

struct start_record {
  int pid = 0;
  std::string path;
  std::optional<std::string> go_version;
  bool is_go = false;   // a Go program, even when its version cannot be told
  std::string symbols;  // dwarf, symtab, pclntab or none
  // Where the runtime's struct offsets come from: "table" (a row extracted for that release),
  // "dwarf", "inferred" (read off the runtime's machine code, for a stripped binary the table
  // does not know), "guessed" (the newest row, unchecked); nullopt when not a Go program.
  std::optional<std::string> layout;
  std::optional<std::string> layout_detail;  // e.g. which fields the code gave
  bool attached = false;
  std::optional<int> threads;  // attach: how many threads were stopped
  // A post-mortem session: the core file, and the signal the process died of.
  std::optional<std::string> core;
  std::optional<int> signal;
};

// Why the program stopped. The front ends name them (CONTRACT.md's "reason" strings).
enum class stop_reason {
  entry,
  breakpoint,
  step,
  signal,
  interrupt,
  watchpoint,
  panic,
  fatal,
  exec
};

// A watchpoint's part of a stop: which one, and the watched value before and after the access.
struct watch_report {
  int id = 0;
  std::string expr;
  std::optional<std::string> old_text, new_text;
  bool out_of_scope = false;  // the frame of the watched local returned: the watchpoint is gone
};

// A stop, with every fact about it: the front ends render it, nobody reads it back from the
// session later.
struct stop_record {
  stop_reason reason = stop_reason::step;
  std::optional<int> breakpoint;    // the user breakpoint shown: the first that wanted the stop
  std::vector<int> breakpoints;     // every user breakpoint that wanted it, in id order
  std::vector<int> internal_stops;  // the debugger's own stops that wanted it (stepping)
  std::optional<int> signal;        // reason signal: the signal's number
  code_location where;
  int tid = 0;
  std::optional<std::int64_t> goid;
  std::optional<int> hits;               // of `breakpoint`
  std::optional<std::string> exec_path;  // reason exec: the new program
  std::optional<std::string> panic;      // reason panic: the value, as the runtime prints it
  std::optional<std::string> message;    // reason fatal: the fatal error's text
  bool trap = false;                     // reason breakpoint: the program's own int3
  std::vector<std::string> warnings;     // e.g. a condition that could not be evaluated
  std::optional<watch_report> watch;     // reason watchpoint
};

struct exit_record {
  std::optional<int> status;
  std::optional<int> signal;  // the signal that killed it
};

// What running the program led to: a stop, or its end.
using run_result = std::variant<stop_record, exit_record>;

struct frame_record {
  int index = 0;
  code_location where;
  std::uint64_t sp = 0;
  // The frame's canonical frame address (its caller's SP before the call), when known.
  std::optional<std::uint64_t> cfa;
  bool inlined = false;
  // The registers as this frame sees them: every one in a thread's innermost frame, pc, SP and
  // the saved rbp further out. Inlined frames share their physical frame's.
  frame_registers_set regs;
};

// Where a question is asked: a thread, a goroutine (which may run on no thread), and a frame of
// that one's stack. Delve's EvalScope; `goroutine N CMD` and `frame N CMD` make one without
// touching what the session has selected.
struct scope {
  int tid = 0;                       // the thread; 0 for a goroutine no thread runs
  std::optional<std::int64_t> goid;  // set when a goroutine was chosen
  int frame = 0;
};

struct register_record {
  std::string name;
  std::uint64_t value = 0;
  std::string display;  // hex, or decoded flags
};

enum class breakpoint_kind { breakpoint, tracepoint, watchpoint };
enum class watch_access { write, read, read_write };

// What a watchpoint watches: the expression, as resolved when it was set.
struct watch_record {
  std::string expr;
  watch_access access = watch_access::write;
  std::uint64_t address = 0, size = 0;
  std::optional<std::string> type;
  std::optional<std::int64_t> goid;  // a local: the goroutine whose stack holds it
};

struct breakpoint_record {
  int id = 0;
  breakpoint_kind kind = breakpoint_kind::breakpoint;
  std::string location;  // as the user gave it
  std::vector<code_location> sites;
  bool temporary = false;
  bool enabled = true;
  int hits = 0;
  std::optional<std::string> condition;
  std::optional<std::string> hit_condition;  // "> 3", "% 2"
  int ignore_count = 0;
  std::vector<std::string> commands;  // run at each stop it causes
  std::optional<watch_record> watch;
  // A conditional breakpoint: whether its condition runs in the target (every site), how many
  // times it was evaluated there, and else why it stays on the ptrace path.
  std::optional<bool> in_target;
  std::optional<std::uint64_t> evaluations;
  std::optional<std::string> ptrace_reason;
  // A tracepoint in the target: the hits its ring had no room for.
  std::optional<std::uint64_t> dropped;
};

struct instruction_record {
  std::uint64_t address = 0;
  std::string bytes;  // hex
  std::string text;   // mnemonic and operands, call targets symbolized
  bool current = false;
};

struct memory_record {
  std::uint64_t address = 0;
  std::vector<std::uint8_t> bytes;
  // x/NFU: each unit of `unit` bytes as gdb shows it in format `format` ("0x0000002a", "'A'",
  // a string for /s); empty for the plain hex and ASCII dump.
  char format = 0;
  int unit = 1;
  std::vector<std::string> units;
};

struct source_line_record {
  int line = 0;
  std::string text;
  bool current = false;
};

struct source_record {
  std::string file;
  std::vector<source_line_record> lines;
};

struct goroutine_record {
  std::int64_t id = 0;
  std::string status;
  std::optional<std::string> wait_reason;
  code_location where;       // current user frame
  std::uint64_t raw_pc = 0;  // the goroutine's own pc, even inside the runtime
  std::optional<std::string> start_function;
  std::optional<std::string> created_by;
  std::optional<int> tid;
  std::vector<frame_record> stack;  // with -t
};

struct thread_record {
  int tid = 0;
  bool main = false;
  bool current = false;
  code_location where;
  std::optional<std::int64_t> goid;
  std::optional<std::int64_t> m;
  std::optional<std::int64_t> p;
};

struct value_record {
  std::string expr;
  std::optional<std::string> type;
  std::string text;  // Go's own way of showing it
  std::optional<std::variant<std::int64_t, std::uint64_t, double, bool, std::string>> scalar;
};

// One stage of the Go bootstrap, as reached.
struct startup_stage {
  std::string stage;
  std::uint64_t t_us = 0;               // program time (startup_record::clock says which)
  std::optional<std::uint64_t> dur_us;  // how long it took, when the report knows
  int tid = 0;
  std::optional<std::int64_t> goid;
  std::string summary;                                      // one human line: what it established
  std::vector<std::pair<std::string, stage_value>> values;  // in the order they were found
  // A package's init (stage "init"): its import path and what the runtime counted for it
  // (nullopt where it cannot be known).
  std::optional<std::string> package;
  std::optional<std::uint64_t> bytes, allocs;
};

// The startup report: its stages in order, how its times were measured, and the one-line
// summaries of package init and (startup until FUNC) of where main.main's time went.
struct startup_record {
  std::vector<startup_stage> stages;
  std::string clock;
  std::optional<std::string> init_summary;
  std::optional<std::string> profile_summary;
};

// One line of a tracepoint: a call with its arguments, or its return with the results.
struct trace_record {
  int breakpoint = 0;
  bool is_return = false;
  std::string function;
  std::vector<value_record> values;  // arguments of a call, results of a return
  std::uint64_t pc = 0;
  int tid = 0;
  std::optional<std::int64_t> goid;
};

// An expression `display` shows at every stop.
struct display_record {
  int id = 0;
  std::string expr;
  std::optional<value_record> value;  // nullopt with `error` when it cannot be evaluated here
  std::optional<std::string> error;
};

}  // namespace godbg
