#pragma once
// The debug console's reporter: records rendered by the commands' text printer, with the
// records the server must act on (the program stopped or ended, a startup report) kept aside.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "commands/reporter.hpp"

namespace godbg::dap {

class console_reporter : public reporter {
 public:
  // Text goes to f (a memory stream the server reads back).
  explicit console_reporter(std::FILE* f);
  std::optional<run_result> moved;                 // the last stop or end a command reported
  bool started = false;                            // a command started a process
  std::optional<startup_record> report;            // `startup`'s report
  std::vector<breakpoint_record> new_breakpoints;  // what `break` and its kin set

  void start(const start_record& r) override;
  void stop(const stop_record& r, const std::vector<source_line_record>& c) override;
  void exited(const exit_record& r) override;
  void startup(const startup_record& r) override;
  void frames(const std::vector<frame_record>& f, int c) override { text_->frames(f, c); }
  void registers(const std::vector<register_record>& r) override { text_->registers(r); }
  void breakpoint_set(const breakpoint_record& b) override {
    new_breakpoints.push_back(b);
    text_->breakpoint_set(b);
  }
  void breakpoints(const std::vector<breakpoint_record>& b) override { text_->breakpoints(b); }
  void disassembly(const std::vector<instruction_record>& i) override;
  void memory(const memory_record& m) override { text_->memory(m); }
  void source(const source_record& s) override { text_->source(s); }
  void goroutines(const std::vector<goroutine_record>& g, std::size_t n) override {
    text_->goroutines(g, n);
  }
  void goroutines_begin() override { text_->goroutines_begin(); }
  void goroutine_item(const goroutine_record& g) override { text_->goroutine_item(g); }
  void goroutines_end(std::size_t n) override { text_->goroutines_end(n); }
  void threads(const std::vector<thread_record>& t) override { text_->threads(t); }
  void value(const value_record& v) override { text_->value(v); }
  void returned(const std::vector<value_record>& v) override { text_->returned(v); }
  void message(const std::string& m) override { text_->message(m); }
  void warning(const std::string& m) override { text_->warning(m); }
  void error(const std::string& m) override { text_->error(m); }

  std::vector<instruction_record> instructions;  // `disassemble`'s, for the DAP request

 private:
  std::unique_ptr<reporter> text_;
};

// A memory stream for a console_reporter, read back as a string.
class memory_text {
 public:
  memory_text();
  ~memory_text();
  std::FILE* file() { return f_; }
  std::string take();  // closes the stream

 private:
  char* buf_ = nullptr;
  std::size_t len_ = 0;
  std::FILE* f_ = nullptr;
};

}  // namespace godbg::dap
