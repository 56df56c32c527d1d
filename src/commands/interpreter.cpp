#include "commands/interpreter.hpp"

#include <fstream>

#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "debugger/session.hpp"
#include "process/inferior.hpp"

namespace godbg {

scope command_context::where() const {
  return at ? *at : s.selected();
}

command_context interpreter::context() {
  return command_context{*this, s_, out_, std::nullopt};
}

void interpreter::execute(std::string_view line, const std::optional<scope>& at) {
  auto words = split_words(line);
  if (words.empty()) return;
  std::size_t consumed = 0;
  auto* c = find_command(words, consumed);
  if (!c) throw usage_error(fmt::format("unknown command \"{}\"; try \"help\"", words[0]));
  command_args a;
  a.words.assign(words.begin() + consumed, words.end());
  // The raw text after the command words, for expressions with spaces.
  std::size_t pos = 0;
  for (std::size_t i = 0; i < consumed; ++i) pos = line.find(words[i], pos) + words[i].size();
  a.rest = std::string(line.substr(pos));
  auto b = a.rest.find_first_not_of(" \t");
  a.rest = b == std::string::npos ? "" : a.rest.substr(b);
  while (!a.rest.empty() && (a.rest.back() == ' ' || a.rest.back() == '\r')) a.rest.pop_back();
  command_context ctx{*this, s_, out_, at};
  c->run(ctx, a);
}

int interpreter::run_file(const std::string& path) {
  constexpr int max_depth = 32;
  if (file_depth_ >= max_depth)
    fail("{}: command files nested {} deep; does it source itself?", path, max_depth);
  std::ifstream in(path);
  if (!in) fail_errno("cannot read command file {}", path);
  struct nesting {
    int& depth;
    explicit nesting(int& d) : depth(d) { ++depth; }
    ~nesting() { --depth; }
  } guard(file_depth_);
  int failed = 0, n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    auto words = split_words(line);
    if (words.empty() || words[0][0] == '#') continue;
    // SIGTERM/SIGHUP end the file too, not just the command that was running.
    if (quit_ || inferior::termination_requested()) break;
    try {
      execute(line);
    } catch (const error& e) {
      ++failed;
      out_.error(fmt::format("{}:{}: {}", path, n, e.what()));
    }
  }
  return failed;
}

}  // namespace godbg
