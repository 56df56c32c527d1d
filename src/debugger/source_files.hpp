#pragma once
// Source files read from disk on demand and kept, for `list` and the lines around a stop.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace godbg {

class source_files {
 public:
  // Lines 1..n of the file, or nullptr when it cannot be read.
  const std::vector<std::string>* lines(const std::string& path);

 private:
  std::map<std::string, std::optional<std::vector<std::string>>> cache_;
};

}  // namespace godbg
