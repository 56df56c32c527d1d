// godbg's entry: the command line of ../shared/CONTRACT.md, then a session, command files, and
// the REPL. Errors are caught here, once: 1 when godbg could not do what was asked, 2 for usage.
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/printers.hpp"
#include "cli/repl.hpp"
#include "cli/signals.hpp"
#include "cli/startup_command.hpp"
#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/reporter.hpp"
#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "common/version.hpp"
#include "debugger/session.hpp"

namespace {

struct options {
  std::vector<std::string> init_files;
  bool batch = false;
  bool json = false;
  bool quiet = false;
  std::string trace;
};

int run_session(godbg::interpreter& in, const options& o) {
  int failed = 0;
  for (auto& f : o.init_files) {
    if (in.quit_requested()) break;
    try {
      failed += in.run_file(f);
    } catch (const godbg::error& e) {
      in.out().error(e.what());
      ++failed;
    }
  }
  if (!o.batch && !in.quit_requested() && !godbg::termination_requested()) godbg::run_repl(in);
  // In batch mode a failing command is a failure of the run, as with gdb -batch.
  return (o.batch && failed) ? 1 : 0;
}

pid_t parse_pid(const std::string& w) {
  try {
    return godbg::parse_integer<pid_t>(w, "a process id", 1);
  } catch (const godbg::usage_error& e) {
    throw godbg::usage_error(std::string("attach: ") + e.what());
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"godbg: a debugger for Go programs on linux/amd64"};
  app.set_version_flag("--version", std::string("godbg ") + std::string(godbg::version()));
  options o;
  auto add_options = [&](CLI::App* a) {
    a->add_option("-x,--init", o.init_files, "run the commands in FILE first (repeatable)")
        ->allow_extra_args(false)
        ->type_name("FILE");
    a->add_flag("--batch", o.batch, "run the command files, then end");
    a->add_flag("--json", o.json, "print records as JSON Lines");
    a->add_flag("-q", o.quiet, "no banner");
    a->add_option("--trace", o.trace, "with startup: write a Trace Event Format file")
        ->type_name("FILE");
  };
  add_options(&app);
  auto* run = app.add_subcommand("run", "launch PROG stopped at its first instruction");
  auto* attach = app.add_subcommand("attach", "stop every thread of a running process");
  auto* startup = app.add_subcommand("startup", "run PROG through the Go bootstrap and report it");
  auto* help = app.add_subcommand("help", "show this help");
  app.footer(
      "Everything after PROG belongs to the program, as with gdb --args.\n\n"
      "Examples:\n"
      "  godbg run ./prog arg1           stop ./prog at its first instruction\n"
      "  godbg run -x cmds.gdb ./prog    run the commands in cmds.gdb first\n"
      "  godbg attach 4242               stop every thread of process 4242\n"
      "  godbg startup --json ./prog     report the Go bootstrap as JSON Lines\n\n"
      "Inside godbg, \"help CMD\" explains a command. See also: man godbg\n\n" +
      godbg::commands_overview());
  for (auto* sub : {run, attach, startup}) {
    add_options(sub);
    // Everything after PROG belongs to the program, as with gdb --args.
    sub->prefix_command();
  }
  app.require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "godbg: %s (try godbg --help)\n", e.what());
    return 2;
  }
  if (help->parsed()) {
    // As `help` at the prompt, after the command line: everything a user can type.
    auto usage = app.get_formatter()->make_help(&app, "godbg", CLI::AppFormatMode::Normal);
    std::printf("%s", usage.c_str());
    return 0;
  }

  auto printer = o.json ? godbg::make_json_printer(stdout)
                        : godbg::make_text_printer(stdout, godbg::use_color(stdout));
  godbg::session s;
  godbg::interpreter in(s, *printer);
  auto ctx = in.context();
  godbg::install_signal_handlers();
  // A one-line banner for a person at a terminal; never in scripts, JSON or with -q.
  if (!o.quiet && !o.json && !o.batch && !startup->parsed() && isatty(STDIN_FILENO) &&
      isatty(STDOUT_FILENO))
    std::printf("godbg %s, a debugger for Go programs. Type \"help\" for commands.\n",
                std::string(godbg::version()).c_str());
  try {
    if (run->parsed() || startup->parsed()) {
      auto* sub = run->parsed() ? run : startup;
      std::vector<std::string> args = sub->remaining();
      if (args.empty()) args = app.remaining();
      if (args.empty())
        throw godbg::usage_error(std::string(sub->get_name()) + ": no program given");
      if (args[0].size() > 1 && args[0][0] == '-')
        throw godbg::usage_error(std::string(sub->get_name()) + ": unknown option " + args[0]);
      for (const auto& w : s.load(args[0])) printer->warning(w);
      if (startup->parsed()) {
        // With command files, the session goes on at main.main and runs them there.
        int rc = godbg::run_startup_report(in, args, o.trace, !o.init_files.empty());
        if (rc || o.init_files.empty()) return rc;
        return run_session(in, o);
      }
      godbg::report(ctx, s.launch(args));
    } else if (attach->parsed()) {
      auto rest = attach->remaining();
      if (rest.empty()) rest = app.remaining();
      if (rest.size() != 1) throw godbg::usage_error("usage: godbg attach [OPTIONS] PID");
      godbg::report(ctx, s.attach(parse_pid(rest[0])));
    }
    return run_session(in, o);
  } catch (const godbg::usage_error& e) {
    printer->error(e.what());
    return 2;
  } catch (const godbg::error& e) {
    printer->error(e.what());
    return 1;
  } catch (const std::exception& e) {
    printer->error(std::string("internal error: ") + e.what());
    return 1;
  }
}
