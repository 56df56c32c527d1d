#pragma once
// The ELF objects of one process image: the executable and the shared libraries the dynamic
// linker mapped (libc, libpthread, a cgo program's own .so files), each at its load bias, and
// which of them holds a run-time address. The process layer finds the libraries (link_map.hpp);
// this keeps their symbols and .eh_frame, opened once and kept while they stay loaded.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "dwarf/binary.hpp"

namespace godbg {

struct loaded_object {
  std::string path;
  load_bias bias;
  std::shared_ptr<const binary> bin;  // the executable's is not owned (a no-op deleter)
  bool is_main = false;
  // Run-time ranges of its PT_LOAD segments.
  std::vector<std::pair<virt_addr, virt_addr>> ranges;

  bool contains(virt_addr a) const;
  file_addr to_file(virt_addr a) const { return bias.to_file(a); }
};

struct library_ref {
  std::string path;
  load_bias bias;
};

class object_set {
 public:
  // The executable must outlive the set.
  object_set(const binary& main, load_bias main_bias);

  // Makes the libraries exactly `libs` (the link map's, the executable and entries without a
  // file left out): new ones are opened, ones no longer listed dropped, others kept. Returns
  // one line per library that could not be opened ("PATH: no such file"); those are skipped.
  std::vector<std::string> set_libraries(const std::vector<library_ref>& libs);

  const loaded_object& main() const { return objects_.front(); }
  const std::vector<loaded_object>& all() const { return objects_; }  // the executable first
  // The object whose segments hold `a`; nullptr for memory no ELF file maps (heap, stacks,
  // the vDSO).
  const loaded_object* at(virt_addr a) const;
  // Where a function symbol of that name is, in the executable first, then in the libraries in
  // link-map order (the order the dynamic linker resolves in).
  struct found_function {
    const loaded_object* object;
    function_info info;
  };
  std::optional<found_function> function_by_name(std::string_view name) const;

 private:
  std::vector<loaded_object> objects_;
};

}  // namespace godbg
