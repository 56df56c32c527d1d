// Human-readable output, in the spirit of Delve and gdb: where we are, with the source around it.
// Here rather than in a front end so that both render text alike: the CLI on its terminal, the
// DAP server in the editor's debug console.
#include "commands/text_printer.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "commands/line_batch.hpp"
#include "commands/names.hpp"
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
  text_printer(std::FILE* out, std::FILE* diag, bool color)
      : out_(out), diag_(diag), color_(color) {}

  void start(const start_record& r) override {
    std::string go = r.go_version.value_or(r.is_go ? "Go, version unknown" : "not a Go program");
    // Said only when the runtime's offsets are not the exact ones of a table row or DWARF.
    if (r.layout == "inferred" || r.layout == "guessed")
      go += fmt::format(", runtime layout {}", *r.layout == "inferred" ? "inferred from its code"
                                                                       : "guessed (newest row)");
    if (r.core)
      line("Core file {}: process {} of {} ({}, symbols: {}){}", *r.core, r.pid, r.path, go,
           r.symbols, r.signal ? ", killed by " + signal_name(*r.signal) : "");
    else if (r.attached)
      line("Attached to process {} ({}), {} threads stopped; {}, symbols: {}", r.pid, r.path,
           r.threads.value_or(0), go, r.symbols);
    else
      line("Process {} started: {} ({}, symbols: {})", r.pid, r.path, go, r.symbols);
  }
  void stop(const stop_record& r, const std::vector<source_line_record>& ctx) override {
    std::string head;
    if (r.watch && r.watch->out_of_scope)
      head = fmt::format("Watchpoint {} ({}) went out of scope, deleted, at", r.watch->id,
                         r.watch->expr);
    else if (r.watch)
      head = fmt::format("Watchpoint {} ({}) hit", r.watch->id, r.watch->expr);
    else if (r.reason == stop_reason::breakpoint && r.breakpoint)
      head = fmt::format("Breakpoint {} hit", *r.breakpoint);
    else if (r.reason == stop_reason::panic)
      head = fmt::format("Panic: {}{}", r.panic.value_or("(value unreadable)"),
                         r.signal ? fmt::format(" ({})", signal_name(*r.signal)) : "");
    else if (r.reason == stop_reason::fatal)
      head = fmt::format("Fatal error{}{}", r.message ? ": " + *r.message : "",
                         r.signal ? fmt::format(" ({})", signal_name(*r.signal)) : "");
    else if (r.reason == stop_reason::signal)
      head = fmt::format("Signal {} received", r.signal ? signal_name(*r.signal) : "?");
    else if (r.reason == stop_reason::entry)
      head = "Stopped at the first instruction";
    else if (r.reason == stop_reason::interrupt)
      head = "Interrupted";
    else if (r.reason == stop_reason::exec)
      head = "The program called exec";
    else if (r.reason == stop_reason::breakpoint && r.trap)
      head = "The program's breakpoint instruction";
    else if (r.reason == stop_reason::panic)
      head = fmt::format("Unrecovered panic: {}, in", r.panic.value_or("(value unreadable)"));
    else if (r.reason == stop_reason::fatal)
      head = fmt::format("Fatal error: {}, in", r.message.value_or("(message unreadable)"));
    else
      head = "Stopped";
    line("{} {} {} (pc {:#x}, thread {}, goroutine {}{})", paint("1;33", "=>"), head,
         paint("1", where_text(r.where)), r.where.pc, r.tid, or_dash(r.goid),
         r.hits ? fmt::format(", hit {}", *r.hits) : "");
    if (r.watch && !r.watch->out_of_scope) {
      line("   Old value = {}", r.watch->old_text.value_or("?"));
      line("   New value = {}", r.watch->new_text.value_or("?"));
    }
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
  static std::string watch_text(const watch_record& w) {
    return fmt::format("{} ({}, {} byte{} at {:#x}{})", w.expr, access_name(w.access), w.size,
                       w.size == 1 ? "" : "s", w.address,
                       w.goid ? fmt::format(", goroutine {}'s stack", *w.goid) : "");
  }
  void breakpoint_set(const breakpoint_record& b) override {
    if (b.watch) return line("Watchpoint {}: {}", b.id, watch_text(*b.watch));
    const char* what = b.kind == breakpoint_kind::tracepoint ? "Tracepoint"
                       : b.temporary                         ? "Temporary breakpoint"
                                                             : "Breakpoint";
    for (auto& s : b.sites) line("{} {} at {:#x}: {}", what, b.id, s.pc, where_text(s));
    if (b.condition) line("  condition: {}", *b.condition);
  }
  void breakpoints(const std::vector<breakpoint_record>& bs) override {
    if (bs.empty()) return line("No breakpoints.");
    for (auto& b : bs) {
      std::string extra;
      if (b.condition) extra += "  if " + *b.condition;
      if (b.hit_condition) extra += "  hitcount " + *b.hit_condition;
      if (b.ignore_count) extra += fmt::format("  ignore next {}", b.ignore_count);
      if (b.in_target && *b.in_target && b.dropped)
        extra += fmt::format("  [in target, {} dropped]", *b.dropped);
      else if (b.in_target && *b.in_target)
        extra += fmt::format("  [in target, {} evaluations]", b.evaluations.value_or(0));
      else if (b.in_target)
        extra += fmt::format(
            "  [ptrace: {}{}]", b.ptrace_reason.value_or("?"),
            b.dropped && *b.dropped ? fmt::format("; {} dropped in the target", *b.dropped) : "");
      std::string kind = b.kind == breakpoint_kind::breakpoint   ? (b.temporary ? "temp" : "keep")
                         : b.kind == breakpoint_kind::tracepoint ? "trace"
                                                                 : "watch";
      line("{:<4}{:<6}{:<4}{} hits {}{}", b.id, kind, b.enabled ? "y" : "n",
           b.watch ? watch_text(*b.watch) : b.location, b.hits, extra);
      for (auto& s : b.sites) line("      {:#x} {}", s.pc, where_text(s));
      for (auto& c : b.commands) line("        {}", c);
    }
  }
  void trace(const trace_record& r) override {
    // Appended, not formatted: a drain of tracepoints in the target writes a million a second.
    std::string& s = trace_line_;
    s.assign(r.is_return ? ">> goroutine(" : "> goroutine(");
    s += r.goid ? std::to_string(*r.goid) : "-";
    s += ") thread(";
    s += std::to_string(r.tid);
    s += "): ";
    s += r.function;
    s += r.is_return ? " => (" : "(";
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      if (i) s += ", ";
      s += r.values[i].expr;
      s += " = ";
      s += r.values[i].text;
    }
    s += ")\n";
    traces_.add(s);  // written by flush(), or before the next line
  }
  void flush() override { traces_.out(); }
  void display(const display_record& d) override {
    if (d.value)
      line("{}: {} = {}", d.id, d.expr, d.value->text);
    else
      line("{}: {} = <{}>", d.id, d.expr, d.error.value_or("unavailable"));
  }
  void disassembly(const std::vector<instruction_record>& is) override {
    for (auto& i : is)
      line("{} {:#x}  {:<22} {}", i.current ? paint("1;33", "=>") : "  ", i.address, i.bytes,
           i.text);
  }
  void memory(const memory_record& m) override {
    if (!m.units.empty()) {  // x/NFU, laid out as gdb does
      if (m.format == 's') {
        std::uint64_t a = m.address;
        for (const auto& u : m.units) {
          line("{:#x}:\t{}", a, u);
          a += u.size();  // approximate: escapes make quoted text longer than the bytes
        }
        return;
      }
      std::size_t per_line = m.unit == 8 ? 2 : m.unit == 4 ? 4 : 8;
      for (std::size_t i = 0; i < m.units.size(); i += per_line) {
        std::string s = fmt::format("{:#x}:", m.address + i * std::size_t(m.unit));
        for (std::size_t k = i; k < std::min(i + per_line, m.units.size()); ++k)
          s += "\t" + m.units[k];
        line("{}", s);
      }
      return;
    }
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
    // The pc beside a location is that location's (the user frame's), never runtime.gopark's.
    std::string s = fmt::format(
        "  Goroutine {} [{}] {} (pc {:#x}){} start {}{}", g.id, status, where_text(g.where),
        g.where.pc, g.tid ? fmt::format(" thread {}", *g.tid) : "", g.start_function.value_or("?"),
        g.created_by ? " created by " + *g.created_by : "");
    s += '\n';
    for (auto& f : g.stack)
      s += fmt::format("      {:>3} {:#x} {}\n", f.index, f.where.pc, where_text(f.where));
    traces_.out();
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
  void variables(const std::string& kind, const std::vector<value_record>& vars) override {
    if (vars.empty()) line("(no {})", kind);
    for (const auto& v : vars) line("{} = {}", v.expr, v.text);
  }
  void names(const std::string&, const std::vector<std::string>& names) override {
    for (const auto& n : names) line("{}", n);
  }
  void type_of(const std::string&, const std::string& type) override { line("{}", type); }
  void returned(const std::vector<value_record>& values) override {
    line("Values returned:");
    for (const auto& v : values) line("  {} = {}", v.expr, v.text);
  }
  void startup(const startup_record& r) override {
    // Package inits are one line each in JSON and in the trace; here the phases stand for them
    // and the summary names the heaviest.
    line("{:>9}  {:<7} {:>3}  {:<20} {}", "t(us)", "tid", "g", "stage", "what it established");
    for (auto& s : r.stages)
      if (s.stage != "init")
        line("{:>9}  {:<7} {:>3}  {:<20} {}", s.t_us, s.tid, or_dash(s.goid), s.stage, s.summary);
    if (r.init_summary) line("{}", *r.init_summary);
    if (r.profile_summary) line("{}", *r.profile_summary);
    if (!r.clock.empty()) line("({})", r.clock);
  }
  void message(const std::string& m) override { line("{}", m); }
  void warning(const std::string& m) override {
    write(diag_, fmt::format("godbg: warning: {}\n", m));
  }
  void error(const std::string& m) override {
    std::fflush(out_);
    // Red only where the colours of the output are on and the diagnostics go to a terminal too.
    bool red = color_ && isatty(fileno(diag_));
    write(diag_, fmt::format("{}godbg:{} {}\n", red ? "\033[1;31m" : "", red ? "\033[0m" : "", m));
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
    traces_.out();
    write(out_, fmt::format(f, std::forward<A>(a)...) + '\n');
  }
  static void write(std::FILE* to, const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), to);
    std::fflush(to);
  }
  std::FILE* out_;
  line_batch traces_{out_};
  std::string trace_line_;  // kept: its buffer serves every line
  std::FILE* diag_;
  bool color_;
  std::size_t shown_ = 0;
};
}  // namespace

std::unique_ptr<reporter> make_text_printer(std::FILE* out, std::FILE* diag, bool color) {
  return std::make_unique<text_printer>(out, diag, color);
}

}  // namespace godbg
