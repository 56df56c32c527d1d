// The session's life: initialize, launch (exec, debug, test, core), attach, configurationDone,
// restart, terminate, disconnect.
#include <signal.h>
#include <unistd.h>

#include <filesystem>

#include "common/error.hpp"
#include "common/parse_integer.hpp"
#include "dap/go_build.hpp"
#include "dap/server.hpp"
#include "process/ptrace_ops.hpp"

extern char** environ;

namespace godbg::dap {

namespace {

std::vector<std::string> string_list(const json& j, const char* what) {
  std::vector<std::string> out;
  if (j.is_null()) return out;
  if (j.is_string()) return split_flags(j.get<std::string>());
  if (!j.is_array()) throw request_error(std::string(what) + ": expected a list of strings");
  for (const auto& e : j) {
    if (!e.is_string()) throw request_error(std::string(what) + ": expected a list of strings");
    out.push_back(e.get<std::string>());
  }
  return out;
}

// godbg's environment with the editor's changes: NAME -> value, or null to remove NAME.
std::optional<std::vector<std::string>> environment(const json& env) {
  if (env.is_null()) return std::nullopt;
  if (!env.is_object()) throw request_error("env: expected an object of NAME: value");
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    auto eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  for (auto& [k, v] : env.items()) {
    if (v.is_null())
      vars.erase(k);
    else if (v.is_string())
      vars[k] = v.get<std::string>();
    else
      vars[k] = v.dump();
  }
  std::vector<std::string> out;
  for (auto& [k, v] : vars) out.push_back(k + "=" + v);
  return out;
}

// The editor reads variables at the first stop: a big program's DWARF inflates while it starts
// (the go command's 12 MB take 0.1-0.3 s), a small one's is inflated when asked (a prefetch
// thread would slow its launch more than it saves).
void prefetch_dwarf(session& s) {
  constexpr std::uint64_t worth_it = 4 << 20;
  if (s.has_binary() && s.bin().dwarf_size() >= worth_it) s.bin().prefetch_dwarf();
}

std::string absolute(const std::string& p, const std::optional<std::string>& base = {}) {
  std::filesystem::path path(p);
  if (path.is_relative() && base) path = std::filesystem::path(*base) / path;
  return std::filesystem::absolute(path).lexically_normal().string();
}

}  // namespace

void server::initialize(const json& a, json& body) {
  if (initialized_) throw request_error("initialize: already initialized");
  initialized_ = true;
  lines_start_at1_ = a.value("linesStartAt1", true);
  columns_start_at1_ = a.value("columnsStartAt1", true);
  body = {
      {"supportsConfigurationDoneRequest", true},
      {"supportsFunctionBreakpoints", true},
      {"supportsConditionalBreakpoints", true},
      {"supportsHitConditionalBreakpoints", true},
      {"supportsEvaluateForHovers", true},
      {"supportsSetVariable", true},
      {"supportsSetExpression", true},
      {"supportsRestartRequest", true},
      {"supportsTerminateRequest", true},
      {"supportTerminateDebuggee", true},
      {"supportsLogPoints", true},
      {"supportsExceptionInfoRequest", true},
      {"supportsLoadedSourcesRequest", true},
      {"supportsCompletionsRequest", true},
      {"supportsDisassembleRequest", true},
      {"supportsReadMemoryRequest", true},
      {"supportsInstructionBreakpoints", true},
      {"supportsDelayedStackTraceLoading", true},
      {"supportsDataBreakpoints", true},
      {"supportsClipboardContext", true},
      {"exceptionBreakpointFilters",
       json::array({{{"filter", "panic"}, {"label", "Unrecovered panics"}, {"default", true}},
                    {{"filter", "fatal"}, {"label", "Fatal runtime errors"}, {"default", true}}})},
  };
}

void server::launch(const json& a, json&) {
  if (target_) throw request_error("launch: a program is already being debugged");
  if (fuzzing_) throw request_error("launch: not under the fuzzer");
  std::string mode = a.value("mode", "debug");
  if (!a.contains("program") || !a["program"].is_string() ||
      a["program"].get<std::string>().empty())
    throw request_error("launch: the program attribute is missing (a binary, package or file)");
  std::string program = a["program"];
  launch_request t;
  t.stop_on_entry = a.value("stopOnEntry", false);
  t.opts.capture_output = true;
  t.opts.env = environment(a.value("env", json()));
  if (a.contains("cwd") && a["cwd"].is_string() && !a["cwd"].get<std::string>().empty())
    t.opts.cwd = absolute(a["cwd"]);
  std::vector<std::string> args = string_list(a.value("args", json()), "args");
  std::string path;
  if (mode == "exec") {
    path = absolute(program);
  } else if (mode == "debug" || mode == "test") {
    build_request br;
    br.test = mode == "test";
    br.program = program;
    br.flags = string_list(a.value("buildFlags", json()), "buildFlags");
    br.env = t.opts.env;
    if (a.contains("output") && a["output"].is_string() && !a["output"].get<std::string>().empty())
      br.output = a["output"];
    output("console", "Building " + program + " for debugging...\n");
    auto built = build_for_debugging(br);
    if (!built.log.empty()) output("stderr", built.log);
    path = built.path;
    if (built.temp_dir.empty())
      t.remove_file = built.path;
    else
      t.remove_dir = built.temp_dir;
    // go test runs a test binary in its package's directory; so does godbg, unless told.
    if (br.test && !t.opts.cwd) {
      std::string dir = absolute(program);
      if (!std::filesystem::is_directory(dir)) dir = std::filesystem::path(dir).parent_path();
      t.opts.cwd = dir;
    }
  } else if (mode == "core") {
    open_core(a, program);
    return;
  } else if (mode == "replay") {
    throw request_error("launch: mode replay (rr traces) is not supported by godbg");
  } else {
    throw request_error("launch: unknown mode " + mode + " (exec, debug, test or core)");
  }
  t.argv.push_back(path);
  t.argv.insert(t.argv.end(), args.begin(), args.end());
  target_ = std::move(t);
  try {
    for (const auto& w : s_.load(path)) output("console", "godbg: warning: " + w + "\n");
    prefetch_dwarf(s_);
    start_program();
  } catch (...) {
    end_target();
    throw;
  }
  after_response_ = [this] { event("initialized"); };
}

// Post-mortem, as `godbg core PROG CORE`: the core's threads, stacks and memory to read, and
// nothing that runs (run control answers with refuse_in_core). The stop the core holds is the
// one stopped event, sent after configurationDone as a launch's first stop would be.
void server::open_core(const json& a, const std::string& program) {
  const json& core = a.value("coreFilePath", json());
  if (!core.is_string() || core.get<std::string>().empty())
    throw request_error("launch: mode core needs coreFilePath (the core file of program)");
  launch_request t;
  t.argv.push_back(absolute(program));
  t.core = absolute(core.get<std::string>());
  for (const auto& w : s_.load(t.argv[0])) output("console", "godbg: warning: " + w + "\n");
  auto st = s_.open_core(t.core);
  target_ = std::move(t);
  exited_ = false;
  last_stop_ = st.stop;
  std::string how =
      st.start.signal ? std::string(", killed by ") + signal_name(*st.start.signal) : std::string();
  output("console", "Core file " + target_->core + " of process " + std::to_string(st.start.pid) +
                        how + ": " + st.start.path + " (" +
                        st.start.go_version.value_or("not a Go program") +
                        "); it cannot run, only be read\n");
  after_response_ = [this] { event("initialized"); };
}

void server::refuse_in_core(std::string_view command) const {
  throw request_error(std::string(command) + ": " + target_->core +
                      " is a core file: nothing runs or changes in it (threads, stackTrace, "
                      "variables and evaluate read it)");
}

void server::start_program() {
  // The last run's pipes close with the next launch: stop watching them first.
  for (int fd : {output_fd_, error_fd_})
    if (fd >= 0) loop_.unwatch(fd);
  output_fd_ = error_fd_ = -1;
  auto st = s_.launch(target_->argv, target_->opts);
  exited_ = false;
  last_stop_ = st.stop;
  watch_output();
  output("console", "Process " + std::to_string(st.start.pid) + " started: " + st.start.path +
                        " (" + st.start.go_version.value_or("not a Go program") + ")\n");
}

void server::attach(const json& a, json&) {
  if (target_) throw request_error("attach: a program is already being debugged");
  if (fuzzing_) throw request_error("attach: not under the fuzzer");
  std::string mode = a.value("mode", "local");
  if (mode == "remote")
    throw request_error(
        "attach: mode remote means a debugger already serving elsewhere; start godbg dap "
        "--listen there and connect to it");
  if (mode != "local") throw request_error("attach: unknown mode " + mode + " (local)");
  const json& id = a.value("processId", json());
  std::optional<pid_t> pid;
  if (id.is_number_integer())
    pid = pid_t(id.get<std::int64_t>());
  else if (id.is_string())
    pid = try_parse_integer<pid_t>(id.get<std::string>(), sign::refused);
  if (!pid || *pid <= 0) throw request_error("attach: processId must be a process id");
  launch_request t;
  t.attach = true;
  t.pid = *pid;
  t.stop_on_entry = a.value("stopOnEntry", false);
  auto st = s_.attach(*pid);
  prefetch_dwarf(s_);
  target_ = std::move(t);
  last_stop_ = st.stop;
  output("console", "Attached to process " + std::to_string(*pid) + " (" + st.start.path + ")\n");
  after_response_ = [this] { event("initialized"); };
}

void server::configuration_done(const json&, json&) {
  if (configured_) throw request_error("configurationDone: already done");
  configured_ = true;
  after_response_ = [this] {
    if (is_core()) {
      if (last_stop_) on_stop(*last_stop_);
      return;
    }
    if (!s_.has_process()) return;
    if (target_->stop_on_entry && last_stop_) {
      stop_record entry = *last_stop_;
      entry.reason = target_->attach ? stop_reason::interrupt : stop_reason::entry;
      on_stop(entry);
    } else {
      resume();
    }
  };
}

void server::disconnect(const json& a, json&) {
  if (target_) {
    bool kill = a.value("terminateDebuggee", !target_->attach);
    target_->attach = !kill;  // what stop_program does: detach, or kill
    end_target();
  }
  after_response_ = [this] { done_ = true; };
}

void server::terminate(const json&, json&) {
  if (is_core()) {
    after_response_ = [this] {
      exited_ = true;
      event("terminated", json::object());
    };
    return;
  }
  bool had = s_.has_process() && !exited_;
  bool attached = target_->attach;
  stop_program();  // kills a launched program, detaches an attached one
  if (!had) return;
  after_response_ = [this, attached] {
    if (attached) {
      exited_ = true;
      event("terminated", json::object());
    } else {
      on_exit(exit_record{std::nullopt, SIGKILL});
    }
  };
}

void server::restart(const json&, json&) {
  if (is_core()) refuse_in_core("restart");
  if (target_->attach) throw request_error("restart: an attached process cannot be restarted");
  stop_program();
  reset_handles();
  start_program();
  after_response_ = [this] {
    if (target_->stop_on_entry && last_stop_)
      on_stop(*last_stop_);
    else
      resume();
  };
}

}  // namespace godbg::dap
