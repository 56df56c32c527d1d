#include "debugger/source_files.hpp"

#include <fstream>

namespace godbg {

const std::vector<std::string>* source_files::lines(const std::string& path) {
  auto it = cache_.find(path);
  if (it == cache_.end()) {
    std::optional<std::vector<std::string>> content;
    std::ifstream in(path);
    if (in) {
      content.emplace();
      for (std::string line; std::getline(in, line);) content->push_back(line);
    }
    it = cache_.emplace(path, std::move(content)).first;
  }
  return it->second ? &*it->second : nullptr;
}

}  // namespace godbg
