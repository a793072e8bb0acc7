"""The model's SQL in Spark's dialect, translated at run time from the DuckDB files.

The rules exist once: queries/model/*.sql and queries/_macros.sql (with the macros
generated from dashboard/core/vocabulary.py). `translate(name, params)` turns one model
query into Spark SQL in three steps, each a small documented transform on sqlglot's
syntax tree:

1. *Macros* (`_expand_macros`): DuckDB macros do not exist in Spark (the macro file
   is split into statements by DuckDB's own tokenizer). A scalar macro
   call (`follower_bucket(x)`, `default_target_s()`) becomes its body with the
   arguments put in; a table macro call in a FROM (`conversation_sums(t, keys)`)
   becomes a subquery of its body, with `query_table(t)` reading `t`. `$params`
   become literals.
2. *Column lists* (`_expand_columns`): DuckDB's `columns(...)` (a lambda over the
   column names, or a regular expression) and `union all by name` need the columns of
   a relation. DuckDB itself says what they are: the expanded query, still DuckDB SQL,
   is described on empty tables of the same schema (`_Schemas`), and each of these
   becomes the explicit list of columns (in the relation's order, as DuckDB would).
3. *Dialect* (`_to_spark`): sqlglot's DuckDB -> Spark generator, plus the functions it
   does not map the way DuckDB runs them:

   - arg_min / arg_max skip rows whose value is null; Spark's min_by / max_by do not:
     they become min_by / max_by ... filter (where value is not null);
     arg_min_null / arg_max_null are exactly min_by / max_by;
   - a row value `(a, b, c)` (a sort key) becomes struct(a, b, c), which Spark orders
     field by field as DuckDB does;
   - epoch(t1 - t0) (seconds of an interval, with microseconds) becomes DuckDB's
     arithmetic on the microseconds between them: whole days * 86400 + the rest / 1e6
     (`_epoch_of_difference`);
   - timezone(tz, instant) (the local wall-clock time in tz) becomes
     from_utc_timestamp(instant, tz): with the session in UTC, its date is the local day;
   - list(x order by k) keeps its order: transform(array_sort(collect_list(struct(k,
     x))), e -> e.x) (sqlglot drops the order);
   - len(list) becomes size(list) (in the model len() is a list's length, length() a
     string's: `_ModelDuckDB`);
   - the topics' text functions (spark_text.py): every regular expression in
     Java's syntax with RE2's meaning (spark_regex.py: word boundaries, spaces, line
     ends, case folding, replacement groups); lower() without Java's special casing
     (İ, final Σ); list_distinct without nulls; a string slice s[:-3] as substring;
     unnest(x) with generate_subscripts(x, 1) as one inline(transform(...)) generator.

   Before all this, an import CTE `x as (select * from x)` is dropped (the same rows;
   Spark, and DuckDB once it is nested, would read the CTE itself).

Everything else (filter clauses, group by all, * exclude as * except, typed empty lists,
listagg within group for string_agg ... order by, explode for unnest, <=>, lambdas,
list_filter / list_contains / ends_with, `||` of lists) is sqlglot's own translation,
which Spark 4 runs. tests/test_spark_engine.py checks every rollup row
against DuckDB's.
"""

from __future__ import annotations

import itertools
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.dialects.duckdb import DuckDB

from dashboard.core.config import Config, load_config
from dashboard.core.schema import TABLES
from dashboard.data import raw, sql
from dashboard.data.rollup import spark_text
from dashboard.data.rollup.spark_text import TranslationError


@dataclass(frozen=True)
class Macro:
    name: str
    params: tuple[str, ...]
    table: bool  # a table macro (`as table select ...`) or a scalar one
    body: exp.Expression


_MACRO = re.compile(
    r"create\s+or\s+replace\s+macro\s+(\w+)\s*\(([^)]*)\)\s+as\s+(table\s+)?(.*)",
    re.IGNORECASE | re.DOTALL,
)


class _ModelDuckDB(DuckDB):
    """DuckDB's dialect as the model writes it: `len(x)` is a list's length (size in
    Spark) and `length(x)` a string's (the model keeps to this; sqlglot reads both as a
    string's length)."""

    class Parser(DuckDB.Parser):
        FUNCTIONS = {**DuckDB.Parser.FUNCTIONS, "LEN": exp.ArraySize.from_arg_list}


