#pragma once
// DAP's debug and test modes: the package or file an editor names, built for debugging (no
// optimizations, no inlining) into a temporary directory.
#include <optional>
#include <string>
#include <vector>

namespace godbg::dap {

struct build_request {
  bool test = false;                  // go test -c instead of go build
  std::string program;                // a package directory, a .go file, or an import path
  std::vector<std::string> flags;     // the editor's buildFlags
  std::optional<std::string> output;  // where the editor wants the binary (else a temp dir)
  std::optional<std::vector<std::string>> env;
};

struct built_program {
  std::string path;
  std::string temp_dir;  // to remove with it ("" when the editor chose the output)
  std::string log;       // what the go command printed (warnings)
};

// Throws godbg::error with the compiler's messages when the build fails.
built_program build_for_debugging(const build_request& r);

// buildFlags as editors send them: one string split as a shell would (quotes kept together),
// or an array already split.
std::vector<std::string> split_flags(const std::string& s);

}  // namespace godbg::dap
