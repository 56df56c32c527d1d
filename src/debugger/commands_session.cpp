#include "common/error.hpp"
#include "debugger/commands.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void source(session& s, const command_args& a) {
  if (a.rest.empty()) throw usage_error("usage: source FILE");
  run_command_file(s, a.rest);
}

void help(session& s, const command_args& a) {
  if (a.words.empty()) {
    std::string text = "Commands (aliases in brackets):\n";
    for (auto& c : command_table()) {
      std::string aliases;
      for (auto al : c.aliases) aliases += (aliases.empty() ? "" : ", ") + std::string(al);
      text += fmt::format("  {:<28} {}{}\n", c.usage,
                          c.help.substr(0, c.help.find(". ") == std::string_view::npos
                                               ? c.help.size()
                                               : c.help.find(". ") + 1),
                          aliases.empty() ? "" : " [" + aliases + "]");
    }
    text += "Type \"help CMD\" for more on one command.";
    s.out().message(text);
    return;
  }
  std::size_t consumed = 0;
  auto* c = find_command(a.words, consumed);
  if (!c) throw usage_error(fmt::format("no command \"{}\"; try \"help\"", a.rest));
  std::string aliases;
  for (auto al : c->aliases) aliases += (aliases.empty() ? "" : ", ") + std::string(al);
  s.out().message(fmt::format("{}\n  {}\n  Aliases: {}\n  Example: {}", c->usage, c->help,
                              aliases.empty() ? "none" : aliases, c->example));
}

}  // namespace godbg::cmd
