"""The search language parser: what each term means, and where a bad one is reported."""

import pytest

from workitems.search.query import Field, Op, QuerySyntaxError, TextTerm, parse


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("billing", [TextTerm("billing", 0)]),
        ("deploy billing", [TextTerm("deploy", 0), TextTerm("billing", 7)]),
        ('"exact phrase"', [TextTerm("exact phrase", 0, phrase=True)]),
        ('-"old plan"', [TextTerm("old plan", 0, negated=True, phrase=True)]),
        ("-legacy", [TextTerm("legacy", 0, negated=True)]),
        ("bill*", [TextTerm("bill", 0, prefix=True)]),
        ("follow-up", [TextTerm("follow up", 0, phrase=True)]),
        ("don't", [TextTerm("don't", 0)]),
        ("-", []),
        ("   ", []),
        ("10:30", [TextTerm("10 30", 0, phrase=True)]),
    ],
)
def test_text_terms(q: str, expected: list[TextTerm]) -> None:
    parsed = parse(q)
    assert parsed.text == expected
    assert parsed.filters == []


@pytest.mark.parametrize(
    ("q", "field", "op", "values", "negated"),
    [
        ("status:pending,in_progress", Field.status, Op.eq, ("pending", "in_progress"), False),
        ("priority:>=high", Field.priority, Op.ge, ("high",), False),
        ("priority:<medium", Field.priority, Op.lt, ("medium",), False),
        ("assignee:me", Field.assignee, Op.eq, ("me",), False),
        ("owner:Ana@Example.com", Field.assignee, Op.eq, ("ana@example.com",), False),
        ("-assignee:none", Field.assignee, Op.eq, ("none",), True),
        ('label:"needs review"', Field.label, Op.eq, ("needs review",), False),
        ("due:<2026-12-01", Field.due, Op.lt, ("2026-12-01",), False),
        ("due:<=7d", Field.due, Op.le, ("7d",), False),
        ("due:none", Field.due, Op.eq, ("none",), False),
        ("overdue:true", Field.overdue, Op.eq, ("true",), False),
        ("updated:<30d", Field.updated, Op.lt, ("30d",), False),
        ("created:>2026-01-01", Field.created, Op.gt, ("2026-01-01",), False),
        ("source:transcript", Field.source, Op.eq, ("transcript",), False),
        ("IS:Closed", Field.is_, Op.eq, ("closed",), False),
    ],
)
def test_filters(q: str, field: Field, op: Op, values: tuple[str, ...], negated: bool) -> None:
    (found,) = parse(q).filters
    assert (found.field, found.op, found.values, found.negated) == (field, op, values, negated)


def test_mixed_query_keeps_positions() -> None:
    parsed = parse('invoice status:pending "net 30" -draft')
    assert [t.position for t in parsed.text] == [0, 23, 32]
    assert parsed.filters[0].position == 8


@pytest.mark.parametrize(
    ("q", "term", "position"),
    [
        ("stauts:pending", "stauts:pending", 0),
        ("billing status:done", "status:done", 8),
        ("priority:>=critical", "priority:>=critical", 0),
        ("label:", "label:", 0),
        ("status:>pending", "status:>pending", 0),
        ("due:<soon", "due:<soon", 0),
        ("updated:<30x", "updated:<30x", 0),
        ("overdue:maybe", "overdue:maybe", 0),
        ("source:email", "source:email", 0),
        ("is:stale", "is:stale", 0),
        ("priority:<high,low", "priority:<high,low", 0),
        ('deploy "unclosed phrase', '"unclosed phrase', 7),
        ('"a"b', '"a"b', 0),
    ],
)
def test_malformed_terms_name_the_term_and_position(q: str, term: str, position: int) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        parse(q)
    assert caught.value.extensions == {"term": term, "position": position}
    assert f"at position {position}" in caught.value.detail
    assert caught.value.field == "q"


@pytest.mark.parametrize(
    ("q", "names_closed"),
    [
        ("billing", False),
        ("status:completed", True),
        ("-status:pending", True),
        ("is:closed", True),
        ("is:all", True),
        ("is:overdue", False),
        ("is:unassigned", False),
    ],
)
def test_which_queries_widen_the_status_scope(q: str, names_closed: bool) -> None:
    assert parse(q).names_closed_work() is names_closed
