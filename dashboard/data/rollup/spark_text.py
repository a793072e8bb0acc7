"""The topics' text and list functions in Spark SQL (a step of spark_sql.py's
translation, on sqlglot's syntax tree): DuckDB's regexp functions with Java patterns of
the same meaning (spark_regex.py), lower() without Java's special casing,
list_distinct without nulls, string slices, and unnest with positions.
"""

from __future__ import annotations

from sqlglot import exp

from dashboard.data.rollup import spark_regex


class TranslationError(RuntimeError):
    """A model query uses DuckDB SQL the translation does not know (names the query)."""


def text_and_lists(tree: exp.Expression) -> exp.Expression:
    """The topics' text and list functions, bottom-up (a call's arguments are
    translated before the call: the macros nest regexp_replace ten deep)."""
    for node in reversed(list(tree.walk(bfs=False))):
        new = _text_or_list(node)
        if new is not None and new is not node:
            if node is tree:
                tree = new
            else:
                node.replace(new)
    return tree


def _text_or_list(node: exp.Expression) -> exp.Expression | None:
    try:
        call = spark_regex.spark_call(node)
    except ValueError as exc:
        raise TranslationError(str(exc)) from exc
    if call is not None:
        return call
    if isinstance(node, exp.Lower) and not node.meta.get("special_casing"):
        # DuckDB lowers each character on its own; Java (Spark's lower) applies
        # Unicode's special casing: İ -> i + a combining dot, a final Σ -> ς. Those two
        # become DuckDB's i and σ first.
        text = node.this.copy()
        for upper, lower in (("İ", "i"), ("Σ", "σ")):
            text = exp.Anonymous(
                this="replace",
                expressions=[text, exp.Literal.string(upper), exp.Literal.string(lower)],
            )
        lowered = exp.Lower(this=text)
        lowered.meta["special_casing"] = True
        return lowered
    if isinstance(node, exp.ArrayDistinct):
        # DuckDB's list_distinct drops nulls, Spark's array_distinct keeps one
        kept = exp.Lambda(
            this=exp.not_(exp.Is(this=exp.column("v"), expression=exp.Null())),
            expressions=[exp.to_identifier("v")],
        )
        return exp.ArrayDistinct(
            this=exp.Anonymous(this="filter", expressions=[node.this.copy(), kept])
        )
    if isinstance(node, exp.Bracket) and len(node.expressions) == 1:
        (index,) = node.expressions
        if isinstance(index, exp.Slice):
            return _substring(node.this, index)
    if isinstance(node, exp.Select):
        _positions(node)
    return None


def _int(node: exp.Expression | None) -> int | None:
    if node is None:
        return None
    if isinstance(node, exp.Neg):
        value = _int(node.this)
        return None if value is None else -value
    if isinstance(node, exp.Literal) and not node.is_string:
        return int(node.this)
    raise TranslationError(f"a slice bound that is not a whole number: {node.sql('duckdb')}")


def _substring(text: exp.Expression, bounds: exp.Slice) -> exp.Expression:
    """DuckDB's string slice text[a:b] (1-based, both ends included, a negative bound
    counted from the end: -1 is the last character) as Spark's substring. The model
    slices strings only (a list slice would fail Spark's analysis, not run silently)."""
    start, end = _int(bounds.this), _int(bounds.expression)
    if start is not None and start < 1:
        raise TranslationError("a slice from a negative or zero start is not translated")
    first = start or 1
    length = exp.Length(this=text.copy())
    if end is None:
        last: exp.Expression = length
    elif end < 0:
        last = exp.Add(this=length, expression=exp.Literal.number(end + 1))
    else:
        last = exp.Literal.number(end)
    count = exp.Add(
        this=exp.paren(exp.Sub(this=last, expression=exp.Literal.number(first))),
        expression=exp.Literal.number(1),
    )
    return exp.Anonymous(
        this="substring", expressions=[text.copy(), exp.Literal.number(first), count]
    )


def _positions(select: exp.Select) -> None:
    """`unnest(x) as v, generate_subscripts(x, 1) as i` (each element with its 1-based
    place, in one select) as Spark's one generator
    `inline(transform(x, (e, p) -> struct(e as v, p + 1 as i)))`."""
    projections = select.expressions
    for at, projection in enumerate(projections):
        call = projection.this if isinstance(projection, exp.Alias) else None
        if not (isinstance(call, exp.Anonymous) and call.name.lower() == "generate_subscripts"):
            continue
        listed, dimension = call.expressions
        if _int(dimension) != 1:
            raise TranslationError("generate_subscripts beyond the first dimension")
        before = projections[at - 1] if at else None
        if not (
            isinstance(before, exp.Alias)
            and isinstance(before.this, exp.Explode | exp.Unnest)
            and before.this.this == listed
        ):
            raise TranslationError(
                "generate_subscripts(x, 1) must follow unnest(x) in the same select"
            )
        fields = exp.Anonymous(
            this="struct",
            expressions=[
                exp.alias_(exp.column("e"), before.alias),
                exp.alias_(
                    exp.Add(this=exp.column("p"), expression=exp.Literal.number(1)),
                    projection.alias,
                ),
            ],
        )
        pairs = exp.Anonymous(
            this="transform",
            expressions=[
                listed.copy(),
                exp.Lambda(
                    this=fields, expressions=[exp.to_identifier("e"), exp.to_identifier("p")]
                ),
            ],
        )
        generator = exp.Anonymous(this="inline", expressions=[pairs])
        select.set("expressions", [*projections[: at - 1], generator, *projections[at + 1 :]])
        return
