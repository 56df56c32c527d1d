// .go.buildinfo (inline-string and pointer formats, and the magic scan without the section), and
// the module-info text parser on raw bytes.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "dwarf/buildinfo.hpp"
#include "dwarf/elf_file.hpp"
#include "fuzz_common.hpp"

using namespace godbg;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size >= 4 && std::memcmp(data,
                               "\x7f"
                               "ELF",
                               4) == 0) {
    fuzz::guarded([&] {
      auto f = elf_file::open(fuzz::as_file(data, size));
      if (auto bi = read_build_info(*f)) {
        (void)bi->go_version.size();
        for (auto& [k, v] : bi->settings) (void)(k.size() + v.size());
      }
    });
  } else {
    fuzz::guarded([&] {
      build_info out;
      parse_module_info(std::string_view(reinterpret_cast<const char*>(data), size), out);
    });
  }
  return 0;
}
