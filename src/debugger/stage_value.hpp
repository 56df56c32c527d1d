#pragma once
// A value a startup stage established: unknown (null), an integer, a bool, a string, a list
// of them (argv), or named values in order (a profile's entries). The core keeps it as data; the
// front ends render it as text or JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace godbg {

class stage_value {
 public:
  using list = std::vector<stage_value>;
  struct object {
    std::vector<std::pair<std::string, stage_value>> fields;
    // Defined after the class: a defaulted one would compare pairs of a class not yet complete
    // here (clang refuses it; gcc lets it pass).
    bool operator==(const object& o) const;
  };
  using storage =
      std::variant<std::monostate, bool, std::int64_t, std::uint64_t, std::string, list, object>;

  stage_value() = default;
  stage_value(std::nullptr_t) {}
  stage_value(bool b) : v_(b) {}
  template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>) stage_value(T n) {
    if constexpr (std::is_signed_v<T>)
      v_ = std::int64_t(n);
    else
      v_ = std::uint64_t(n);
  }
  stage_value(std::string s) : v_(std::move(s)) {}
  stage_value(const char* s) : v_(std::string(s)) {}
  stage_value(list l) : v_(std::move(l)) {}
  stage_value(object o) : v_(std::move(o)) {}
  template <typename T>
  stage_value(const std::optional<T>& o) {
    if (o) *this = stage_value(*o);
  }

  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }
  bool is_boolean() const { return std::holds_alternative<bool>(v_); }
  bool is_string() const { return std::holds_alternative<std::string>(v_); }
  bool is_list() const { return std::holds_alternative<list>(v_); }
  bool is_object() const { return std::holds_alternative<object>(v_); }
  bool is_integer() const { return integer().has_value(); }
  bool boolean() const { return is_boolean() && std::get<bool>(v_); }
  const std::string& string() const { return std::get<std::string>(v_); }
  const list& items() const { return std::get<list>(v_); }
  const object& fields() const { return std::get<object>(v_); }
  // The value as a signed or unsigned integer, when it is one that fits.
  std::optional<std::int64_t> integer() const {
    if (auto* i = std::get_if<std::int64_t>(&v_)) return *i;
    if (auto* u = std::get_if<std::uint64_t>(&v_); u && *u <= std::uint64_t(INT64_MAX))
      return std::int64_t(*u);
    return std::nullopt;
  }
  std::optional<std::uint64_t> unsigned_integer() const {
    if (auto* u = std::get_if<std::uint64_t>(&v_)) return *u;
    if (auto* i = std::get_if<std::int64_t>(&v_); i && *i >= 0) return std::uint64_t(*i);
    return std::nullopt;
  }
  const storage& raw() const { return v_; }

  bool operator==(const stage_value& o) const {
    if (is_integer() && o.is_integer()) return integer() == o.integer();
    return v_ == o.v_;
  }

 private:
  storage v_;
};

inline bool stage_value::object::operator==(const object& o) const {
  return fields == o.fields;
}

}  // namespace godbg
