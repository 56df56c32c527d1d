// The command-file parser and every command's argument parsing, on a session with a program
// loaded but no process (GODBG_FUZZ_PROG: a Go binary; unset: no program at all). Inputs that
// use `source` are skipped: it opens whatever path it is given.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "commands/commands.hpp"
#include "commands/interpreter.hpp"
#include "commands/recording_reporter.hpp"
#include "debugger/session.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

namespace {

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
  recording_reporter out;
  session s;
  interpreter in(s, out);
  if (prog) {
    try {
      s.load(prog);
    } catch (const error&) {
      std::abort();  // the program under the fuzzer must load
    }
  }
  fuzz::guarded([&] { (void)in.run_file(fuzz::as_file(data, size)); });
  return 0;
}
