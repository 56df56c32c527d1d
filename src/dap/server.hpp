#pragma once
// One DAP session: requests from an editor in, responses and events out, over one pair of file
// descriptors (stdin/stdout, or a socket). Single-threaded: the event loop of debugger/ waits for
// the client and for the program at the same time, so requests are answered while it runs.
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "commands/interpreter.hpp"
#include "dap/framing.hpp"
#include "dap/log.hpp"
#include "dap/variables.hpp"
#include "debugger/event_loop.hpp"
#include "debugger/model.hpp"
#include "debugger/session.hpp"

namespace godbg::dap {

using json = nlohmann::json;

// A request that cannot be served: the text goes back in an error response.
struct request_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A breakpoint's hitCondition as an operator ("" for the Nth hit) and a count; nullopt when it
// is not one.
std::optional<std::pair<std::string, long>> parse_hit_condition(std::string_view c);

class server {
 public:
  server(int in_fd, int out_fd, logger& log);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Serves until the client disconnects or goes away. The program is killed (launched) or
  // detached (attached) before this returns, whatever happened.
  void run();
  // One chunk of the client's bytes, as read: every complete message in it is handled. Returns
  // false once the session is over (disconnect, or framing that cannot be resynchronised).
  bool feed(std::string_view bytes);
  bool done() const { return done_; }
  // The fuzz target's way in: no descriptors, every message sent handed to `sink`, and no
  // program ever started or attached to (launch and attach are refused).
  static std::unique_ptr<server> for_fuzzing(logger& log,
                                             std::function<void(const std::string&)> sink);

 private:
  using handler = void (server::*)(const json& args, json& body);
  struct request_row {
    std::string_view command;
    handler run;
    // live: stopped, and a process that can run (not a core file).
    enum class needs { nothing, initialized, target, stopped, live } need;
  };
  static const std::vector<request_row>& request_table();

  // --- messages (server.cpp)
  void read_client();
  void handle(const std::string& text);
  void handle_request(const json& req);
  void send(json msg);
  void respond(const json& req, json body);
  void respond_error(const json& req, const std::string& message);
  void event(std::string_view name, json body = json::object());
  void output(std::string_view category, std::string_view text);
  void check_need(request_row::needs need, std::string_view command);

  // --- the program running and stopping (server_run.cpp)
  void resume();
  void on_result(const run_result& r);
  void on_stop(const stop_record& r);
  void on_exit(const exit_record& r);
  // Whether a breakpoint stop only served logpoints and hit counts, and the program goes on.
  bool stop_is_silent(const stop_record& r);
  void forward_output(int fd, std::string_view category);
  void drain_output();
  void watch_output();
  void stop_program();  // kill a launched program, detach an attached one
  void end_target();    // the same, and what was built for it removed
  void reset_handles();
  void step(std::string_view how, const json& args);
  std::optional<std::int64_t> current_thread_id() const;

  // --- lifecycle (requests_session.cpp)
  void initialize(const json& a, json& body);
  void launch(const json& a, json& body);
  void attach(const json& a, json& body);
  void configuration_done(const json& a, json& body);
  void disconnect(const json& a, json& body);
  void terminate(const json& a, json& body);
  void restart(const json& a, json& body);
  void start_program();  // launch_args_ → a stopped process
  void open_core(const json& a, const std::string& program);

  // --- breakpoints (requests_breakpoints.cpp)
  void set_breakpoints(const json& a, json& body);
  void set_function_breakpoints(const json& a, json& body);
  void set_instruction_breakpoints(const json& a, json& body);
  void set_exception_breakpoints(const json& a, json& body);
  void data_breakpoint_info(const json& a, json& body);
  void set_data_breakpoints(const json& a, json& body);
  struct bp_extra {
    std::optional<std::string> hit_condition;
    std::optional<std::string> log_message;
    std::string group;     // "source:PATH", "function", "instruction", "exception:ID", "data"
    std::string data_key;  // a data breakpoint: its dataId and access type, as the client sent
  };
  json add_breakpoint(const std::string& spec, const json& req, const std::string& group);
  void clear_group(const std::string& group);
  bool hit_condition_met(int id, int hits) const;
  std::string interpolate_log(const std::string& message, const stop_record& r);

