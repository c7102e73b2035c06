"""Likely-duplicate detection: fuzzy title matching without a quadratic scan.

Scoring every candidate against every open task costs N x M comparisons; at 100,000 open
tasks that is far too slow for a review page. Instead an inverted index maps each
distinctive word to the items containing it; a candidate is compared (with rapidfuzz) only
with the few items that share its rarest words. The task index lives per process and is
refreshed incrementally by database-assigned change marks; it is advisory, so every
reported match is re-read and re-scored from the database before it is shown.
"""

import re
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

#: Matches scoring at least this (0-100) are reported.
THRESHOLD = 82.0
#: How many index hits per candidate are scored with rapidfuzz.
SHORTLIST = 30
#: Words in more than this share of items say little about identity and are not indexed.
MAX_DOCUMENT_SHARE = 0.05

STOPWORDS = frozenset(
    """
    a an and are as at be by for from has have i in into is it its of on or our so that the
    their them then this to up us we will with you your me my all any some please need needs
    """.split()  # noqa: SIM905 (a word list reads better as prose)
)
_WORD = re.compile(r"[a-z0-9]+")


def normalize(text: str) -> str:
    return " ".join(words(text))


def words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def similarity(a: str, b: str) -> float:
    """0-100: order-insensitive, and a title contained in another scores high only when it
    has at least three meaningful words (so "Send deck" does not match everything)."""
    sort_score = fuzz.token_sort_ratio(a, b)
    if min(len(a.split()), len(b.split())) >= 3:
        return max(sort_score, 0.95 * fuzz.token_set_ratio(a, b))
    return float(sort_score)


@dataclass
class TitleIndex:
    """An inverted index from words to item ids, with each item's normalized title."""

    titles: dict[int, str] = field(default_factory=dict)
    postings: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))

    def add(self, item_id: int, title: str) -> None:
        self.remove(item_id)
        normalized = normalize(title)
        self.titles[item_id] = normalized
        for word in set(normalized.split()):
            self.postings[word].add(item_id)

    def remove(self, item_id: int) -> None:
        old = self.titles.pop(item_id, None)
        if old is not None:
            for word in set(old.split()):
                self.postings[word].discard(item_id)

    def matches(
        self, title: str, *, exclude: int | None = None, limit: int = 3
    ) -> list[tuple[int, float]]:
        """``(item_id, score)`` of the best matches above ``THRESHOLD``, best first."""
        query = normalize(title)
        if not query:
            return []
        max_postings = max(50, int(len(self.titles) * MAX_DOCUMENT_SHARE))
        hits: Counter[int] = Counter()
        ranked = sorted(set(query.split()), key=lambda w: len(self.postings.get(w, ())))
        for position, word in enumerate(ranked):
            posting = self.postings.get(word)
            # Common words are skipped, except the two rarest: a title made only of common
            # words must still find its twins.
            if not posting or (position >= 2 and len(posting) > max_postings):
                continue
            hits.update(posting)  # counted in C: postings can hold thousands of ids
        if exclude is not None:
            hits.pop(exclude, None)
        shortlist = [item_id for item_id, _ in hits.most_common(SHORTLIST)]
        scored = [(item_id, similarity(query, self.titles[item_id])) for item_id in shortlist]
        good = [(item_id, score) for item_id, score in scored if score >= THRESHOLD]
        good.sort(key=lambda pair: (-pair[1], pair[0]))
        return good[:limit]


@dataclass
class TaskTitleCache:
    """The open-task index of one process, caught up from the tasks changed since last time.

    Changes are found by their database-assigned mark (``task/repository.title_changes``),
    never by a clock. ``watermark`` is where the next read starts: below it every change had
    committed when it was last read. Rows read at or above it might still roll back (on
    PostgreSQL a transaction's own, on SQLite anything past the last commit), and a rolled
    back update leaves the row with its older mark, so those ids are read again by id until
    a read finds them settled.
    """

    index: TitleIndex = field(default_factory=TitleIndex)
    watermark: int | None = None
    unsettled: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    built_at: float = field(default_factory=time.monotonic)

    #: A safety net: rows deleted outright leave no mark (matches are re-checked against
    #: the database before use, so they are never shown), and a full rebuild drops them.
    REBUILD_SECONDS = 1800.0

    def stale(self) -> bool:
        return time.monotonic() - self.built_at > self.REBUILD_SECONDS

    def reset(self) -> None:
        self.index = TitleIndex()
        self.watermark = None
        self.unsettled = set()
        self.built_at = time.monotonic()

    def apply(
        self,
        rows: Iterable[tuple[int, str, bool, int | None]],
        *,
        settled_below: int | None,
        gone: Iterable[int] = (),
    ) -> None:
        """``(task_id, title, is_open, mark)`` rows read since the watermark, and the ids of
        rows that no longer exist. ``settled_below`` becomes the next watermark; ``None``
        (nothing known about commits) keeps the watermark and leaves every row unsettled."""
        for task_id, title, is_open, mark in rows:
            if is_open:
                self.index.add(task_id, title)
            else:
                self.index.remove(task_id)
            if mark is not None and (settled_below is None or mark >= settled_below):
                self.unsettled.add(task_id)
            else:
                self.unsettled.discard(task_id)
        for task_id in gone:
            self.index.remove(task_id)
            self.unsettled.discard(task_id)
        if settled_below is not None:
            self.watermark = settled_below


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
