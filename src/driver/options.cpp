#include "driver/options.h"

#include <array>
#include <cstddef>

#include "base/spelling.h"

namespace hako::driver {

namespace {

enum class Form : uint8_t { Flag, Joined, Separate, Attached };

struct CommandRow {
  Command id;
  std::string_view name;
  std::string_view operands;
  bool many;
  bool program;
  std::string_view help;
};

struct OptionRow {
  Option id;
  std::string_view spelling;
  Form form;
  std::string_view value;
  std::string_view commands;  // options.def's list: names, "*" or "none"
  std::string_view help;
};

constexpr CommandRow kCommands[] = {
#define HAKO_COMMAND(id, name, operands, many, program, help) {Command::id, name, operands, many, program, help},
#include "driver/options.def"
};

constexpr OptionRow kOptions[] = {
#define HAKO_OPTION(id, spelling, form, value, commands, help) \
  {Option::id, spelling, Form::form, value, commands, help},
#include "driver/options.def"
};

// The rows are indexed by their enumerators.
constexpr bool rows_in_order() {
  for (size_t i = 0; i < std::size(kCommands); ++i)
    if (static_cast<size_t>(kCommands[i].id) != i) return false;
  for (size_t i = 0; i < std::size(kOptions); ++i)
    if (static_cast<size_t>(kOptions[i].id) != i) return false;
  return true;
}
static_assert(rows_in_order());

const CommandRow& row(Command c) { return kCommands[static_cast<size_t>(c)]; }
const OptionRow& row(Option o) { return kOptions[static_cast<size_t>(o)]; }

std::optional<Command> find_command(std::string_view name) {
  for (const CommandRow& c : kCommands)
    if (c.name == name) return c.id;
  return std::nullopt;
}

// The words of a space-separated list of options.def.
std::vector<std::string_view> words(std::string_view list) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < list.size()) {
    size_t end = list.find(' ', start);
    if (end == std::string_view::npos) end = list.size();
    out.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool list_has(std::string_view list, std::string_view word) {
  for (std::string_view w : words(list))
    if (w == word) return true;
  return false;
}

bool applies(const OptionRow& o, Command c) {
  return o.commands == "*" ? row(c).program : list_has(o.commands, row(c).name);
}

// " (did you mean 'X'?)" for the closest of `candidates`, or "".
std::string suggestion(std::string_view word, const std::vector<std::string>& candidates) {
  std::optional<std::string> near = base::closest_name(word, candidates);
  return near ? "; did you mean '" + *near + "'?" : ".";
}

std::string unknown_option(const std::string& word) {
  std::vector<std::string> spellings;
  for (const OptionRow& o : kOptions) spellings.emplace_back(o.spelling);
  // `--emit-audt=x` is compared by its name part.
  std::string name = word.substr(0, word.find('='));
  return "Unknown option '" + word + "'" + suggestion(name, spellings);
}

// Matches `word` (argv[i]) against the option rows; the value may take the
// next word. Returns nullopt when no row matches.
std::optional<OptionUse> match_option(int argc, char** argv, int& i, std::string& error) {
  const std::string word = argv[i];
  // An exact spelling first, so that `-h` is never read as an Attached `-h…`.
  for (const OptionRow& o : kOptions) {
    if (word == o.spelling) {
      if (o.form == Form::Flag) return OptionUse{o.id, ""};
      if (o.form == Form::Joined) {
        error = std::string(o.spelling) + " needs a value: " + std::string(o.spelling) + "=" + std::string(o.value) + ".";
        return OptionUse{o.id, ""};
      }
      if (i + 1 >= argc) {
        error = std::string(o.spelling) + " needs a value (" + std::string(o.value) + ").";
        return OptionUse{o.id, ""};
      }
      return OptionUse{o.id, argv[++i]};
    }
  }
  for (const OptionRow& o : kOptions) {
    std::string_view s = o.spelling;
    if (word.size() <= s.size() || word.compare(0, s.size(), s) != 0) continue;
    if ((o.form == Form::Joined || o.form == Form::Separate) && word[s.size()] == '=')
      return OptionUse{o.id, word.substr(s.size() + 1)};
    if (o.form == Form::Attached) return OptionUse{o.id, word.substr(s.size())};
  }
  return std::nullopt;
}

// `text` wrapped to lines of at most `width` columns, every line after the
// first indented by `indent` spaces.
std::string wrap(std::string_view text, size_t indent, size_t width) {
  std::string out;
  size_t column = indent;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view w = text.substr(start, end - start);
    if (column > indent && column + 1 + w.size() > width) {
      out += "\n" + std::string(indent, ' ');
      column = indent;
    } else if (column > indent) {
      out += ' ';
      ++column;
    }
    out += w;
    column += w.size();
    start = end + 1;
  }
  return out;
}

constexpr size_t kHelpColumn = 30;
constexpr size_t kHelpWidth = 92;

// One help line: `left` padded to the help column, then `help` wrapped.
std::string help_line(const std::string& left, std::string_view help) {
  std::string line = "  " + left;
  if (line.size() + 1 > kHelpColumn) line += "\n" + std::string(kHelpColumn, ' ');
  else line += std::string(kHelpColumn - line.size(), ' ');
  return line + wrap(help, kHelpColumn, kHelpWidth) + "\n";
}

std::string option_left(const OptionRow& o) {
  std::string left(o.spelling);
  switch (o.form) {
    case Form::Flag: break;
    case Form::Joined: left += "=" + std::string(o.value); break;
    case Form::Separate:
    case Form::Attached: left += " " + std::string(o.value); break;
  }
  return left;
}

// The global help's text of `o`: its help, after the commands that take it
// unless the help itself starts by naming one ("emit-mir: ...").
std::string global_help(const OptionRow& o) {
  std::string help(o.help);
  if (o.commands == "*" || o.commands == "none") return help;
  std::string_view first = words(o.commands).front();
  if (help.compare(0, first.size() + 1, std::string(first) + ":") == 0) return help;
  std::string names;
  for (std::string_view w : words(o.commands)) names += (names.empty() ? "" : ", ") + std::string(w);
  return names + ": " + help;
}

std::string environment_text() {
  return "environment:\n" +
         help_line("HAKO_CC", "the C compiler driver build links with (default clang-19, else cc); may carry flags");
}

}  // namespace

