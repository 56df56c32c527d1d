#include "cli/completion.hpp"

#include <cstdlib>
#include <cstring>
#include <set>

// clang-format off
#include <editline/readline.h>
// clang-format on

#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg {

std::vector<std::string> completions(session& s, const std::string& line_so_far,
                                     const std::string& prefix) {
  std::set<std::string> out;
  auto words = split_words(line_so_far);
  bool first_word = words.empty() || (words.size() == 1 && !line_so_far.ends_with(" "));
  if (first_word) {
    for (auto& c : command_table()) {
      if (c.name.starts_with(prefix)) out.insert(std::string(c.name));
      for (auto a : c.aliases)
        if (a.starts_with(prefix) && a.find(' ') == std::string_view::npos)
          out.insert(std::string(a));
    }
    return {out.begin(), out.end()};
  }
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  if (!c) return {};
  std::string_view name = c->name;
  if (name == "delete" || name == "condition") {
    for (int id : s.breakpoints().ids())
      if (std::to_string(id).starts_with(prefix)) out.insert(std::to_string(id));
  } else if (name == "break" || name == "tbreak" || name == "list" || name == "disassemble") {
    if (!s.has_binary()) return {};
    for (auto& f : s.bin().function_names(prefix, 200)) out.insert(f);
    if (auto* tab = s.bin().pclntab())
      for (auto& f : tab->files()) {
        auto slash = f.rfind('/');
        std::string base = slash == std::string::npos ? f : f.substr(slash + 1);
        if (base.starts_with(prefix)) out.insert(base + ":");
      }
  }
  return {out.begin(), out.end()};
}

namespace {
session* completing = nullptr;  // libedit's C callbacks take no context pointer
std::vector<std::string> matches;

char* generator(const char* text, int state) {
  if (state == 0) {
    std::string line(rl_line_buffer, std::size_t(rl_point));
    matches = completions(*completing, line.substr(0, line.size() - std::strlen(text)), text);
  }
  if (std::size_t(state) < matches.size()) return strdup(matches[std::size_t(state)].c_str());
  return nullptr;
}

char** complete(const char* text, int, int) {
  rl_attempted_completion_over = 1;
  return rl_completion_matches(text, generator);
}
}  // namespace

void install_completion(session& s) {
  completing = &s;
  rl_attempted_completion_function = complete;
  rl_basic_word_break_characters = const_cast<char*>(" \t");
}

}  // namespace godbg
