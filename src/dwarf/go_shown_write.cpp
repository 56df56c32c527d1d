// Writing a loaded value as Delve's pretty printer does: types before composite values where
// the context does not already say them, struct fields with their types, array elements and map
// entries without; on several lines (tab indented, trailing commas) when print asks for it and
// the value holds composite parts. Channels are always one line: len/cap.
#include <fmt/format.h>

#include "dwarf/go_number_text.hpp"
#include "dwarf/go_shown.hpp"

namespace godbg {

std::string pointer_text(const std::string& type, std::uint64_t addr) {
  if (type.find('/') != std::string::npos)
    return fmt::format("({})({:#x})", go_quote_text(type), addr);
  return fmt::format("({})({:#x})", type, addr);
}

namespace {

constexpr std::size_t max_short_string = 7;  // longer strings put their container on lines

struct flags {
  bool top = false;
  bool newlines = false;
  bool include_type = false;
};

struct writer {
  std::string out;

  // The kind under any pointers, and whether there were pointers.
  static go_kind deep_kind(const shown_value* v, bool& has_ptr) {
    has_ptr = false;
    for (int hop = 0; hop < 64; ++hop) {
      if (v->kind != go_kind::pointer || v->unsafe_pointer) return v->kind;
      has_ptr = true;
      if (v->children.empty()) return v->kind;
      v = &v->children[0];
    }
    return v->kind;
  }

  static bool composite(go_kind k) {
    return k == go_kind::slice || k == go_kind::array || k == go_kind::struct_ ||
           k == go_kind::map || k == go_kind::interface;
  }

  static bool newline_struct(const shown_value& v, bool newlines) {
    if (!newlines || v.children.empty()) return false;
    for (const auto& c : v.children) {
      bool has_ptr = false;
      go_kind k = deep_kind(&c, has_ptr);
      if (composite(k)) return true;
      if (k == go_kind::string && (has_ptr || c.value.size() > max_short_string)) return true;
    }
    return false;
  }

  static bool newline_array(const shown_value& v, bool newlines) {
    if (!newlines || v.children.empty()) return false;
    bool has_ptr = false;
    go_kind k = deep_kind(&v.children[0], has_ptr);
    if (composite(k)) return true;
    if (k != go_kind::string) return false;
    if (has_ptr) return true;
    for (const auto& c : v.children)
      if (c.value.size() > max_short_string) return true;
    return false;
  }

  void write(const shown_value& v, flags f, const std::string& indent) {
    if (!v.unreadable.empty()) {
      out += "(unreadable " + v.unreadable + ")";
      return;
    }
    if (!f.top && v.is_nil) {
      if (f.include_type && !v.type.empty())
        out += v.type + " nil";
      else
        out += "nil";
      return;
    }
    switch (v.kind) {
      case go_kind::slice:
        if (f.include_type) out += fmt::format("{} len: {}, cap: {}, ", v.type, v.len, v.cap);
        if (v.base == 0 && v.children.empty()) {
          out += "nil";
          return;
        }
        return elements(v, f, indent);
      case go_kind::array:
        if (f.include_type) out += v.type + " ";
        return elements(v, f, indent);
      case go_kind::pointer:
        return pointer(v, f, indent);
      case go_kind::chan:
        out += v.type.empty() ? std::string("chan") : v.type;
        if (v.base == 0)
          out += " nil";
        else
          out += fmt::format(" {}/{}", v.len, v.cap);
        return;
      case go_kind::struct_:
        if (v.has_value) {  // time.Time
          out += v.type + "(" + v.value + ")";
          f.include_type = false;
        }
        return structure(v, f, indent);
      case go_kind::interface:
        return iface(v, f, indent);
      case go_kind::map:
        return map(v, f, indent);
      case go_kind::func:
        return func(v, f, indent);
      default:
        return basic(v);
    }
  }

  void pointer(const shown_value& v, flags f, const std::string& indent) {
    if (v.unsafe_pointer) {
      out += v.base ? fmt::format("unsafe.Pointer({:#x})", v.base) : "unsafe.Pointer(nil)";
      return;
    }
    if (v.children.empty()) {
      out += "nil";
      return;
    }
    const shown_value& c = v.children[0];
    if (c.only_addr && c.addr) {
      out += pointer_text(v.type, c.addr);
      return;
    }
    if (f.top && f.newlines && c.addr) out += pointer_text(v.type, c.addr) + "\n";
    out += "*";
    f.top = false;
    write(c, f, indent);
  }

