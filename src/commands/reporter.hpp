#pragma once
// What a command tells its user, as records: the front ends implement it (the CLI twice, as
// human text and as JSON Lines; tests record it). The core below never sees it.
#include <string>
#include <vector>

#include "debugger/model.hpp"

namespace godbg {

class reporter {
 public:
  virtual ~reporter() = default;
  virtual void start(const start_record&) = 0;
  virtual void stop(const stop_record&, const std::vector<source_line_record>& context) = 0;
  virtual void exited(const exit_record&) = 0;
  virtual void frames(const std::vector<frame_record>&, int current) = 0;
  virtual void registers(const std::vector<register_record>&) = 0;
  virtual void breakpoint_set(const breakpoint_record&) = 0;
  virtual void breakpoints(const std::vector<breakpoint_record>&) = 0;
  virtual void disassembly(const std::vector<instruction_record>&) = 0;
  virtual void memory(const memory_record&) = 0;
  virtual void source(const source_record&) = 0;
  virtual void goroutines(const std::vector<goroutine_record>&, std::size_t total) = 0;
  // The same listing one goroutine at a time, for programs with very many: begin, one item per
  // goroutine, then end with how many matched. By default gathered and handed to goroutines().
  virtual void goroutines_begin() { pending_goroutines_.clear(); }
  virtual void goroutine_item(const goroutine_record& g) { pending_goroutines_.push_back(g); }
  virtual void goroutines_end(std::size_t total) {
    goroutines(pending_goroutines_, total);
    pending_goroutines_.clear();
  }
  virtual void threads(const std::vector<thread_record>&) = 0;
  virtual void value(const value_record&) = 0;
  // What `finish` saw the finished function return, in declaration order.
  virtual void returned(const std::vector<value_record>& values) {
    for (const auto& v : values) value(v);
  }
  // locals, args, vars: each variable as a value record whose expr is its name.
  virtual void variables(const std::string& kind, const std::vector<value_record>& vars) {
    (void)kind;
    for (const auto& v : vars) value(v);
  }
  // funcs, types, sources: names, one a line.
  virtual void names(const std::string& kind, const std::vector<std::string>& names) {
    (void)kind;
    for (const auto& n : names) message(n);
  }
  // whatis EXPR
  virtual void type_of(const std::string& expr, const std::string& type) {
    (void)expr;
    message(type);
  }
  virtual void startup(const startup_record&) = 0;
  // The end of a batch of trace lines: what a printer held back goes out.
  virtual void flush() {}
  // A tracepoint's line, as the program runs past it (a call, or its return). A printer may
  // hold it until flush().
  virtual void trace(const trace_record& r) {
    std::string line = (r.is_return ? "<< " : ">> ") + r.function + (r.is_return ? " =>" : "");
    for (const auto& v : r.values) line += " " + v.expr + "=" + v.text;
    message(line);
  }
  // An expression `display` shows at every stop.
  virtual void display(const display_record& d) {
    if (d.value)
      value(*d.value);
    else
      warning(d.expr + ": " + d.error.value_or("unavailable"));
  }
  // A line for people only (help, confirmations); JSON mode prints {"message": ...}.
  virtual void message(const std::string&) = 0;
  virtual void warning(const std::string&) = 0;
  virtual void error(const std::string&) = 0;

 protected:
  std::vector<goroutine_record> pending_goroutines_;
};

}  // namespace godbg
