#include "cli/completion.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <string_view>

// clang-format off
#include <editline/readline.h>
// clang-format on

#include "arch_amd64/registers.hpp"
#include "commands/commands.hpp"
#include "debugger/eval/expression_names.hpp"
#include "debugger/session.hpp"
#include "goruntime/go_runtime.hpp"

namespace godbg {

namespace {

using word_set = std::set<std::string>;

void add_if(word_set& out, std::string_view word, const std::string& prefix) {
  if (word.starts_with(prefix)) out.insert(std::string(word));
}

void command_names(word_set& out, const std::string& prefix, bool with_aliases) {
  for (auto& c : command_table()) {
    add_if(out, c.name, prefix);
    if (!with_aliases) continue;
    for (auto a : c.aliases) add_if(out, a.substr(0, a.find(' ')), prefix);
  }
}

// Functions, then FILE: (a base name, or the full path once a '/' is typed).
void locations(session& s, word_set& out, const std::string& prefix) {
  if (!s.has_binary() || prefix.starts_with("*")) return;
  // Every match, not the first N: the common prefix libedit inserts must be that of them all.
  for (auto& f : s.bin().function_names(prefix, std::size_t(-1)))
    if (f.find(' ') == std::string::npos) out.insert(f);
  if (auto* tab = s.bin().pclntab()) {
    bool path = prefix.find('/') != std::string::npos;
    for (auto& f : tab->files()) {
      auto slash = f.rfind('/');
      std::string name = path || slash == std::string::npos ? f : f.substr(slash + 1);
      if (name.starts_with(prefix) && name.find(' ') == std::string::npos) out.insert(name + ":");
    }
  }
}

void register_names(word_set& out, const std::string& prefix, std::string_view sigil) {
  for (auto& r : all_registers()) add_if(out, std::string(sigil) + std::string(r.name), prefix);
  for (std::string_view a : {"pc", "sp", "fp"})
    add_if(out, std::string(sigil) + std::string(a), prefix);
}

// Variables for print: "&loc" completes as "loc" does, behind the operators typed before it.
void variable_names(session& s, word_set& out, const std::string& prefix) {
  auto start = prefix.find_first_not_of("&*!-+^(");
  if (start == std::string::npos) start = prefix.size();
  std::string head = prefix.substr(0, start);
  for (auto& name : expression_names(s, std::string_view(prefix).substr(start)))
    out.insert(head + name);
}

// The live goroutines' ids: the process is stopped whenever the prompt is shown.
void goroutine_ids(session& s, word_set& out, const std::string& prefix) {
  if (!s.has_program() || !s.runtime().available()) return;
  for (auto& g : s.runtime().goroutines()) add_if(out, std::to_string(g.goid), prefix);
}

void file_names(word_set& out, const std::string& prefix) {
  for (int i = 0;; ++i) {
    char* m = rl_filename_completion_function(prefix.c_str(), i);
    if (!m) break;
    std::string name = m;
    std::free(m);
    struct stat st {};
    if (!name.ends_with("/") && ::stat(name.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) name += '/';
    out.insert(name);
  }
}

}  // namespace

std::vector<std::string> completions(session& s, const std::string& line_so_far,
                                     const std::string& prefix) {
  word_set out;
  auto words = split_words(line_so_far);
  if (words.empty()) {
    // A bare TAB lists the commands; aliases join in once something is typed.
    command_names(out, prefix, !prefix.empty());
    return {out.begin(), out.end()};
  }
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  if (!c) {
    // "info <TAB>", "i <TAB>": the second words of two-word aliases.
    if (words.size() == 1)
      for (auto& cmd : command_table())
        for (auto a : cmd.aliases)
          if (a.starts_with(words[0] + " ")) add_if(out, a.substr(words[0].size() + 1), prefix);
    return {out.begin(), out.end()};
  }
  std::size_t arg = words.size() - consumed;  // index of the word being completed
  std::string_view name = c->name;
  std::string_view previous = words.size() > consumed ? std::string_view(words.back()) : "";
  if (name == "help") {
    if (arg == 0) command_names(out, prefix, true);
  } else if (name == "delete" || name == "enable" || name == "disable" || name == "toggle" ||
             ((name == "condition" || name == "ignore" || name == "on" || name == "commands") &&
              arg == 0)) {
    for (int id : s.breakpoints().ids()) add_if(out, std::to_string(id), prefix);
  } else if (name == "break" || name == "tbreak" || name == "trace" || name == "list" ||
             name == "disassemble") {
    if (arg == 0)
      locations(s, out, prefix);
    else if (arg == 1 && name != "list" && name != "disassemble")
      add_if(out, "if", prefix);
  } else if (name == "regs") {
    register_names(out, prefix, "");
  } else if (name == "print" || name == "x" || name == "display") {
    if (prefix.starts_with("$"))
      register_names(out, prefix, "$");
    else if (name != "x")
      variable_names(s, out, prefix);
  } else if (name == "watch" || name == "rwatch" || name == "awatch") {
    variable_names(s, out, prefix);
  } else if (name == "thread") {
    if (arg == 0 && s.has_program())
      for (pid_t t : s.program().thread_ids()) add_if(out, std::to_string(t), prefix);
  } else if (name == "goroutine") {
    if (arg == 0)
      goroutine_ids(s, out, prefix);
    else if (arg == 1)
      for (std::string_view sub : {"bt", "frame", "print"}) add_if(out, sub, prefix);
  } else if (name == "goroutines") {
    if (previous == "-s") {
      for (std::string_view st :
           {"idle", "runnable", "running", "syscall", "waiting", "dead", "copystack", "preempted"})
        add_if(out, st, prefix);
    } else if (previous == "-f") {
      if (s.has_binary())
        for (auto& f : s.bin().function_names(prefix, std::size_t(-1)))
          if (f.find(' ') == std::string::npos) out.insert(f);
    } else if (previous != "-n" && prefix.starts_with("-")) {
      for (std::string_view flag : {"-t", "-s", "-f", "-n"}) add_if(out, flag, prefix);
    }
  } else if (name == "source") {
    if (arg == 0) file_names(out, prefix);
  }
  return {out.begin(), out.end()};
}

namespace {
session* completing = nullptr;  // libedit's C callbacks take no context pointer
std::vector<std::string> matches;

char* generator(const char* text, int state) {
  if (state == 0) {
    std::string line(rl_line_buffer, std::size_t(rl_point));
    try {
      matches = completions(*completing, line.substr(0, line.size() - std::strlen(text)), text);
    } catch (const std::exception&) {
      matches.clear();  // completion never ends the session
    }
    // "main.go:" and "dir/" go on without a space; everything else gets one.
    bool open = matches.size() == 1 && (matches[0].ends_with(":") || matches[0].ends_with("/"));
    rl_completion_append_character = open ? '\0' : ' ';
  }
  if (std::size_t(state) < matches.size()) return strdup(matches[std::size_t(state)].c_str());
  return nullptr;
}

char** complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;  // never fall back to file names
  return rl_completion_matches(text, generator);
}
}  // namespace

void install_completion(session& s) {
  completing = &s;
  rl_attempted_completion_function = complete;
  // Words are separated by blanks only: '.', ':', '*', '$' and '/' belong to what is completed.
  rl_basic_word_break_characters = const_cast<char*>(" \t");
  rl_completer_word_break_characters = const_cast<char*>(" \t");
  rl_completion_query_items = 200;
}

}  // namespace godbg
