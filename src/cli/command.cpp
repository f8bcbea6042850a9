#include "cli/command.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include <fmt/format.h>

#include "core/check.h"

namespace ketapath::cli {

std::vector<CommandSpec>& command_table() {
  static std::vector<CommandSpec> table;
  return table;
}

Registration::Registration(std::string name, std::string description, Setup setup) {
  auto& table = command_table();
  table.push_back(CommandSpec{std::move(name), std::move(description), setup});
  std::sort(table.begin(), table.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.name < b.name; });
}

int report_error(const core::Error& error) {
  std::fprintf(stderr, "ketapath: error: %s\n", error.message.c_str());
  return exit_code_for(error.code);
}

namespace {

bool all_digits(std::string_view text) {
  return !text.empty() && text.size() <= 18 && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

std::string check_float(const std::string& text) {
  double ignored = 0.0;
  if (core::parse_decimal(text, ignored)) {
    return {};
  }
  return "\"" + core::excerpt(text) +
         "\" is not a finite decimal number (nan, inf, hex and numbers beyond 1.8e308 are "
         "refused)";
}

std::string check_int(const std::string& text) {
  const std::string_view digits =
      !text.empty() && text.front() == '-' ? std::string_view(text).substr(1) : text;
  if (all_digits(digits)) {
    return {};
  }
  return "\"" + core::excerpt(text) + "\" is not a whole number (decimal digits, at most 18)";
}

std::string check_uint(const std::string& text) {
  if (all_digits(text)) {
    return {};
  }
  return "\"" + core::excerpt(text) +
         "\" is not a non-negative whole number (decimal digits, at most 18)";
}

}  // namespace

void harden_number_options(CLI::App& app) {
  for (CLI::Option* option : app.get_options()) {
    // "INT:POSITIVE" when a validator is attached: the type is the part before the colon.
    const std::string full = option->get_type_name();
    const std::string type = full.substr(0, full.find(':'));
    if (type == "FLOAT") {
      option->check(check_float);
    } else if (type == "INT") {
      option->check(check_int);
    } else if (type == "UINT") {
      option->check(check_uint);
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    harden_number_options(*sub);
  }
}

std::string check_arguments_utf8(int argc, char** argv) {
  for (int a = 1; a < argc; ++a) {
    const auto* p = reinterpret_cast<const unsigned char*>(argv[a]);
    while (*p != 0) {
      int extra = 0;
      unsigned min = 0;
      if (*p < 0x80) {
        ++p;
        continue;
      }
      if ((*p & 0xE0) == 0xC0) {
        extra = 1;
        min = 0x80;
      } else if ((*p & 0xF0) == 0xE0) {
        extra = 2;
        min = 0x800;
      } else if ((*p & 0xF8) == 0xF0) {
        extra = 3;
        min = 0x10000;
      } else {
        return fmt::format("argument {} (\"{}\") is not valid UTF-8", a, core::excerpt(argv[a]));
      }
      unsigned code = *p & (0x3Fu >> extra);
      ++p;
      for (int k = 0; k < extra; ++k, ++p) {
        if ((*p & 0xC0) != 0x80) {
          return fmt::format("argument {} (\"{}\") is not valid UTF-8", a, core::excerpt(argv[a]));
        }
        code = (code << 6) | (*p & 0x3Fu);
      }
      if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
        return fmt::format("argument {} (\"{}\") is not valid UTF-8", a, core::excerpt(argv[a]));
      }
    }
  }
  return {};
}

}  // namespace ketapath::cli
