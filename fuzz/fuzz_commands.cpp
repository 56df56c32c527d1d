// The command-file parser and every command's argument parsing, on a session with a program
// loaded but no process (GODBG_FUZZ_PROG: a Go binary; unset: no program at all). Inputs that
// use `source` are skipped: it opens whatever path it is given.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "commands/commands.hpp"
#include "commands/reporter.hpp"
#include "debugger/session.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

namespace {

// Touches every record so that dangling data in them shows up under ASan.
class sink_reporter : public reporter {
 public:
  void start(const start_record&) override {}
  void stop(const stop_record&, const std::vector<source_line_record>& c) override {
    n_ += c.size();
  }
  void exited(const exit_record&) override {}
  void frames(const std::vector<frame_record>& f, int) override { n_ += f.size(); }
  void registers(const std::vector<register_record>& r) override { n_ += r.size(); }
  void breakpoint_set(const breakpoint_record&) override { ++n_; }
  void breakpoints(const std::vector<breakpoint_record>& b) override { n_ += b.size(); }
  void disassembly(const std::vector<instruction_record>& d) override { n_ += d.size(); }
  void memory(const memory_record&) override {}
  void source(const source_record&) override {}
  void goroutines(const std::vector<goroutine_record>& g, std::size_t) override { n_ += g.size(); }
  void threads(const std::vector<thread_record>& t) override { n_ += t.size(); }
  void value(const value_record&) override {}
  void startup(const std::vector<startup_stage>& s) override { n_ += s.size(); }
  void message(const std::string& m) override { n_ += m.size(); }
  void warning(const std::string& m) override { n_ += m.size(); }
  void error(const std::string& m) override { n_ += m.size(); }

 private:
  std::size_t n_ = 0;
};

const char* prog = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  prog = std::getenv("GODBG_FUZZ_PROG");
  if (prog && !*prog) prog = nullptr;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (text.find("source") != std::string_view::npos) return -1;  // not added to the corpus
  (void)split_words(text);
  sink_reporter out;
  session s(out);
  if (prog) {
    try {
      s.load(prog);
    } catch (const error&) {
      std::abort();  // the program under the fuzzer must load
    }
  }
  fuzz::guarded([&] { (void)run_command_file(s, fuzz::as_file(data, size)); });
  return 0;
}
