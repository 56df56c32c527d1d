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
#include "dap/dap.hpp"
#include "debugger/session.hpp"

namespace {

struct options {
  std::vector<std::string> init_files;
  bool batch = false;
  bool json = false;
  bool quiet = false;
  std::string trace;
  std::string until;
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
    a->add_option("--until", o.until,
                  "with startup: go on past main.main to FUNC, sampling goroutine 1's stack")
        ->type_name("FUNC");
  };
  add_options(&app);
  auto* run = app.add_subcommand("run", "launch PROG stopped at its first instruction");
  auto* attach = app.add_subcommand("attach", "stop every thread of a running process");
  auto* startup = app.add_subcommand("startup", "run PROG through the Go bootstrap and report it");
  auto* core = app.add_subcommand("core", "open a core dump of PROG (read-only session)");
  auto* help = app.add_subcommand("help", "show this help");
  auto* dap = app.add_subcommand("dap", "serve the Debug Adapter Protocol (stdio, or TCP)");
  godbg::dap::serve_options dap_opts;
  // The flags editors pass to `dlv dap`, spelled as Delve spells them.
  dap->add_option("-l,--listen", dap_opts.listen, "serve one client on TCP")
      ->type_name("HOST:PORT");
  dap->add_option("--client-addr", dap_opts.client_addr, "connect to a waiting client instead")
      ->type_name("HOST:PORT");
  dap->add_flag("--log", dap_opts.log, "log what happens (--log=false: don't)");
  dap->add_option("--log-output", dap_opts.log_output, "what to log (Delve's list; dap: messages)")
      ->type_name("LIST");
  dap->add_option("--log-dest", dap_opts.log_dest, "log to this file descriptor or file")
      ->type_name("FD|FILE");
  // Delve's other flags (--check-go-version, --only-same-user, ...) mean nothing here.
  dap->allow_extras();
  app.footer(
      "Everything after PROG belongs to the program, as with gdb --args.\n\n"
      "Examples:\n"
      "  godbg run ./prog arg1           stop ./prog at its first instruction\n"
      "  godbg run -x cmds.gdb ./prog    run the commands in cmds.gdb first\n"
      "  godbg attach 4242               stop every thread of process 4242\n"
      "  godbg startup --json ./prog     report the Go bootstrap as JSON Lines\n"
      "  godbg core ./prog core          what ./prog was doing when it died\n"
      "  godbg dap --listen=127.0.0.1:4711  serve an editor over DAP, as dlv dap does\n\n"
      "Inside godbg, \"help CMD\" explains a command. See also: man godbg\n\n" +
      godbg::commands_overview());
  for (auto* sub : {run, attach, startup}) {
    add_options(sub);
    // Everything after PROG belongs to the program, as with gdb --args.
    sub->prefix_command();
  }
  // PROG COREFILE run nothing: options may come before or after them.
  add_options(core);
  core->allow_extras();
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

  if (dap->parsed()) {
    for (const auto& extra : dap->remaining())
      if (!extra.empty() && extra[0] == '-')
        std::fprintf(stderr, "godbg dap: ignoring %s (a Delve option godbg has no use for)\n",
                     extra.c_str());
    try {
      return godbg::dap::serve(dap_opts);
    } catch (const godbg::usage_error& e) {
      std::fprintf(stderr, "godbg: %s\n", e.what());
      return 2;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "godbg: %s\n", e.what());
      return 1;
    }
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
        int rc = godbg::run_startup_report(in, args, o.trace, o.until, !o.init_files.empty());
        if (rc || o.init_files.empty()) return rc;
        return run_session(in, o);
      }
      godbg::report(ctx, s.launch(args));
    } else if (attach->parsed()) {
      auto rest = attach->remaining();
      if (rest.empty()) rest = app.remaining();
      if (rest.size() != 1) throw godbg::usage_error("usage: godbg attach [OPTIONS] PID");
      godbg::report(ctx, s.attach(parse_pid(rest[0])));
    } else if (core->parsed()) {
      auto rest = core->remaining();
      if (rest.empty()) rest = app.remaining();
      if (rest.size() != 2) throw godbg::usage_error("usage: godbg core [OPTIONS] PROG COREFILE");
      for (const auto& w : s.load(rest[0])) printer->warning(w);
      godbg::report(ctx, s.open_core(rest[1]));
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
