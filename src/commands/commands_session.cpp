#include <fmt/format.h>

#include "common/error.hpp"
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "debugger/session.hpp"

namespace godbg::cmd {

void source(command_context& c, const command_args& a) {
  if (a.rest.empty()) throw usage_error("usage: source FILE");
  c.in.run_file(a.rest);
}

namespace {

constexpr std::size_t help_width = 79;

// `text` folded into lines of at most `width` columns, each starting with `indent`.
std::string wrap(std::string_view text, std::size_t indent, std::size_t width = help_width) {
  std::string out, line(indent, ' ');
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (line.size() > indent && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.assign(indent, ' ');
    }
    if (line.size() > indent) line += ' ';
    line += word;
  }
  if (line.size() > indent) out += line;
  return out;
}

std::string aliases_of(const command_spec& c) {
  std::string out;
  for (auto al : c.aliases) out += (out.empty() ? "" : ", ") + std::string(al);
  return out;
}

std::string first_sentence(std::string_view help) {
  auto dot = help.find(". ");
  return std::string(dot == std::string_view::npos ? help : help.substr(0, dot + 1));
}

std::string overview_text() {
  constexpr std::size_t col = 24;
  std::string text = "Commands (aliases in brackets). \"help CMD\" explains one, with examples.\n";
  std::string_view group;
  for (auto& c : command_table()) {
    if (c.group != group) text += fmt::format("\n{}\n", c.group);
    group = c.group;
    std::string aliases = aliases_of(c);
    std::string summary = first_sentence(c.help) + (aliases.empty() ? "" : " [" + aliases + "]");
    std::string head = "  " + std::string(c.usage);
    if (head.size() + 2 > col) {  // a long usage line gets a line of its own
      text += head + "\n" + wrap(summary, col) + "\n";
    } else {
      head.resize(col, ' ');
      std::string body = wrap(summary, col);
      text += head + (body.size() > col ? body.substr(col) : "") + "\n";
    }
  }
  text +=
      "\nAn empty line repeats the last continue, step, next, stepi, nexti or finish.\n"
      "TAB completes commands, function names, FILE: and breakpoint numbers; Ctrl-C stops\n"
      "the running program (at the prompt it drops the line).";
  return text;
}

}  // namespace

void help(command_context& ctx, const command_args& a) {
  if (a.words.empty()) {
    ctx.out.message(overview_text());
    return;
  }
  std::size_t consumed = 0;
  auto* c = find_command(a.words, consumed);
  if (!c) {
    // "help info": the two-word aliases that start with it.
    std::string text;
    for (auto& cmd : command_table())
      for (auto al : cmd.aliases)
        if (al.starts_with(a.words[0] + " "))
          text += fmt::format("  {:<22}same as {}\n", al, cmd.name);
    if (!text.empty()) {
      ctx.out.message(fmt::format("{} commands:\n{}", a.words[0], text.substr(0, text.size() - 1)));
      return;
    }
    throw usage_error(fmt::format("no command \"{}\"; try \"help\"", a.rest));
  }
  std::string aliases = aliases_of(*c);
  std::string text = fmt::format("Usage: {}\n", c->usage);
  if (!aliases.empty()) text += fmt::format("Aliases: {}\n", aliases);
  text += "\n" + wrap(c->help, 2) + "\n";
  std::string_view ex = c->example;
  text += ex.find('\n') == std::string_view::npos ? "\nExample:\n" : "\nExamples:\n";
  while (!ex.empty()) {
    auto nl = ex.find('\n');
    text += fmt::format("  (godbg) {}\n", ex.substr(0, nl));
    ex = nl == std::string_view::npos ? "" : ex.substr(nl + 1);
  }
  if (c->repeat_on_empty_line) text += "\nAn empty line after it runs it again.\n";
  text.pop_back();
  ctx.out.message(text);
}

}  // namespace godbg::cmd

namespace godbg {
std::string commands_overview() {
  return cmd::overview_text();
}
}  // namespace godbg
