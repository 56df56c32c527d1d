#pragma once
// Where the unit tests find the Go binaries built by scripts/build_demos.sh.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace godbg::test {

// Every Go version the demos were built with (one directory each), e.g. "go1.19.8".
inline std::vector<std::string> go_versions() {
  std::vector<std::string> out;
  std::ifstream in(std::string(GODBG_DEMO_DIR) + "/toolchains.txt");
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// variant: "normal", "pie" or "stripped".
inline std::string demo(const std::string& go, const std::string& variant,
                        const std::string& name) {
  return std::string(GODBG_DEMO_DIR) + "/" + go + "/" + variant + "/" + name;
}

}  // namespace godbg::test
