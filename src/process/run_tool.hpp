#pragma once
// Runs a helper program to its end (the DAP server's `go build` and `go test -c`), with its
// output. Here because waiting for a child is the process layer's business.
#include <optional>
#include <string>
#include <vector>

namespace godbg {

struct tool_result {
  int status = 0;      // its exit status; 128 + N when signal N killed it
  std::string output;  // stdout and stderr together, as written (at most 1 MiB kept)
};

// argv[0] is looked up in PATH (of `env` when given). cwd/env: the tool's, default godbg's.
// Throws godbg::error when it cannot be started.
tool_result run_tool(const std::vector<std::string>& argv, const std::optional<std::string>& cwd,
                     const std::optional<std::vector<std::string>>& env);

}  // namespace godbg
