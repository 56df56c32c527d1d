#pragma once
// The listings a debugger user asks for by habit: the frame's locals and arguments (Delve's
// locals/args, gdb's info locals/args), the program's package variables, functions, types and
// source files, each filtered by a regular expression.
#include <string>
#include <string_view>
#include <vector>

#include "debugger/eval/expression_eval.hpp"
#include "debugger/model.hpp"

namespace godbg {

class session;

enum class frame_var_kind { locals, args };

// Each variable as one record: expr is its name ("(x)" when an inner x shadows it), text its
// value on one line, or why it cannot be read here.
std::vector<value_record> frame_variables(session& s, const frame_registers& f, frame_var_kind kind,
                                          std::string_view regex);
std::vector<value_record> package_variables(session& s, const frame_registers& f,
                                            std::string_view regex);
std::vector<std::string> function_list(session& s, std::string_view regex);
std::vector<std::string> type_list(session& s, std::string_view regex);
std::vector<std::string> source_list(session& s, std::string_view regex);

}  // namespace godbg
