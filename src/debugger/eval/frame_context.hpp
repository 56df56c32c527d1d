#pragma once
// One frame of the stopped program as the Go expression evaluator sees it: its variables
// (frame_vars), the program's globals, packages, types, functions and registers, and memory,
// all behind an eval_env. Made per command (or per breakpoint hit) and dropped after.
#include <memory>
#include <optional>
#include <string>

#include "debugger/eval/expression_eval.hpp"
#include "dwarf/go_eval.hpp"
#include "dwarf/go_frame_vars.hpp"
#include "dwarf/go_runtime_types.hpp"

namespace godbg {

class session;
class dwarf_info;

// A package constant (dwarf_variable::const_value) as a value of its type, held, with no
// address: print shows it, set and & refuse it.
go_value constant_value(const dwarf_variable& c);

class frame_context {
 public:
  frame_context(session& s, const frame_registers& f);
  ~frame_context();

  eval_env env();
  evaluator& eval();   // one evaluator for the context's lifetime
  frame_vars* vars();  // nullptr without DWARF
  const dwarf_info* dwarf() const { return dw_; }
  // The record print shows for v, the value of the expression written as `expr`.
  value_record record(const std::string& expr, const eval_value& v, bool multiline,
                      const print_limits& limits = {});
  // The frame's function's package ("main"), for unqualified package-level names.
  const std::string& package() const { return package_; }

 private:
  const go_type* type_of_descriptor(std::uint64_t addr) const;
  std::optional<std::uint64_t> register_value(std::string_view name) const;

  session& s_;
  frame_registers f_;
  const dwarf_info* dw_ = nullptr;
  location_context ctx_;
  std::string package_;
  std::optional<frame_vars> vars_;
  std::unique_ptr<evaluator> eval_;
  mutable std::unique_ptr<runtime_type_decoder> runtime_types_;
  std::uint64_t types_base_ = 0;  // runtime.types: what DW_AT_go_runtime_type is relative to
};

}  // namespace godbg
