#pragma once
// The Go version a binary was built with, read from the runtime's own variable
// runtime.buildVersion (a Go string the linker fills in; runtime.Version() returns it), for
// binaries whose .go.buildinfo section was removed. Without a symbol table the variable is
// found through runtime.schedinit, whose `if buildVersion == ""` check addresses it
// RIP-relative (the runtime keeps that check so the linker keeps the variable).
#include <optional>
#include <string>

#include "dwarf/elf_file.hpp"
#include "dwarf/elf_symbols.hpp"
#include "dwarf/gopclntab.hpp"

namespace godbg {

// "go1.27.3", "go1.26.8 X:nogreenteagc", "devel go1.28-abcdef ..."; nullopt when neither the
// symbol nor the reference in schedinit leads to a string that reads as a Go version.
std::optional<std::string> read_build_version(const elf_file& f, const elf_symbols& syms,
                                              const gopclntab* pclntab);

// Whether s reads as a Go version string ("go1.N", optionally ".P", "rcN", "betaN", " X:...",
// or a "devel " build).
bool looks_like_go_version(std::string_view s);

}  // namespace godbg
