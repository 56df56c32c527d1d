#pragma once
// The runtime's type descriptor, abi.Type, on amd64: the same layout from Go 1.14 to 1.27
// (Size_, PtrBytes, Hash, TFlag, Align_, FieldAlign_, Kind_, Equal, GCData, Str, PtrToThis),
// 48 bytes, followed by the kind's own words. One copy for every reader of descriptors in
// target memory: the type decoder (dwarf) and the panic value printer (goruntime).
#include <cstdint>

namespace godbg::go_abi {

constexpr std::uint64_t type_size = 48;
constexpr std::uint64_t type_tflag = 20, type_kind = 23, type_str = 40;
constexpr std::uint8_t tflag_extra_star = 1 << 1;  // Str has a '*' in front of the name
constexpr std::uint8_t kind_mask = 0x1f;           // older releases keep flags in the high bits

// abi.Kind: the low 5 bits of Kind_.
enum kind : std::uint8_t {
  k_bool = 1,
  k_int,
  k_int8,
  k_int16,
  k_int32,
  k_int64,
  k_uint,
  k_uint8,
  k_uint16,
  k_uint32,
  k_uint64,
  k_uintptr,
  k_float32,
  k_float64,
  k_complex64,
  k_complex128,
  k_array,
  k_chan,
  k_func,
  k_interface,
  k_map,
  k_pointer,
  k_slice,
  k_string,
  k_struct,
  k_unsafe_pointer,
};

}  // namespace godbg::go_abi
