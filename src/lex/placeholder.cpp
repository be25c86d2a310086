// placeholder until the lexer lands
namespace hako::lex {}
