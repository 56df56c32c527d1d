#pragma once
// A reporter that keeps every record it is given, in order: for tests that drive commands and
// for front ends that want a command's records back instead of printed (a debug console).
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

#include "commands/reporter.hpp"

namespace godbg {

class recording_reporter : public reporter {
 public:
  struct stop_entry {
    stop_record stop;
    std::vector<source_line_record> context;
  };
  struct goroutines_entry {
    std::vector<goroutine_record> goroutines;
    std::size_t total = 0;
  };
  struct frames_entry {
    std::vector<frame_record> frames;
    int current = 0;
  };
  struct message_entry {
    enum class kind { message, warning, error } level;
    std::string text;
  };
  using entry =
      std::variant<start_record, stop_entry, exit_record, frames_entry,
                   std::vector<register_record>, breakpoint_record, std::vector<breakpoint_record>,
                   std::vector<instruction_record>, memory_record, source_record, goroutines_entry,
                   std::vector<thread_record>, value_record, startup_record, message_entry,
                   trace_record, display_record>;

  void start(const start_record& r) override { log_.emplace_back(r); }
  void stop(const stop_record& r, const std::vector<source_line_record>& c) override {
    log_.emplace_back(stop_entry{r, c});
  }
  void exited(const exit_record& r) override { log_.emplace_back(r); }
  void frames(const std::vector<frame_record>& f, int current) override {
    log_.emplace_back(frames_entry{f, current});
  }
  void registers(const std::vector<register_record>& r) override { log_.emplace_back(r); }
  void breakpoint_set(const breakpoint_record& b) override { log_.emplace_back(b); }
  void breakpoints(const std::vector<breakpoint_record>& b) override { log_.emplace_back(b); }
  void disassembly(const std::vector<instruction_record>& d) override { log_.emplace_back(d); }
  void memory(const memory_record& m) override { log_.emplace_back(m); }
  void source(const source_record& s) override { log_.emplace_back(s); }
  void goroutines(const std::vector<goroutine_record>& g, std::size_t total) override {
    log_.emplace_back(goroutines_entry{g, total});
  }
  void threads(const std::vector<thread_record>& t) override { log_.emplace_back(t); }
  void value(const value_record& v) override { log_.emplace_back(v); }
  void startup(const startup_record& s) override { log_.emplace_back(s); }
  void trace(const trace_record& t) override { log_.emplace_back(t); }
  void display(const display_record& d) override { log_.emplace_back(d); }
  void message(const std::string& m) override {
    log_.emplace_back(message_entry{message_entry::kind::message, m});
  }
  void warning(const std::string& m) override {
    log_.emplace_back(message_entry{message_entry::kind::warning, m});
  }
  void error(const std::string& m) override {
    log_.emplace_back(message_entry{message_entry::kind::error, m});
  }

  const std::vector<entry>& log() const { return log_; }
  void clear() { log_.clear(); }
  // Every record of one kind, in order.
  template <typename T>
  std::vector<T> all() const {
    std::vector<T> out;
    for (const auto& e : log_)
      if (auto* p = std::get_if<T>(&e)) out.push_back(*p);
    return out;
  }
  // The last record of one kind; throws std::logic_error when there is none.
  template <typename T>
  T last() const {
    for (auto it = log_.rbegin(); it != log_.rend(); ++it)
      if (auto* p = std::get_if<T>(&*it)) return *p;
    throw std::logic_error("no such record");
  }

 private:
  std::vector<entry> log_;
};

}  // namespace godbg
