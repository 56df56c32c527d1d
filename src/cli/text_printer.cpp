// Human-readable output, in the spirit of Delve and gdb: where we are, with the source around it.
#include <fmt/format.h>
#include <unistd.h>

#include "cli/printers.hpp"
#include "process/ptrace_ops.hpp"

namespace godbg {

namespace {

// "main.main() /abs/main.go:99", and when the pc is in code inlined there, the calls it is in,
// outermost first and short: " (inlined log.SetFlags() log.go:377)".
std::string where_text(const code_location& l) {
  std::string s = l.function ? *l.function + "()" : fmt::format("{:#x}", l.pc);
  if (l.file) s += fmt::format(" {}:{}", *l.file, l.line.value_or(0));
  for (auto it = l.inlined.rbegin(); it != l.inlined.rend(); ++it) {
    s += it == l.inlined.rbegin() ? " (inlined " : ", ";
    s += it->function + "()";
    if (it->file)
      s += fmt::format(" {}:{}", it->file->substr(it->file->rfind('/') + 1), it->line.value_or(0));
  }
  if (!l.inlined.empty()) s += ")";
  return s;
}

template <typename T>
std::string or_dash(const std::optional<T>& v) {
  return v ? fmt::format("{}", *v) : "-";
}

class text_printer : public reporter {
 public:
  text_printer(std::FILE* out, bool color) : out_(out), color_(color) {}

