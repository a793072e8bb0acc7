"""DuckDB's regular expressions (RE2) as Spark's (java.util.regex), matching the same text.

The model's text rules (the topics' macros in queries/_macros.sql) are regular
expressions written for DuckDB, which runs them with RE2. Spark runs java.util.regex,
whose syntax is nearly the same but whose meaning differs in a few places. spark_sql.py
rewrites every pattern and replacement of regexp_replace, regexp_extract_all,
regexp_matches and string_split_regex with these two functions, so the rule stays
written once (in DuckDB's dialect) and both engines match the same strings:

- `\\b` / `\\B`: RE2's word boundary is between an ASCII word character
  ([0-9A-Za-z_]) and anything else; Java 17's counts every Unicode letter and digit
  (`é\\bu` differs). Written out as look-arounds on `\\w` (ASCII in Java too).
- `\\s` / `\\S`: RE2's space is [\\t\\n\\f\\r ]; Java's adds the vertical tab. Written
  out as that class.
- `.`, `^`, `$` (with `(?m)`): Java treats \\r, \\u0085, \\u2028 and \\u2029 as line
  ends too; UNIX_LINES `(?d)` leaves only \\n, as RE2.
- `$` without `(?m)`: RE2 matches only at the end of the text; Java also before a final
  line end. Written as `\\z`.
- case-insensitive matching (DuckDB's option 'i', or `(?i)`): RE2 folds Unicode case,
  Java only ASCII unless UNICODE_CASE `(?u)` is on too; the prefix always turns it on
  (it does nothing without `i`).
- inside a class, a bare `[` or `&&` is literal in RE2 and a nested class or an
  intersection in Java: escaped.
- replacements: RE2 writes a group as `\\1` and a backslash as `\\\\`; Java as `$1` and
  `\\\\`, and a bare `$` must be `\\$`.

What is not translated raises ValueError naming the construct (e.g. `\\b` or `\\S` in a
class, POSIX classes `[:alpha:]`, a `(?m)` flag that is not at the start), so a new rule
never runs with another meaning. One difference is left as it is: with `(?m)`, RE2's `^`
also matches at the very end of a text that ends in \\n, Java's does not; a pattern that
needs a character after `^` (all the model's) matches the same.
"""

from __future__ import annotations

import re

from sqlglot import exp

_ASCII_WORD = r"\w"  # [0-9A-Za-z_] in both engines (Java without UNICODE_CHARACTER_CLASS)
_BOUNDARY = rf"(?:(?<={_ASCII_WORD})(?!{_ASCII_WORD})|(?<!{_ASCII_WORD})(?={_ASCII_WORD}))"
_NOT_BOUNDARY = rf"(?:(?<={_ASCII_WORD})(?={_ASCII_WORD})|(?<!{_ASCII_WORD})(?!{_ASCII_WORD}))"
_SPACE = r"\t\n\f\r "  # RE2's \s
_LEADING_FLAGS = re.compile(r"\(\?([a-zA-Z]+)\)")

# DuckDB's regexp options this translation knows (others raise): g = every match
# (regexp_replace), i = without case, c = with case (the default)
OPTIONS = frozenset("gic")


def java_pattern(pattern: str, options: str = "") -> str:
    """The RE2 `pattern` (with DuckDB's regexp `options`) as a Java pattern that matches
    the same strings (module docstring)."""
    unknown = set(options) - OPTIONS
    if unknown:
        raise ValueError(f"regexp option(s) {''.join(sorted(unknown))!r} are not translated")
    flags, body = _leading_flags(pattern)
    multiline = "m" in flags
    if "i" in options and "c" in options:
        raise ValueError("regexp options i and c together are not translated")
    insensitive = "i" in flags or "i" in options
    prefix = "(?d" + ("i" if insensitive else "") + "u" + ("s" if "s" in flags else "")
    prefix += ("m" if multiline else "") + ")"
    return prefix + _rewrite(body, multiline)


def _leading_flags(pattern: str) -> tuple[str, str]:
    flags = ""
    while match := _LEADING_FLAGS.match(pattern):
        if set(match.group(1)) - set("imsU"):
            raise ValueError(f"regexp flags (?{match.group(1)}) are not translated")
        if "U" in match.group(1):
            raise ValueError("regexp flag U (ungreedy) is not translated")
        flags += match.group(1)
        pattern = pattern[match.end() :]
    return flags, pattern


