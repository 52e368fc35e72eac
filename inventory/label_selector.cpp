#include "inventory/label_selector.hpp"

#include "inventory/label_syntax.hpp"

#include <algorithm>
#include <charconv>

namespace breakglass::inventory {

namespace {

// Tokens as apimachinery's lexer makes them: runs of anything but whitespace and the special
// characters are identifiers ("in" and "notin" are identifiers that the parser reads as
// operators only where an operator is expected).
enum class Token {
    identifier,
    exists_not,
    equals,
    double_equals,
    not_equals,
    greater,
    less,
    open,
    close,
    comma,
    end
};

struct Lexeme {
    Token token = Token::end;
    std::string_view text;
    std::size_t column = 0; // 1-based
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_special(char c) {
    return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<';
}

std::vector<Lexeme> lex(std::string_view text) {
    std::vector<Lexeme> lexemes;
    std::size_t at = 0;
    while (true) {
        while (at < text.size() && is_space(text[at])) {
            ++at;
        }
        if (at == text.size()) {
            lexemes.push_back({Token::end, "end of string", at + 1});
            return lexemes;
        }
        const std::size_t start = at;
        const auto emit = [&](Token token, std::size_t length) {
            lexemes.push_back({token, text.substr(start, length), start + 1});
            at = start + length;
        };
        const char c = text[at];
        const char next = at + 1 < text.size() ? text[at + 1] : '\0';
        if (c == '=' && next == '=') {
            emit(Token::double_equals, 2);
        } else if (c == '!' && next == '=') {
            emit(Token::not_equals, 2);
        } else if (c == '=') {
            emit(Token::equals, 1);
        } else if (c == '!') {
            emit(Token::exists_not, 1);
        } else if (c == '(') {
            emit(Token::open, 1);
        } else if (c == ')') {
            emit(Token::close, 1);
        } else if (c == ',') {
            emit(Token::comma, 1);
        } else if (c == '>') {
            emit(Token::greater, 1);
        } else if (c == '<') {
            emit(Token::less, 1);
        } else {
            while (at < text.size() && !is_space(text[at]) && !is_special(text[at])) {
                ++at;
            }
            lexemes.push_back({Token::identifier, text.substr(start, at - start), start + 1});
        }
    }
}

class Parser {
public:
    explicit Parser(std::string_view text) : m_lexemes(lex(text)) {}

    tl::expected<std::vector<Requirement>, SelectorError> parse() {
        std::vector<Requirement> requirements;
        while (true) {
            const Lexeme& first = peek();
            if (first.token == Token::end) {
                return requirements;
            }
            if (first.token != Token::identifier && first.token != Token::exists_not) {
                return error(first, "expected '!', a label key or the end");
            }
            auto requirement = parse_requirement();
            if (!requirement) {
                return tl::unexpected(requirement.error());
            }
            requirements.push_back(std::move(*requirement));
            const Lexeme& after = take();
            if (after.token == Token::end) {
                return requirements;
            }
            if (after.token != Token::comma) {
                return error(after, "expected ',' or the end");
            }
            const Lexeme& next = peek();
            if (next.token != Token::identifier && next.token != Token::exists_not) {
                return error(next, "expected a label key after ','");
            }
        }
    }

private:
    const Lexeme& peek() const { return m_lexemes[m_at]; }
    const Lexeme& take() {
        const Lexeme& lexeme = m_lexemes[m_at];
        if (lexeme.token != Token::end) {
            ++m_at;
        }
        return lexeme;
    }

    static tl::unexpected<SelectorError> error(const Lexeme& at, const std::string& expected) {
        return tl::unexpected(
            SelectorError{"found '" + std::string(at.text) + "', " + expected, at.column});
    }
    static tl::unexpected<SelectorError> invalid(const Lexeme& at, const std::string& problem) {
        return tl::unexpected(SelectorError{problem, at.column});
    }

    tl::expected<Requirement, SelectorError> parse_requirement() {
        Requirement requirement;
        bool negated = false;
        if (peek().token == Token::exists_not) {
            take();
            negated = true;
        }
        const Lexeme& key = take();
        if (key.token != Token::identifier) {
            return error(key, "expected a label key");
        }
        if (auto problem = label_key_problem(key.text)) {
            return invalid(key, *problem);
        }
        requirement.key = std::string(key.text);
        const Token next = peek().token;
        if (negated || next == Token::end || next == Token::comma) {
            // `!key` followed by an operator is left for the caller, which reports the operator
            // as unexpected, as kubectl does.
            requirement.op = negated ? Requirement::Op::not_exists : Requirement::Op::exists;
            return requirement;
        }
        const Lexeme& op = take();
        switch (op.token) {
        case Token::equals:
        case Token::double_equals:
            requirement.op = Requirement::Op::equals;
            break;
        case Token::not_equals:
            requirement.op = Requirement::Op::not_equals;
            break;
        case Token::greater:
            requirement.op = Requirement::Op::greater;
            break;
        case Token::less:
            requirement.op = Requirement::Op::less;
            break;
        case Token::identifier:
            if (op.text == "in") {
                requirement.op = Requirement::Op::in;
                break;
            }
            if (op.text == "notin") {
                requirement.op = Requirement::Op::not_in;
                break;
            }
            [[fallthrough]];
        default:
            return error(op, "expected one of =, ==, !=, in, notin, >, <");
        }
        auto values =
            requirement.op == Requirement::Op::in || requirement.op == Requirement::Op::not_in
                ? parse_set()
                : parse_exact();
        if (!values) {
            return tl::unexpected(values.error());
        }
        std::sort(values->begin(), values->end());
        values->erase(std::unique(values->begin(), values->end()), values->end());
        requirement.values = std::move(*values);
        if (requirement.op == Requirement::Op::greater || requirement.op == Requirement::Op::less) {
            std::int64_t number = 0;
            const std::string& text = requirement.values.front();
            auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), number);
            if (failure != std::errc{} || end != text.data() + text.size()) {
                return invalid(m_lexemes[m_at - 1], "'" + text + "' is not an integer, as " +
                                                        std::string(op.text) + " requires");
            }
        }
        return requirement;
    }