def _parse(text: str) -> exp.Expression:
    """The first statement of `text` (DuckDB's statements may end in `;` and comments)."""
    statements = [s for s in sqlglot.parse(text, dialect=_ModelDuckDB) if s is not None]
    return statements[0]


@cache
def macros() -> dict[str, Macro]:
    """Every macro of sql.macros_text(), parsed. DuckDB splits the text into statements
    (its own tokenizer: a `;` or `--` inside a string literal, as in the topics'
    regular expressions, is part of the string)."""
    found: dict[str, Macro] = {}
    for statement in duckdb.extract_statements(sql.macros_text()):
        match = _MACRO.match(statement.query.strip())
        if not match:
            continue
        name, params, table, body = match.groups()
        names = tuple(p.strip() for p in params.split(",") if p.strip())
        text = body.strip() if table else f"select {body.strip()}"
        parsed = _parse(text)
        found[name.lower()] = Macro(
            name.lower(), names, bool(table), parsed if table else parsed.expressions[0]
        )
    return found


# --- 1. macros ---------------------------------------------------------------------------


def _substitute(body: exp.Expression, args: dict[str, exp.Expression]) -> exp.Expression:
    """`body` with every bare reference to a parameter replaced by its argument."""

    def put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name in args:
            value = args[node.name].copy()
            atomic = exp.Column | exp.Literal | exp.Array | exp.Null | exp.Placeholder
            return value if isinstance(value, atomic) else exp.paren(value)
        if (
            isinstance(node, exp.Table)
            and isinstance(node.this, exp.Anonymous)
            and node.this.name.lower() == "query_table"
        ):
            (source,) = node.this.expressions
            target = args[source.name]
            return exp.Table(this=exp.to_identifier(target.name), alias=node.args.get("alias"))
        return node

    return body.copy().transform(put)


def _call_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Func):
        return node.sql_name().lower()
    return None


def _expand_macros(tree: exp.Expression) -> exp.Expression:
    defined = macros()

    def expand(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Anonymous):
            macro = defined.get(node.this.name.lower())
            if macro is not None and macro.table:
                args = dict(zip(macro.params, node.this.expressions, strict=True))
                body = _own_ctes(_expand_macros(_substitute(macro.body, args)), macro.name)
                alias = node.alias or macro.name
                return exp.Subquery(this=body, alias=exp.TableAlias(this=exp.to_identifier(alias)))
        name = _call_name(node)
        macro = defined.get(name) if name else None
        if macro is not None and not macro.table and isinstance(node, exp.Anonymous):
            args = dict(zip(macro.params, node.expressions, strict=True))
            return _expand_macros(_substitute(macro.body, args))
        return node

    return tree.transform(expand)


_EXPANSIONS = itertools.count(1)


def _own_ctes(body: exp.Expression, macro: str) -> exp.Expression:
    """The CTEs of one expansion of a table macro, renamed `<macro>_<n>_<name>`: Spark
    hoists every CTE to the top, where two expansions' `terms` would clash."""
    with_ = body.args.get("with_")
    if not isinstance(with_, exp.With):
        return body
    n = next(_EXPANSIONS)
    names = {cte.alias: f"{macro}_{n}_{cte.alias}" for cte in with_.expressions}
    for cte in with_.expressions:
        cte.set("alias", exp.TableAlias(this=exp.to_identifier(names[cte.alias])))
    for table in body.find_all(exp.Table):
        if not table.args.get("db") and table.name in names:
            table.set("this", exp.to_identifier(names[table.name]))
    return body


def _bind(tree: exp.Expression, params: dict[str, str]) -> exp.Expression:
    def put(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Placeholder) and node.name:
            return exp.Literal.string(params[node.name])
        return node

    return tree.transform(put)


# --- 2. column lists (DuckDB describes the relations) -----------------------------------


