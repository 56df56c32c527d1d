#include "debugger/describe.hpp"

#include "dwarf/binary.hpp"
#include "dwarf/object_set.hpp"

namespace godbg {

code_location describe_pc(const binary* bin, load_bias bias, std::uint64_t pc) {
  code_location loc;
  loc.pc = pc;
  if (!bin) return loc;
  file_addr fa = bias.to_file(virt_addr(pc));
  if (auto name = bin->innermost_function_at(fa)) loc.function = *name;
  if (auto pos = bin->line_at(fa)) {
    loc.file = pos->file;
    loc.line = pos->line;
  }
  return loc;
}

code_location describe_pc(const object_set* objects, const binary* bin, load_bias bias,
                          std::uint64_t pc) {
  if (objects)
    if (const loaded_object* o = objects->at(virt_addr(pc)); o && !o->is_main)
      return describe_pc(o->bin.get(), o->bias, pc);
  return describe_pc(bin, bias, pc);
}

}  // namespace godbg