  void structure(const shown_value& v, flags f, const std::string& indent) {
    if (v.len != 0 && v.children.empty()) {  // below the nesting limit: by address
      out += fmt::format(
          "({})({:#x})",
          "*" + (v.type.find('/') != std::string::npos ? go_quote_text(v.type) : v.type), v.addr);
      return;
    }
    if (f.include_type) out += v.type + " ";
    bool nl = newline_struct(v, f.newlines);
    out += "{";
    for (std::size_t i = 0; i < v.children.size(); ++i) {
      if (nl) out += "\n" + indent + "\t";
      out += v.children[i].name + ": ";
      write(v.children[i], flags{false, nl, true}, indent + "\t");
      if (i + 1 != v.children.size() || nl) {
        out += ",";
        if (!nl) out += " ";
      }
    }
    if (std::size_t(v.len) != v.children.size()) {
      out += nl ? "\n" + indent + "\t" : ",";
      out += fmt::format("...+{} more", v.len - std::int64_t(v.children.size()));
    }
    out += "}";
  }

  void elements(const shown_value& v, flags f, const std::string& indent) {
    bool nl = newline_array(v, f.newlines);
    out += "[";
    for (std::size_t i = 0; i < v.children.size(); ++i) {
      if (nl) out += "\n" + indent + "\t";
      write(v.children[i], flags{false, nl, false}, indent + "\t");
      if (i + 1 != v.children.size() || nl) out += ",";
    }
    if (std::size_t(v.len) != v.children.size()) {
      if (!v.children.empty()) {
        out += nl ? "\n" + indent + "\t" : ",";
        out += fmt::format("...+{} more", v.len - std::int64_t(v.children.size()));
      } else {
        out += "...";
      }
    }
    if (nl) out += "\n" + indent;
    out += "]";
  }

  void map(const shown_value& v, flags f, const std::string& indent) {
    if (f.include_type) out += v.type + " ";
    if (v.base == 0 && v.children.empty()) {
      out += "nil";
      return;
    }
    bool nl = f.newlines && !v.children.empty();
    out += "[";
    for (std::size_t i = 0; i + 1 < v.children.size(); i += 2) {
      if (nl) out += "\n" + indent + "\t";
      write(v.children[i], flags{}, indent + "\t");
      out += ": ";
      write(v.children[i + 1], flags{false, nl, false}, indent + "\t");
      // On lines, Delve ends every entry with ", " (the last too); on one line only the
      // entries are separated.
      if (nl || i + 2 < v.children.size()) out += ", ";
    }
    std::int64_t shown = std::int64_t(v.children.size() / 2);
    if (shown != v.len) {
      if (shown) {
        out += nl ? "\n" + indent + "\t" : ", ";
        out += fmt::format("...+{} more", v.len - shown);
      } else {
        out += "...";
      }
    }
    if (nl) out += "\n" + indent;
    out += "]";
  }

  void func(const shown_value& v, flags f, const std::string& indent) {
    if (!v.has_value) {
      out += "nil";
      return;
    }
    out += v.value;
    if (!f.newlines || v.children.empty()) return;
    out += " {\n";
    for (const auto& c : v.children) {
      out += indent + "\t" + c.name + " " + c.type + " = ";
      write(c, flags{false, f.newlines, false}, indent + "\t");
      out += "\n";
    }
    out += indent + "}";
  }

  void iface(const shown_value& v, flags f, const std::string& indent) {
    if (v.children.empty()) {
      out += "nil";
      return;
    }
    const shown_value& data = v.children[0];
    if (f.include_type) {
      if (data.is_nil) {
        out += v.type + " nil";
        return;
      }
      out += v.type + "(" + data.type + ") ";
    }
    if (data.is_nil) {
      out += "nil";
      return;
    }
    flags df{false, f.newlines, !f.include_type};
    if (data.kind == go_kind::pointer && !data.unsafe_pointer && data.unreadable.empty()) {
      if (data.children.empty())
        out += "...";
      else if (data.children[0].is_nil)
        out += "nil";
      else if (data.children[0].only_addr)
        out += fmt::format("{:#x}", data.children[0].addr);
      else
        write(data, df, indent);
      return;
    }
    if (data.only_addr) {
      out += "*" + pointer_text("*" + v.type, v.addr);
      return;
    }
    write(data, df, indent);
  }

  void basic(const shown_value& v) {
    if (v.kind == go_kind::string) {
      std::string s = v.value;
      if (std::int64_t(s.size()) != v.len)
        s += fmt::format("...+{} more", v.len - std::int64_t(s.size()));
      out += go_quote_text(s);
      return;
    }
    if (!v.has_value) {
      out += fmt::format("(unknown {})", kind_name(v.kind));
      return;
    }
    out += v.value;
  }
};

}  // namespace

std::string write_shown(const shown_value& v, bool multiline) {
  writer w;
  w.write(v, flags{true, multiline, true}, "");
  return std::move(w.out);
}

}  // namespace godbg