class _Schemas:
    """Empty DuckDB tables shaped like the model's inputs (the raw interactions and the
    config tables of raw.raw_connection, data_as_of, and the conversation facts), on
    which a DuckDB form of a query is described to learn its columns."""

    def __init__(self, config: Config) -> None:
        self._empty = tempfile.TemporaryDirectory(prefix="chi-spark-schema-")
        self.con = raw.raw_connection(Path(self._empty.name), config)
        raw.set_as_of(self.con, None)
        self.con.execute(
            "create table conversation_facts as "
            + sql.query_text("conversation_facts")
            + " limit 0"
        )
        self.con.execute(
            "create table conversations as " + sql.query_text("conversations") + " limit 0"
        )

    def columns(self, query: exp.Expression) -> list[str]:
        text = query.sql(dialect="duckdb")
        return [row[0] for row in self.con.execute(f"describe {text}").fetchall()]

    def close(self) -> None:
        self.con.close()
        self._empty.cleanup()


def _scope_ctes(node: exp.Expression) -> list[exp.CTE]:
    """The CTEs visible at `node`: those of every enclosing WITH, outermost first, each
    up to (not including) the CTE `node` sits in."""
    chain: list[exp.CTE] = []
    child, parent = node, node.parent
    while parent is not None:
        with_ = parent.args.get("with_") or parent.args.get("with")
        if isinstance(parent, exp.Query) and isinstance(with_, exp.With):
            ctes = list(with_.expressions)
            inside = next((c for c in ctes if c is child), None)
            if inside is not None:
                ctes = ctes[: ctes.index(inside)]
            chain = [c.copy() for c in ctes] + chain
        child, parent = parent, parent.parent
    return chain


def _from_columns(select: exp.Select, schemas: _Schemas) -> list[str]:
    """The columns of `select`'s FROM (and joins): what DuckDB's `*` there reads."""
    probe = select.copy()
    for part in ("group", "having", "order", "limit", "qualify"):
        probe.set(part, None)
    probe.set("expressions", [exp.Star()])
    return schemas.columns(_with_scope(probe, select))


def _with_scope(query: exp.Query, at: exp.Expression) -> exp.Query:
    ctes = _scope_ctes(at)
    if not ctes:
        return query
    own = query.args.get("with_")
    if own is not None:  # the query's own CTEs come after the outer ones
        ctes = ctes + [c.copy() for c in own.expressions]
    query.set("with_", exp.With(expressions=ctes))
    return query


def _expand_columns(tree: exp.Expression, schemas: _Schemas) -> exp.Expression:
    for select in list(tree.find_all(exp.Select)):
        wanted = [c for c in select.find_all(exp.Columns) if c.parent_select is select]
        if not wanted:
            continue
        names = _from_columns(select, schemas)
        projections = []
        for projection in select.expressions:
            projections.extend(_expand_projection(projection, names))
        select.set("expressions", projections)
    for union in list(tree.find_all(exp.Union)):
        if not union.args.get("by_name"):
            continue
        left_side = union.this.copy()
        own = union.args.get("with_")
        if isinstance(own, exp.With):  # `with ... select ... union all by name select ...`
            left_side.set("with_", own.copy())
        left = schemas.columns(_with_scope(left_side, union))
        right = union.expression
        reordered = exp.select(*[exp.column(c) for c in left]).from_(
            exp.Subquery(this=right.copy(), alias=exp.TableAlias(this=exp.to_identifier("r")))
        )
        union.set("expression", reordered)
        union.set("by_name", None)
    return tree


def _expand_projection(projection: exp.Expression, names: list[str]) -> list[exp.Expression]:
    """A projection holding DuckDB's columns(...) as one projection per matched column."""
    found = list(projection.find_all(exp.Columns))
    if not found:
        return [projection]
    (columns,) = found
    matched = _matching(columns, names)
    out = []
    for name in matched:
        one = projection.copy()
        (inner,) = list(one.find_all(exp.Columns))
        if inner is one:
            out.append(exp.column(name))
            continue
        inner.replace(exp.column(name))
        out.append(exp.alias_(one, name))
    return out