def _rewrite(body: str, multiline: bool) -> str:
    out: list[str] = []
    i, in_class, class_start = 0, False, 0
    while i < len(body):
        char = body[i]
        if char == "\\":
            if i + 1 >= len(body):
                raise ValueError("a regexp ends in a backslash")
            escaped = body[i + 1]
            out.append(_escape(escaped, in_class))
            i += 2
            if escaped in "pP" and i < len(body) and body[i] == "{":  # \p{L}
                end = body.index("}", i)
                out.append(body[i : end + 1])
                i = end + 1
            continue
        if in_class:
            if char == "]" and i > class_start:
                in_class = False
                out.append("]")
            elif char == "]":  # a ']' first in a class is literal in RE2
                out.append(r"\]")
            elif char == "[":
                if body.startswith("[:", i):
                    raise ValueError("POSIX classes ([:alpha:]) are not translated")
                out.append(r"\[")
            elif char == "&" and body.startswith("&&", i):
                out.append(r"&\&")
                i += 1
            else:
                out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append("[")
            i += 1
            if i < len(body) and body[i] == "^":
                out.append("^")
                i += 1
            class_start = i
            continue
        if char == "(" and body.startswith("(?", i):
            match = re.match(r"\(\?([a-zA-Z-]+)[:)]", body[i:])
            if match and ("m" in match.group(1) or "U" in match.group(1)):
                raise ValueError("a regexp flag m or U after the start is not translated")
        if char == "$" and not multiline:
            out.append(r"\z")
        else:
            out.append(char)
        i += 1
    if in_class:
        raise ValueError("a regexp class is not closed")
    return "".join(out)


def _escape(escaped: str, in_class: bool) -> str:
    if escaped == "s":
        return _SPACE if in_class else f"[{_SPACE}]"
    if escaped in "bBS" and in_class:
        raise ValueError(f"\\{escaped} inside a regexp class is not translated")
    if escaped == "S":
        return f"[^{_SPACE}]"
    if escaped == "b":
        return _BOUNDARY
    if escaped == "B":
        return _NOT_BOUNDARY
    if escaped == "C":
        raise ValueError("\\C (any byte) is not translated")
    return "\\" + escaped


def java_replacement(replacement: str) -> str:
    """An RE2 rewrite string (`\\1` a group, `\\\\` a backslash) as Java's (`$1`, `\\\\`,
    `\\$` a dollar)."""
    out: list[str] = []
    i = 0
    while i < len(replacement):
        char = replacement[i]
        if char == "\\":
            if i + 1 >= len(replacement):
                raise ValueError("a regexp replacement ends in a backslash")
            nxt = replacement[i + 1]
            if nxt.isdigit():
                out.append("$" + nxt)
            elif nxt == "\\":
                out.append("\\\\")
            else:
                raise ValueError(f"\\{nxt} in a regexp replacement is not translated")
            i += 2
            continue
        out.append("\\$" if char == "$" else char)
        i += 1
    return "".join(out)


# --- the calls (sqlglot's syntax tree) ---------------------------------------------------


def constant_string(node: exp.Expression) -> str:
    """A string literal, or `||` of string literals (a long pattern written in pieces),
    as its text; ValueError for anything computed."""
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    if isinstance(node, exp.DPipe):
        return constant_string(node.this) + constant_string(node.expression)
    if isinstance(node, exp.Paren):
        return constant_string(node.this)
    raise ValueError(f"a regexp that is not a constant string: {node.sql('duckdb')}")


def _options(node: exp.Expression, key: str) -> str:
    value = node.args.get(key)
    return "" if value is None else constant_string(value)


def spark_call(node: exp.Expression) -> exp.Expression | None:
    """One of DuckDB's regexp functions as Spark's, its pattern (and replacement) in
    Java's syntax with the same meaning; None for any other node.

    - regexp_replace(s, p, r, 'g...') -> regexp_replace(s, p', r'): Spark always
      replaces every match, so DuckDB's first-match-only form (no 'g') raises;
    - regexp_matches(s, p[, opts]) -> s rlike p' (both search anywhere in s);
    - regexp_extract_all(s, p[, group]) -> regexp_extract_all(s, p', group) (group 0
      by default in DuckDB; Spark's default is 1, so it is always written);
    - string_split_regex(s, p) -> split(s, p', -1) (every piece, empty ones too).
    """
    if isinstance(node, exp.RegexpReplace):
        options = _options(node, "modifiers")
        if "g" not in options:
            raise ValueError(
                "regexp_replace without 'g' (the first match only) is not translated: "
                "Spark replaces every match"
            )
        pattern = java_pattern(constant_string(node.expression), options.replace("g", ""))
        replacement = java_replacement(constant_string(node.args["replacement"]))
        return exp.Anonymous(
            this="regexp_replace",
            expressions=[
                node.this.copy(),
                exp.Literal.string(pattern),
                exp.Literal.string(replacement),
            ],
        )
    if isinstance(node, exp.RegexpLike):
        pattern = java_pattern(constant_string(node.expression), _options(node, "flag"))
        return exp.RegexpLike(this=node.this.copy(), expression=exp.Literal.string(pattern))
    if isinstance(node, exp.RegexpExtractAll):
        if node.args.get("parameters") or node.args.get("position") or node.args.get("occurrence"):
            raise ValueError("regexp_extract_all with options is not translated")
        group = node.args.get("group") or exp.Literal.number(0)
        pattern = java_pattern(constant_string(node.expression))
        return exp.Anonymous(
            this="regexp_extract_all",
            expressions=[node.this.copy(), exp.Literal.string(pattern), group.copy()],
        )
    if isinstance(node, exp.RegexpSplit):
        if node.args.get("limit"):
            raise ValueError("string_split_regex with options is not translated")
        pattern = java_pattern(constant_string(node.expression))
        return exp.Anonymous(
            this="split",
            expressions=[node.this.copy(), exp.Literal.string(pattern), exp.Literal.number(-1)],
        )
    return None
