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

interpreter::interpreter(session& s, reporter& out) : s_(s), out_(out) {
  s_.set_trace_sink([this](const trace_record& r) { out_.trace(r); }, [this] { out_.flush(); });
}

interpreter::~interpreter() {
  s_.set_trace_sink({});
}

command_context interpreter::context() {
  return command_context{*this, s_, out_, std::nullopt};
}

void interpreter::execute(std::string_view line, const std::optional<scope>& at) {
  if (collecting()) {
    auto words = split_words(line);
    if (words.size() == 1 && words[0] == "end") {
      auto done = std::exchange(collect_done_, {});
      done(std::exchange(collected_, {}));
    } else if (!words.empty()) {
      auto b = line.find_first_not_of(" \t");
      collected_.emplace_back(line.substr(b));
    }
    return;
  }
  {
    struct nesting {
      int& depth;
      explicit nesting(int& d) : depth(d) { ++depth; }
      ~nesting() { --depth; }
    } guard(depth_);
    try {
      run_line(line, at);
    } catch (...) {
      if (depth_ == 1) pending_.clear();
      throw;
    }
  }
  if (depth_ == 0) run_pending();
}

void interpreter::run_line(std::string_view line, const std::optional<scope>& at) {
  auto words = split_words(line);
  if (words.empty()) return;
  // gdb's p/x n and x/4xg ADDR: the format goes to the command as its first word.
  std::string owned_line;
  if (auto slash = words[0].find('/'); slash != std::string::npos && slash > 0) {
    std::string name = words[0].substr(0, slash);
    std::vector<std::string> probe{name};
    std::size_t n = 0;
    if (find_command(probe, n)) {
      std::size_t first = line.find(words[0]);
      owned_line = std::string(line.substr(0, first)) + name + " " + words[0].substr(slash) +
                   std::string(line.substr(first + words[0].size()));
      line = owned_line;
      words = split_words(line);
    }
  }
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
  // A program that died since the last command (killed while stopped) is said to have, once,
  // before this command's own answer (which is then that it is not running). One that is
  // dying (a SIGKILL pending) is given a moment to finish.
  report_end(1000);
  try {
    c->run(ctx, a);
  } catch (const error&) {
    // The command failed because the program died under it: the death is the news, said once,
    // in place of whatever the failure looked like from inside.
    if (report_end(1000)) return;
    throw;
  } catch (const std::exception& e) {
    if (report_end(1000)) return;
    // Never a library's bare text ("map::at"): what was being done, then what went wrong.
    throw error(fmt::format("{}: internal error: {}", c->name, e.what()));
  }
  report_end(0);
}

bool interpreter::report_end(int grace_ms) {
  auto end = s_.take_exit(grace_ms);
  if (end) out_.exited(*end);
  return end.has_value();
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
