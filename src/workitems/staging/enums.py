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
