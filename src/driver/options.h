// The hakoc command line as data: the subcommands and options of
// options.def, a parser that reads argv by those rows, and the help texts
// printed from them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hako::driver {

// A subcommand (options.def, HAKO_COMMAND).
enum class Command : uint8_t {
#define HAKO_COMMAND(id, name, operands, many, program, help) id,
#include "driver/options.def"
};

// An option (options.def, HAKO_OPTION).
enum class Option : uint8_t {
#define HAKO_OPTION(id, spelling, form, value, commands, help) id,
#include "driver/options.def"
};

// One option as it appeared on the command line.
struct OptionUse {
  Option option;
  std::string value;  // "" for a Flag
};

// The command line split by options.def, before any option's value is
// interpreted.
struct ParsedArgs {
  std::optional<Command> command;
  std::vector<std::string> operands;      // words after the command, before `--`
  std::vector<std::string> program_args;  // words after `--`
  std::vector<OptionUse> options;         // in command-line order
  bool help = false;                      // --help or -h anywhere
  bool version = false;                   // --version anywhere
};

// Splits argv (argv[0] is skipped) by the rows of options.def. Returns the
// first error as a sentence ("Unknown option '--lek-check'; did you mean
// '--leak-check'?"), or "" when every word was understood.
std::string parse_command_line(int argc, char** argv, ParsedArgs& out);

// The first option of `args` that `args.command` does not take, as an
// error sentence ("'-O2' applies to 'build' only."), or "".
std::string check_options_apply(const ParsedArgs& args);

// The name the user types for `command`.
std::string_view command_name(Command command);

// Whether `command` takes several FILE operands.
bool command_takes_many(Command command);

// The spelling of `option` (`--leak-check`, `-L`).
std::string_view option_spelling(Option option);

// `hakoc --help`: every command and option.
std::string usage_text();

// `hakoc COMMAND --help`: the command, its operands and the options it takes.
std::string command_help(Command command);

}  // namespace hako::driver