    tl::expected<std::vector<std::string>, SelectorError> checked(const Lexeme& value) {
        if (auto problem = label_value_problem(value.text)) {
            return invalid(value, *problem);
        }
        return std::vector<std::string>{std::string(value.text)};
    }

    // After =, ==, !=, >, <: a value, or nothing (the empty value) before ',' or the end.
    tl::expected<std::vector<std::string>, SelectorError> parse_exact() {
        const Lexeme& value = peek();
        if (value.token == Token::end || value.token == Token::comma) {
            return std::vector<std::string>{""};
        }
        take();
        if (value.token != Token::identifier) {
            return error(value, "expected a label value");
        }
        return checked(value);
    }

    // `(a, b)`; as in apimachinery, `()` and empty slots like `(a,)` stand for the empty value.
    tl::expected<std::vector<std::string>, SelectorError> parse_set() {
        const Lexeme& open = take();
        if (open.token != Token::open) {
            return error(open, "expected '('");
        }
        std::vector<std::string> values;
        bool want_value = true;
        while (true) {
            const Lexeme& lexeme = take();
            if (lexeme.token == Token::close) {
                if (want_value) {
                    values.emplace_back();
                }
                return values;
            }
            if (lexeme.token == Token::comma) {
                if (want_value) {
                    values.emplace_back();
                }
                want_value = true;
                continue;
            }
            if (lexeme.token == Token::identifier && want_value) {
                auto value = checked(lexeme);
                if (!value) {
                    return tl::unexpected(value.error());
                }
                values.push_back(std::move(value->front()));
                want_value = false;
                continue;
            }
            return error(lexeme,
                         want_value ? "expected a label value, ',' or ')'" : "expected ',' or ')'");
        }
    }

    std::vector<Lexeme> m_lexemes;
    std::size_t m_at = 0;
};

std::optional<std::int64_t> as_integer(std::string_view text) {
    std::int64_t number = 0;
    auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (failure != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return number;
}

} // namespace

tl::expected<LabelSelector, SelectorError> LabelSelector::parse(std::string_view text) {
    auto requirements = Parser(text).parse();
    if (!requirements) {
        return tl::unexpected(requirements.error());
    }
    LabelSelector selector;
    selector.m_requirements = std::move(*requirements);
    return selector;
}

CompiledSelector::CompiledSelector(const LabelSelector& selector, const Inventory& inventory) {
    for (const Requirement& requirement : selector.requirements()) {
        Bound bound;
        bound.key = inventory.label_keys.find(requirement.key);
        bound.op = requirement.op;
        bound.inventory = &inventory;
        for (const std::string& value : requirement.values) {
            if (auto id = inventory.label_values.find(value)) {
                bound.values.push_back(*id);
            }
        }
        std::sort(bound.values.begin(), bound.values.end());
        if (!requirement.values.empty()) {
            bound.number = as_integer(requirement.values.front()).value_or(0);
        }
        m_bound.push_back(std::move(bound));
    }
}

bool CompiledSelector::matches(const Node& node) const {
    for (const Bound& bound : m_bound) {
        const std::optional<std::uint32_t> value =
            bound.key ? find_label(node, *bound.key) : std::nullopt;
        const auto listed = [&] {
            return std::binary_search(bound.values.begin(), bound.values.end(), *value);
        };
        bool ok = false;
        switch (bound.op) {
        case Requirement::Op::exists:
            ok = value.has_value();
            break;
        case Requirement::Op::not_exists:
            ok = !value.has_value();
            break;
        case Requirement::Op::equals:
        case Requirement::Op::in:
            ok = value.has_value() && listed();
            break;
        case Requirement::Op::not_equals:
        case Requirement::Op::not_in:
            ok = !value.has_value() || !listed();
            break;
        case Requirement::Op::greater:
        case Requirement::Op::less: {
            auto have =
                value ? as_integer(bound.inventory->label_values.view(*value)) : std::nullopt;
            ok = have && (bound.op == Requirement::Op::greater ? *have > bound.number
                                                               : *have < bound.number);
            break;
        }
        }
        if (!ok) {
            return false;
        }
    }
    return true;
}

} // namespace breakglass::inventory