def _matching(columns: exp.Columns, names: list[str]) -> list[str]:
    selector = columns.this
    if isinstance(selector, exp.Literal) and selector.is_string:
        pattern = re.compile(selector.this)
        return [n for n in names if pattern.search(n)]
    if isinstance(selector, exp.Lambda) and isinstance(selector.this, exp.ArrayContains):
        keys = selector.this.this
        if isinstance(keys, exp.Array):
            wanted = {k.this for k in keys.expressions if isinstance(k, exp.Literal)}
            return [n for n in names if n in wanted]
    raise TranslationError(f"cannot translate columns({selector.sql('duckdb')})")


# --- 3. dialect --------------------------------------------------------------------------


def _to_spark(tree: exp.Expression) -> exp.Expression:
    def fix(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.ArgMin | exp.ArgMax):
            by = exp.Anonymous(
                this="min_by" if isinstance(node, exp.ArgMin) else "max_by",
                expressions=[node.this.copy(), node.expression.copy()],
            )
            not_null = exp.not_(exp.Is(this=node.this.copy(), expression=exp.Null()))
            parent = node.parent
            if isinstance(parent, exp.Filter):
                parent.set("expression", exp.Where(this=exp.and_(parent.expression.this, not_null)))
                return by
            return exp.Filter(this=by, expression=exp.Where(this=not_null))
        name = node.name.lower() if isinstance(node, exp.Anonymous) else ""
        if name in ("arg_min_null", "arg_max_null"):
            return exp.Anonymous(
                this="min_by" if name == "arg_min_null" else "max_by",
                expressions=[e.copy() for e in node.expressions],
            )
        if name == "timezone":
            zone, instant = node.expressions
            return exp.Anonymous(
                this="from_utc_timestamp", expressions=[instant.copy(), zone.copy()]
            )
        if isinstance(node, exp.Tuple) and not isinstance(node.parent, exp.In):
            return exp.Anonymous(this="struct", expressions=[e.copy() for e in node.expressions])
        if isinstance(node, exp.TimeToUnix) and isinstance(node.this, exp.Sub):
            return _epoch_of_difference(node.this.this, node.this.expression)
        if isinstance(node, exp.ArrayAgg) and isinstance(node.this, exp.Order):
            return _ordered_list(node.this)
        return node

    return spark_text.text_and_lists(tree.transform(fix))


def _drop_import_ctes(tree: exp.Expression) -> exp.Expression:
    """Without the import CTEs `x as (select * from x)`: the same rows under the same
    name, which Spark (and DuckDB, once nested) would read as a reference to itself."""
    for cte in list(tree.find_all(exp.CTE)):
        if _reads_itself(cte):
            cte.pop()
    for with_ in list(tree.find_all(exp.With)):
        if not with_.expressions:
            with_.pop()
    return tree


def _epoch_of_difference(later: exp.Expression, earlier: exp.Expression) -> exp.Expression:
    """epoch(later - earlier) as DuckDB computes it: the difference is an interval of
    whole days and the microseconds left (both truncated toward zero), and its epoch is
    days * 86400 + micros / 1e6 in double precision (not micros / 1e6: that differs in
    the last bit, e.g. 152092.471 against DuckDB's 152092.47100000002)."""
    micros = sqlglot.parse_one("unix_micros(a) - unix_micros(b)", read="spark")
    micros = micros.transform(
        lambda n: (
            later.copy()
            if isinstance(n, exp.Column) and n.name == "a"
            else earlier.copy()
            if isinstance(n, exp.Column) and n.name == "b"
            else n
        )
    )
    text = f"(d div {_MICROS_PER_DAY}) * 86400 + (d % {_MICROS_PER_DAY}) / 1000000"
    formula = sqlglot.parse_one(text, read="spark")
    return exp.paren(
        formula.transform(
            lambda n: exp.paren(micros.copy()) if isinstance(n, exp.Column) and n.name == "d" else n
        )
    )


_MICROS_PER_DAY = 86_400_000_000


def _reads_itself(cte: exp.CTE) -> bool:
    body = cte.this
    if not isinstance(body, exp.Select) or body.args.get("where") or body.args.get("joins"):
        return False
    source = body.args.get("from_") or body.args.get("from")
    return (
        len(body.expressions) == 1
        and isinstance(body.expressions[0], exp.Star)
        and source is not None
        and isinstance(source.this, exp.Table)
        and source.this.name == cte.alias
    )