  void start(const start_record& r) override {
    if (r.attached)
      line("Attached to process {} ({}), {} threads stopped; {}, symbols: {}", r.pid, r.path,
           r.threads.value_or(0), r.go_version.value_or("not a Go program"), r.symbols);
    else
      line("Process {} started: {} ({}, symbols: {})", r.pid, r.path,
           r.go_version.value_or("not a Go program"), r.symbols);
  }
  void stop(const stop_record& r, const std::vector<source_line_record>& ctx) override {
    std::string head;
    if (r.reason == stop_reason::breakpoint && r.breakpoint)
      head = fmt::format("Breakpoint {} hit", *r.breakpoint);
    else if (r.reason == stop_reason::signal)
      head = fmt::format("Signal {} received", r.signal ? signal_name(*r.signal) : "?");
    else if (r.reason == stop_reason::entry)
      head = "Stopped at the first instruction";
    else if (r.reason == stop_reason::interrupt)
      head = "Interrupted";
    else if (r.reason == stop_reason::exec)
      head = "The program called exec";
    else
      head = "Stopped";
    line("{} {} {} (pc {:#x}, thread {}, goroutine {}{})", paint("1;33", "=>"), head,
         paint("1", where_text(r.where)), r.where.pc, r.tid, or_dash(r.goid),
         r.hits ? fmt::format(", hit {}", *r.hits) : "");
    source_lines(ctx);
  }
  void exited(const exit_record& r) override {
    if (r.status)
      line("Process exited with status {}", *r.status);
    else
      line("Process killed by {}", r.signal ? signal_name(*r.signal) : "a signal");
  }
  void frames(const std::vector<frame_record>& fs, int current) override {
    for (auto& f : fs) {
      line("{}{:>3}  {:#018x} in {}{}", f.index == current ? "*" : " ", f.index, f.where.pc,
           f.where.function.value_or("??"), f.inlined ? " (inlined)" : "");
      if (f.where.file) line("          at {}:{}", *f.where.file, f.where.line.value_or(0));
    }
  }
  void registers(const std::vector<register_record>& rs) override {
    for (auto& r : rs) line("{:<9}{}", r.name, r.display);
  }
  void breakpoint_set(const breakpoint_record& b) override {
    for (auto& s : b.sites)
      line("{} {} at {:#x}: {}", b.temporary ? "Temporary breakpoint" : "Breakpoint", b.id, s.pc,
           where_text(s));
    if (b.condition) line("  condition: {}", *b.condition);
  }
  void breakpoints(const std::vector<breakpoint_record>& bs) override {
    if (bs.empty()) return line("No breakpoints.");
    for (auto& b : bs) {
      line("{:<4}{:<6}{} hits {}{}", b.id, b.temporary ? "temp" : "keep", b.location, b.hits,
           b.condition ? "  if " + *b.condition : "");
      for (auto& s : b.sites) line("      {:#x} {}", s.pc, where_text(s));
    }
  }
  void disassembly(const std::vector<instruction_record>& is) override {
    for (auto& i : is)
      line("{} {:#x}  {:<22} {}", i.current ? paint("1;33", "=>") : "  ", i.address, i.bytes,
           i.text);
  }
  void memory(const memory_record& m) override {
    for (std::size_t off = 0; off < m.bytes.size(); off += 16) {
      std::string hex, ascii;
      for (std::size_t i = off; i < std::min(off + 16, m.bytes.size()); ++i) {
        hex += fmt::format("{:02x} ", m.bytes[i]);
        ascii += (m.bytes[i] >= 32 && m.bytes[i] < 127) ? char(m.bytes[i]) : '.';
      }
      line("{:#014x}: {:<48} {}", m.address + off, hex, ascii);
    }
  }
  void source(const source_record& s) override {
    line("{}:", s.file);
    source_lines(s.lines);
  }
  void goroutines(const std::vector<goroutine_record>& gs, std::size_t total) override {
    goroutines_begin();
    for (auto& g : gs) goroutine_item(g);
    goroutines_end(total);
  }
  void goroutines_begin() override { shown_ = 0; }
  void goroutine_item(const goroutine_record& g) override {
    ++shown_;
    std::string status = g.status + (g.wait_reason ? " (" + *g.wait_reason + ")" : "");
    std::string s = fmt::format(
        "  Goroutine {} [{}] {} (pc {:#x}){} start {}{}", g.id, status, where_text(g.where),
        g.raw_pc, g.tid ? fmt::format(" thread {}", *g.tid) : "", g.start_function.value_or("?"),
        g.created_by ? " created by " + *g.created_by : "");
    s += '\n';
    for (auto& f : g.stack)
      s += fmt::format("      {:>3} {:#x} {}\n", f.index, f.where.pc, where_text(f.where));
    std::fwrite(s.data(), 1, s.size(), out_);  // flushed at the end, not per goroutine
  }
  void goroutines_end(std::size_t total) override {
    line("[{} goroutines{}]", total, shown_ < total ? fmt::format(", {} shown", shown_) : "");
  }
  void threads(const std::vector<thread_record>& ts) override {
    for (auto& t : ts)
      line("{} Thread {}{} {} goroutine {} M {} P {}", t.current ? "*" : " ", t.tid,
           t.main ? " (main)" : "", where_text(t.where), or_dash(t.goid), or_dash(t.m),
           or_dash(t.p));
  }
  void value(const value_record& v) override { line("{}", v.text); }
  void returned(const std::vector<value_record>& values) override {
    line("Values returned:");
    for (const auto& v : values) line("  {} = {}", v.expr, v.text);
  }
  void startup(const std::vector<startup_stage>& stages) override {
    line("{:>9}  {:<7} {:>3}  {:<20} {}", "t(us)", "tid", "g", "stage", "what it established");
    for (auto& s : stages)
      line("{:>9}  {:<7} {:>3}  {:<20} {}", s.t_us, s.tid, or_dash(s.goid), s.stage, s.summary);
  }
  void message(const std::string& m) override { line("{}", m); }
  void warning(const std::string& m) override {
    std::fprintf(stderr, "godbg: warning: %s\n", m.c_str());
  }
  void error(const std::string& m) override {
    std::fflush(out_);
    // Red only where the colours of stdout are on and stderr is a terminal too.
    bool red = color_ && isatty(STDERR_FILENO);
    std::fprintf(stderr, "%sgodbg:%s %s\n", red ? "\033[1;31m" : "", red ? "\033[0m" : "",
                 m.c_str());
  }

 private:
  void source_lines(const std::vector<source_line_record>& ls) {
    // The current line stands out: a yellow marker and bold text; the others' numbers are dim.
    for (auto& l : ls)
      if (l.current)
        line("{} {}: {}", paint("1;33", "=>"), paint("1", fmt::format("{:>5}", l.line)),
             paint("1", l.text));
      else
        line("   {}: {}", paint("2", fmt::format("{:>5}", l.line)), l.text);
  }
  std::string paint(const char* code, const std::string& s) const {
    return color_ ? fmt::format("\033[{}m{}\033[0m", code, s) : s;
  }
  template <typename... A>
  void line(fmt::format_string<A...> f, A&&... a) {
    std::string s = fmt::format(f, std::forward<A>(a)...);
    std::fprintf(out_, "%s\n", s.c_str());
    std::fflush(out_);
  }
  std::FILE* out_;
  bool color_;
  std::size_t shown_ = 0;
};
}  // namespace

std::unique_ptr<reporter> make_text_printer(std::FILE* out, bool color) {
  return std::make_unique<text_printer>(out, color);
}

}  // namespace godbg
