// Spellings shared by the MIR printer, the text parser and the JSON writer,
// kept in one place so that printing and parsing cannot drift apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hako::mir::text {

// Whether `s` is an identifier [A-Za-z_][A-Za-z0-9_]*, printable without quotes.
bool is_ident(std::string_view s);
// Whether `s` is identifiers joined by single dots (a global name: Util.count).
bool is_dotted(std::string_view s);
// Whether `s` is a dotted name, optionally followed by /digits (Main.fib/1).
bool is_function_name(std::string_view s);

// `s` as a double-quoted MIR literal: \n \t \\ \" and \xHH for every other
// control or non-ASCII byte, so the text stays 7-bit and line-oriented.
std::string quote(std::string_view s);
// Appends `s` as a JSON string literal: valid UTF-8 is copied; every other
// byte (MIR strings are byte strings) becomes \u00XX, its Latin-1 reading,
// so the output is valid JSON for every input.
void json_string(std::string& out, std::string_view s);
// `s` unchanged when `plain`, else quoted (names that would not lex back).
std::string name_or_quoted(std::string_view s, bool plain);

// The exact spelling of a double: the shortest digits that read back to the
// same bits (always with '.' or an exponent), or inf, -inf, nan, -nan,
// nan(0xBITS) so that every bit pattern survives a round trip.
std::string float_text(double v);
// Reads a finite decimal spelling written by float_text (digits, '.', an
// exponent); nullopt for anything else, including out-of-range values.
std::optional<double> parse_decimal(std::string_view s);

// The raw bits of a double and back (NaN payloads are part of the value).
uint64_t double_bits(double v);
double double_from_bits(uint64_t bits);

}  // namespace hako::mir::text