def _ordered_list(order: exp.Order) -> exp.Expression:
    """list(x order by k) as transform(array_sort(collect_list(struct(k as k, x as
    v))), e -> e.v): collect_list has no order of its own."""
    keys = [o.this.copy() for o in order.expressions]
    if any(o.args.get("desc") for o in order.expressions):
        raise TranslationError("list(... order by ... desc) is not translated")
    fields = [exp.alias_(k, f"k{i}") for i, k in enumerate(keys)]
    pairs = exp.Anonymous(this="struct", expressions=[*fields, exp.alias_(order.this.copy(), "v")])
    collected = exp.Anonymous(this="collect_list", expressions=[pairs])
    return exp.Anonymous(
        this="transform",
        expressions=[
            exp.Anonymous(this="array_sort", expressions=[collected]),
            exp.Lambda(
                this=exp.Dot(this=exp.column("e"), expression=exp.to_identifier("v")),
                expressions=[exp.to_identifier("e")],
            ),
        ],
    )


# --- the translation --------------------------------------------------------------------


def translate(name: str, params: dict[str, str] | None = None) -> str:
    """The model query `name` in Spark SQL, its `$params` bound to `params` (literals:
    the time zone comes from the validated config, never from a request)."""
    return _translate(name, tuple(sorted((params or {}).items())))


@dataclass(frozen=True)
class Step:
    """One top-level CTE of a translated query, as its own Spark query registered as
    the temporary view `view` (the CTE's name, prefixed: `_<query>_<cte>`). `reused`:
    the steps after it and the final query read it more than once. Spark inlines a
    deterministic CTE at every reference, so a CTE read three times is computed three
    times (the term counts tokenise every message three times); the engine
    materialises a reused step once instead (spark_engine.model_query)."""

    view: str
    sql: str
    reused: bool


def translate_steps(
    name: str, params: dict[str, str] | None = None
) -> tuple[tuple[Step, ...], str]:
    """The model query `name` as its CTEs, in order, and the final query reading them
    (the same rows as translate(name, params): the same SQL, split at the CTEs)."""
    return _translate_steps(name, tuple(sorted((params or {}).items())))


@cache
def _translate_steps(
    name: str, params: tuple[tuple[str, str], ...]
) -> tuple[tuple[Step, ...], str]:
    try:
        tree = _spark_tree(sql.query_text(name), dict(params))
    except TranslationError as exc:
        raise TranslationError(f"query {name!r}: {exc}") from exc
    return split_ctes(tree, f"_{name}_")


def split_ctes(tree: exp.Expression, prefix: str) -> tuple[tuple[Step, ...], str]:
    """A query's top-level CTEs as steps (see Step) and its final query. A query
    without a WITH, or one where a nested CTE has a top-level CTE's name (the
    renaming could then read the wrong one), is one final query without steps."""
    whole = tree.sql(dialect="spark", comments=False)
    with_ = tree.args.get("with_")
    if not isinstance(tree, exp.Query) or not isinstance(with_, exp.With) or with_.recursive:
        return (), whole
    ctes = list(with_.expressions)
    top = {cte.alias for cte in ctes}
    nested = {cte.alias for cte in tree.find_all(exp.CTE) if cte.parent is not with_}
    if top & nested:
        return (), whole
    final = tree.copy()
    final.set("with_", None)
    renamed: dict[str, str] = {}
    bodies: list[tuple[str, exp.Expression]] = []
    for cte in ctes:
        # a CTE's body reads the CTEs before it (a name it shares with a table of the
        # model, as `conversations as (select ... from conversations)`, is the table)
        bodies.append((prefix + cte.alias, _rename_tables(cte.this.copy(), renamed)))
        renamed[cte.alias] = prefix + cte.alias
    final = _rename_tables(final, renamed)
    later = [body for _, body in bodies] + [final]
    steps = []
    for i, (view, body) in enumerate(bodies):
        reads = sum(
            1
            for query in later[i + 1 :]
            for table in query.find_all(exp.Table)
            if not table.args.get("db") and table.name == view
        )
        steps.append(Step(view, body.sql(dialect="spark", comments=False), reads > 1))
    return tuple(steps), final.sql(dialect="spark", comments=False)


