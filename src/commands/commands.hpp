#pragma once
// Every command godbg knows is a row of one table: name, aliases, group, arguments, help,
// example and handler. The REPL, command files, completion and `help` all read the same rows.
// A handler turns words into calls of the debugger and hands what comes back, as records, to
// the reporter of the front end that asked.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class session;
class reporter;
class interpreter;
struct session_start;
struct user_breakpoint;

struct command_args {
  std::vector<std::string> words;  // after the command name
  std::string rest;                // the text after the command name, as typed
};

// What a handler works with: the session, where its records go, and the scope it runs in.
struct command_context {
  interpreter& in;
  session& s;
  reporter& out;
  // Set by `goroutine N CMD` and `frame N CMD`: CMD looks there, the selection stays as it is.
  std::optional<scope> at;
  scope where() const;
};

struct command_spec {
  std::string_view name;
  std::vector<std::string_view> aliases;  // gdb and Delve spellings; may hold two words
  std::string_view group;                 // the heading `help` lists it under
  std::string_view usage;
  std::string_view help;
  std::string_view example;
  bool repeat_on_empty_line = false;
  void (*run)(command_context&, const command_args&) = nullptr;
};

std::span<const command_spec> command_table();
// Finds the command a line starts with; `consumed` gets how many words named it.
const command_spec* find_command(const std::vector<std::string>& words, std::size_t& consumed);

std::vector<std::string> split_words(std::string_view line);
// `help`'s list of every command by group, which `godbg help` prints too.
std::string commands_overview();
// The optional positive count a stepping command takes as its first word (1 when absent).
int count_arg(const command_args& a);

// gdb's /FMT after print or x ("/x", "/4xg"): for print, the format letter and the text after.
std::pair<char, std::string> print_format(const std::string& rest);

// Renders what running the program led to: its warnings, the stop with its source lines, or
// the end of the program.
void report(command_context& c, const run_result& r);
// The start of a session on a process, and its first stop.
void report(command_context& c, const session_start& st);

// A breakpoint (or watchpoint, tracepoint) as `breakpoints` lists it.
breakpoint_record breakpoint_view(session& s, const user_breakpoint& bp);

// Handlers, by area (commands_*.cpp).
namespace cmd {
void break_(command_context&, const command_args&);
void tbreak(command_context&, const command_args&);
void delete_(command_context&, const command_args&);
void condition(command_context&, const command_args&);
void breakpoints(command_context&, const command_args&);
void enable(command_context&, const command_args&);
void disable(command_context&, const command_args&);
void toggle(command_context&, const command_args&);
void ignore(command_context&, const command_args&);
void on(command_context&, const command_args&);
void commands(command_context&, const command_args&);
void watch(command_context&, const command_args&);
void rwatch(command_context&, const command_args&);
void awatch(command_context&, const command_args&);
void trace(command_context&, const command_args&);
void display(command_context&, const command_args&);
void undisplay(command_context&, const command_args&);
void continue_(command_context&, const command_args&);
void stepi(command_context&, const command_args&);
void nexti(command_context&, const command_args&);
void step(command_context&, const command_args&);
void next(command_context&, const command_args&);
void finish(command_context&, const command_args&);
void restart(command_context&, const command_args&);
void until(command_context&, const command_args&);
void advance(command_context&, const command_args&);
void bt(command_context&, const command_args&);
void frame(command_context&, const command_args&);
void up(command_context&, const command_args&);
void down(command_context&, const command_args&);
void list(command_context&, const command_args&);
void disassemble(command_context&, const command_args&);
void regs(command_context&, const command_args&);
void print(command_context&, const command_args&);
void whatis(command_context&, const command_args&);
void set(command_context&, const command_args&);
void locals(command_context&, const command_args&);
void args(command_context&, const command_args&);
void vars(command_context&, const command_args&);
void funcs(command_context&, const command_args&);
void types(command_context&, const command_args&);
void sources(command_context&, const command_args&);
void examine(command_context&, const command_args&);
void goroutines(command_context&, const command_args&);
void goroutine(command_context&, const command_args&);
void threads(command_context&, const command_args&);
void thread(command_context&, const command_args&);
void startup(command_context&, const command_args&);
void detach(command_context&, const command_args&);
void kill(command_context&, const command_args&);
void dump(command_context&, const command_args&);
void quit(command_context&, const command_args&);
void source(command_context&, const command_args&);
void help(command_context&, const command_args&);
}  // namespace cmd

}  // namespace godbg