  // --- run control (server_run.cpp)
  void continue_(const json& a, json& body);
  void next(const json& a, json& body);
  void step_in(const json& a, json& body);
  void step_out(const json& a, json& body);
  void pause(const json& a, json& body);

  // --- inspection (requests_inspect.cpp)
  void threads(const json& a, json& body);
  void stack_trace(const json& a, json& body);
  void scopes(const json& a, json& body);
  void variables(const json& a, json& body);
  void evaluate(const json& a, json& body);
  void set_variable(const json& a, json& body);
  void set_expression(const json& a, json& body);
  void exception_info(const json& a, json& body);
  scope scope_of_thread(std::int64_t thread_id);
  scope scope_of_frame(std::int64_t frame_id);
  std::string run_console(const std::string& line);

  // --- the rest (requests_misc.cpp)
  void disassemble(const json& a, json& body);
  void read_memory(const json& a, json& body);
  void loaded_sources(const json& a, json& body);
  void completions(const json& a, json& body);
  void source(const json& a, json& body);
  void startup_report(const json& a, json& body);

  logger& log_;
  // What runs once a request's response is sent (the stop after a step, the run after
  // configurationDone), so events come after the response that caused them.
  std::function<void()> after_response_;
  // Sees every message sent (the fuzz target has no client to write to).
  std::function<void(const std::string&)> sink_;
  int in_fd_ = -1, out_fd_ = -1;
  frame_reader reader_;
  std::int64_t seq_ = 1;
  bool done_ = false;
  bool fuzzing_ = false;
  bool initialized_ = false;
  bool configured_ = false;
  bool lines_start_at1_ = true;
  bool columns_start_at1_ = true;

  session s_;
  event_loop loop_;
  // The debug console's commands: rendered as text, sent as output events.
  std::unique_ptr<reporter> console_out_;
  std::unique_ptr<interpreter> console_;

  // What the client asked to debug, kept for restart.
  struct launch_request {
    bool attach = false;
    pid_t pid = 0;
    std::vector<std::string> argv;
    launch_options opts;
    bool stop_on_entry = false;
    std::string remove_file;  // a binary godbg built (debug/test mode), removed at the end
    std::string remove_dir;   // the temporary directory it was built in
    std::string core;         // mode core: the core file (a read-only session, nothing runs)
  };
  bool is_core() const { return target_ && !target_->core.empty(); }
  [[noreturn]] void refuse_in_core(std::string_view command) const;
  std::optional<launch_request> target_;
  bool exited_ = false;
  bool stepping_ = false;
  // Requests that came while a step ran, answered once it is over (hear_client_while_stepping).
  std::vector<std::string> held_;
  bool hear_client_while_stepping();
  void answer_held_requests();
  // The client's bytes: everything sent so far into reader_ (false once it closed the
  // connection or reading failed); the next whole message (nullopt, and the session over, on
  // framing that cannot be resynchronised); every whole message handled.
  bool take_client_bytes();
  std::optional<std::string> next_message();
  void handle_messages();

  // Breakpoints the DAP set, by the session's id, with what only the DAP knows of them.
  std::map<int, bp_extra> bp_extra_;
  // Which of the session's panic and fatal-error stops are shown (all, until the client says).
  std::set<std::string> exception_filters_ = {"panic", "fatal"};
  std::optional<stop_record> last_stop_;
  std::optional<std::string> last_exception_;  // the panic value, for exceptionInfo

  // Ids the client uses while the program is stopped: threads, frames, variable containers.
  bool threads_are_goroutines_ = false;
  json threads_cache_ = json::array();  // answered while the program runs
  std::vector<scope> frames_;           // frame id - 1 -> where
  variable_store vars_;
  int output_fd_ = -1, error_fd_ = -1;
};

}  // namespace godbg::dap
