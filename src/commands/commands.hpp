#pragma once
// Every command godbg knows is a row of one table: name, aliases, arguments, help, example and
// handler. The REPL, command files, completion and `help` all read the same rows.
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace godbg {

class session;

struct command_args {
  std::vector<std::string> words;  // after the command name
  std::string rest;                // the text after the command name, as typed
};

struct command_spec {
  std::string_view name;
  std::vector<std::string_view> aliases;  // gdb and Delve spellings; may hold two words
  std::string_view usage;
  std::string_view help;
  std::string_view example;
  bool repeat_on_empty_line = false;
  void (*run)(session&, const command_args&) = nullptr;
};

std::span<const command_spec> command_table();
// Finds the command a line starts with; `consumed` gets how many words named it.
const command_spec* find_command(const std::vector<std::string>& words, std::size_t& consumed);
// Runs one line. Throws godbg::error for a failing command.
void execute_command(session& s, std::string_view line);
// Runs a command file: `#` comments and blank lines skipped; a failing line is reported as
// "FILE:LINE: message" and the file goes on. Returns the number of failed lines.
int run_command_file(session& s, const std::string& path);

std::vector<std::string> split_words(std::string_view line);
// The optional positive count a stepping command takes as its first word (1 when absent).
int count_arg(const command_args& a);

// Handlers, by area (commands_*.cpp).
namespace cmd {
void break_(session&, const command_args&);
void tbreak(session&, const command_args&);
void delete_(session&, const command_args&);
void condition(session&, const command_args&);
void breakpoints(session&, const command_args&);
void continue_(session&, const command_args&);
void stepi(session&, const command_args&);
void nexti(session&, const command_args&);
void step(session&, const command_args&);
void next(session&, const command_args&);
void finish(session&, const command_args&);
void bt(session&, const command_args&);
void frame(session&, const command_args&);
void up(session&, const command_args&);
void down(session&, const command_args&);
void list(session&, const command_args&);
void disassemble(session&, const command_args&);
void regs(session&, const command_args&);
void print(session&, const command_args&);
void examine(session&, const command_args&);
void goroutines(session&, const command_args&);
void goroutine(session&, const command_args&);
void threads(session&, const command_args&);
void thread(session&, const command_args&);
void startup(session&, const command_args&);
void detach(session&, const command_args&);
void kill(session&, const command_args&);
void quit(session&, const command_args&);
void source(session&, const command_args&);
void help(session&, const command_args&);
}  // namespace cmd

}  // namespace godbg
