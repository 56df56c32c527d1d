#pragma once
// The build information the go command embeds in every binary (.go.buildinfo): toolchain
// version, main module and build settings. Formats: debug/buildinfo/buildinfo.go.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dwarf/elf_file.hpp"

namespace godbg {

struct build_module {
  std::string path, version, sum;
};

struct build_info {
  std::string go_version;    // "go1.19.8"
  std::string main_path;     // "path" line: the main package's import path
  std::string main_version;  // from the "mod" line ("(devel)" for a local build)
  std::vector<std::pair<std::string, std::string>> settings;  // "build" lines: key, value
  std::vector<build_module> deps;                             // "dep" lines (after replacement)
};

// From .go.buildinfo (both the old pointer format and the Go >= 1.18 inline-string format);
// without that section, from the 16-aligned magic in the first writable segment. nullopt when
// absent or unreadable.
std::optional<build_info> read_build_info(const elf_file& f);

// The module info text (the part between the sentinels) split into build_info fields.
void parse_module_info(std::string_view text, build_info& out);

}  // namespace godbg