std::string parse_command_line(int argc, char** argv, ParsedArgs& out) {
  std::string first_error;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") {
      for (int k = i + 1; k < argc; ++k) out.program_args.push_back(argv[k]);
      break;
    }
    std::string error;
    if (word.size() > 1 && word[0] == '-') {
      std::optional<OptionUse> use = match_option(argc, argv, i, error);
      if (!use) error = unknown_option(word);
      else if (use->option == Option::Help || use->option == Option::HelpShort) out.help = true;
      else if (use->option == Option::Version) out.version = true;
      else if (error.empty()) out.options.push_back(*use);
    } else if (!out.command) {
      out.command = find_command(word);
      if (!out.command) {
        std::vector<std::string> names;
        for (const CommandRow& c : kCommands) names.emplace_back(c.name);
        error = "Unknown command '" + word + "'" + suggestion(word, names);
      }
    } else {
      out.operands.push_back(word);
    }
    if (first_error.empty()) first_error = error;
  }
  return first_error;
}

std::string check_options_apply(const ParsedArgs& args) {
  if (!args.command) return "";
  for (const OptionUse& use : args.options) {
    const OptionRow& o = row(use.option);
    if (applies(o, *args.command)) continue;
    std::vector<std::string> takers;
    for (const CommandRow& c : kCommands)
      if (applies(o, c.id)) takers.emplace_back(c.name);
    std::string list;
    for (size_t k = 0; k < takers.size(); ++k) {
      if (k > 0) list += k + 1 == takers.size() ? " and " : ", ";
      list += "'" + takers[k] + "'";
    }
    return "'" + std::string(o.spelling) + "' applies to " + list + " only.";
  }
  return "";
}

std::string_view command_name(Command command) { return row(command).name; }

bool command_takes_many(Command command) { return row(command).many; }

std::string_view option_spelling(Option option) { return row(option).spelling; }

std::string usage_text() {
  std::string out = "usage: hakoc <command> [options] FILE [-- ARGS...]\n\ncommands:\n";
  for (const CommandRow& c : kCommands) out += help_line(std::string(c.name) + " " + std::string(c.operands), c.help);
  out += "\noptions (each command's own: hakoc COMMAND --help):\n";
  for (const OptionRow& o : kOptions) out += help_line(option_left(o), global_help(o));
  return out + "\n" + environment_text();
}

std::string command_help(Command command) {
  const CommandRow& c = row(command);
  std::string out = "usage: hakoc " + std::string(c.name) + " [options] " + std::string(c.operands) + "\n\n";
  out += wrap(std::string(c.help) + ".", 0, kHelpWidth) + "\n\noptions:\n";
  for (const OptionRow& o : kOptions)
    if (applies(o, command) || o.id == Option::Help) out += help_line(option_left(o), o.help);
  if (command == Command::Build) out += "\n" + environment_text();
  return out;
}

}  // namespace hako::driver
