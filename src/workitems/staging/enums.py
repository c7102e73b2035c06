from enum import StrEnum


class ReviewState(StrEnum):
    staged = "staged"
    approved = "approved"
    rejected = "rejected"
    duplicate = "duplicate"
    snoozed = "snoozed"


class CandidateSource(StrEnum):
    manual = "manual"
    bulk = "bulk"
    import_ = "import"
    transcript = "transcript"


class ReviewAction(StrEnum):
    approve = "approve"
    reject = "reject"


class Commitment(StrEnum):
    """How firmly the work was promised when it was said."""

    firm = "firm"
    tentative = "tentative"
    suggestion = "suggestion"


class StageOutcome(StrEnum):
    """What became of one item of a bulk stage."""

    created = "created"
    invalid = "invalid"
    #: Valid, but not staged because another item was invalid (``atomic=true``).
    skipped = "skipped"