def _rename_tables(query: exp.Expression, names: dict[str, str]) -> exp.Expression:
    for table in list(query.find_all(exp.Table)):
        if not table.args.get("db") and table.name in names:
            if not table.alias:  # `messages.brand` still names the renamed view's column
                table.set("alias", exp.TableAlias(this=exp.to_identifier(table.name)))
            table.set("this", exp.to_identifier(names[table.name]))
    return query


@cache
def _translate(name: str, params: tuple[tuple[str, str], ...]) -> str:
    try:
        return translate_sql(sql.query_text(name), dict(params))
    except TranslationError as exc:
        raise TranslationError(f"query {name!r}: {exc}") from exc


def translate_sql(text: str, params: dict[str, str] | None = None) -> str:
    """Any DuckDB query over the model's tables (the raw `interactions`, the config
    tables, `conversation_facts`, `conversations`) in Spark SQL, the same three steps
    as a model query's (the tests translate the topics' macros on their own with it)."""
    return _spark_tree(text, params).sql(dialect="spark", comments=False)


def _spark_tree(text: str, params: dict[str, str] | None) -> exp.Expression:
    tree = _drop_import_ctes(_parse(text))
    tree = _bind(_expand_macros(tree), params or {})
    # the inputs' columns do not depend on the config's values: the built-in one will do
    schemas = _Schemas(load_config())
    try:
        tree = _expand_columns(tree, schemas)
    except duckdb.Error as exc:
        raise TranslationError(str(exc)) from exc
    finally:
        schemas.close()
    return _to_spark(tree)


@cache
def reads(name: str, table: str) -> bool:
    """Whether the model query `name` (its macros expanded) reads `table`."""
    tree = _expand_macros(_drop_import_ctes(_parse(sql.query_text(name))))
    ctes = {cte.alias for cte in tree.find_all(exp.CTE)}
    return any(t.name == table and t.name not in ctes for t in tree.find_all(exp.Table))


def config_tables(config: Config) -> dict[str, str]:
    """Every small table that raw.raw_connection builds from the config
    (channel_targets, resolution_rule, and any a later model query needs), as a Spark
    query of the same rows and types: literals, so no Python worker is needed on a
    cluster's executors. The DuckDB connection itself says which tables and rows."""
    with tempfile.TemporaryDirectory(prefix="chi-spark-config-") as empty:
        con = raw.raw_connection(Path(empty), config)
        try:
            names = [
                r[0]
                for r in con.execute(
                    "select table_name from duckdb_tables() where not temporary order by 1"
                ).fetchall()
            ]
            # not the raw tables (empty here, read from Parquet by the build)
            return {n: _values_query(con, n) for n in names if n not in TABLES}
        finally:
            con.close()


def _values_query(con: duckdb.DuckDBPyConnection, name: str) -> str:
    described = con.execute(f"describe {name}").fetchall()
    columns = [(r[0], exp.DataType.build(r[1], dialect="duckdb")) for r in described]
    rows = con.execute(f"select * from {name}").fetchall()

    def literal(value: object, to: exp.DataType) -> str:
        if value is None:
            node: exp.Expression = exp.Null()
        elif isinstance(value, bool):
            node = exp.Boolean(this=value)
        elif isinstance(value, int | float):
            node = exp.Literal.number(repr(value))
        else:  # strings, dates and times (as ISO text)
            text = value.isoformat() if hasattr(value, "isoformat") else str(value)
            node = exp.Literal.string(text)
        return exp.Cast(this=node, to=to.copy()).sql(dialect="spark")

    names = ", ".join(c for c, _ in columns)
    if not rows:
        nulls = ", ".join(f"{literal(None, t)} as {c}" for c, t in columns)
        return f"select {nulls} limit 0"
    values = ", ".join(
        "(" + ", ".join(literal(v, t) for v, (_, t) in zip(row, columns, strict=True)) + ")"
        for row in rows
    )
    return f"select * from values {values} as t({names})"
