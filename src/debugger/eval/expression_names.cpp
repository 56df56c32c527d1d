#include "debugger/eval/expression_names.hpp"

#include <set>

#include "common/error.hpp"
#include "debugger/eval/expression_eval.hpp"
#include "debugger/session.hpp"
#include "dwarf/dwarf_info.hpp"
#include "dwarf/dwarf_variables.hpp"

namespace godbg {

namespace {

bool letter(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_identifier(std::string_view s) {
  if (s.empty() || !letter(s[0])) return false;
  for (char c : s)
    if (!letter(c) && !digit(c)) return false;
  return true;
}

// The package of a package-level variable's symbol ("main" of "main.Counter", "net/http" of
// "net/http.DefaultClient"), or nullopt for a symbol the toolchain made up ("main..inittask",
// "go:string.*", "go.itab.*", "type:*", "runtime.x·f", "$f64.*").
std::optional<std::string_view> variable_package(std::string_view symbol) {
  auto slash = symbol.rfind('/');
  auto dot = symbol.find('.', slash == std::string_view::npos ? 0 : slash);
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  auto pkg = symbol.substr(0, dot);
  if (!is_identifier(symbol.substr(dot + 1))) return std::nullopt;
  if (pkg == "go" || pkg == "type") return std::nullopt;  // go1.19's go.itab.*, type.*
  for (char c : pkg)
    if (!letter(c) && !digit(c) && c != '/' && c != '.' && c != '-') return std::nullopt;
  return pkg;
}

}  // namespace

std::string package_of_function(std::string_view fn) {
  auto slash = fn.rfind('/');
  auto dot = fn.find('.', slash == std::string_view::npos ? 0 : slash);
  return dot == std::string_view::npos ? std::string() : std::string(fn.substr(0, dot));
}

std::vector<std::string> expression_names(session& s, std::string_view prefix) {
  std::set<std::string> out;
  if (!s.has_binary()) return {};
  std::string package;
  if (s.has_program()) {
    try {
      file_addr pc = s.bias().to_file(virt_addr(frame_in(s, s.selected()).pc));
      if (auto fn = s.bin().function_at(pc)) package = package_of_function(fn->name);
      if (auto* dw = s.bin().dwarf())
        for (const auto& v : dw->locals_at(pc)) {
          // An escaped variable is &x in DWARF and x to the user.
          std::string_view name = v.name;
          if (name.starts_with("&")) name.remove_prefix(1);
          if (is_identifier(name) && name.starts_with(prefix)) out.insert(std::string(name));
        }
    } catch (const error&) {
      // No frame to speak of (or unreadable DWARF): the globals still complete.
    }
  }
  for (const auto& sym : s.bin().symbols().all()) {
    if (sym.is_func) continue;
    auto pkg = variable_package(sym.name);
    if (!pkg) continue;
    if (*pkg == package) {
      auto name = std::string_view(sym.name).substr(pkg->size() + 1);
      if (name.starts_with(prefix)) out.insert(std::string(name));
    }
    if (!prefix.empty() && sym.name.starts_with(prefix)) out.insert(sym.name);
  }
  return {out.begin(), out.end()};
}

}  // namespace godbg
