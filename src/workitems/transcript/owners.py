"""Owner resolution: which meeting participant a spoken mention refers to (pure).

A transcript names people in many ways: the speaker label ("Priya", "Speaker 2", "PM"), a
first name ("Priya" for "Priya Raman"), an alias, an email address, or a role ("the
project manager", "our designers"). :class:`Roster` turns the participant list into one
matcher for all of them:

- **Exact** matches on a display name, alias, email or email local part score highest.
- **Part of a name**: the first or last word of a multi-word name ("Priya" for "Priya
  Raman").
- **Roles** match as the whole role, any run of two or more of its words ("user
  interface" for "User Interface Designer"), or its head noun alone ("the manager") when
  only one participant has it. Words match by their stem, so "market expert" finds
  "Marketing Expert" and "design" finds "Designer"; a plural head noun ("the designers")
  names every participant with that role word, which is a group, not one owner.
- **Fuzzy**: a close spelling of a name or alias (ASR misspellings such as "Pria").

Short all-capital labels ("PM", "ID", "ME") match only when written in capitals, because
in lower case they are ordinary words ("me", "id"). One-letter labels never match text.

When several participants fit equally, every one of them is returned, ranked: the caller
reports them as candidates instead of guessing. When nothing fits, nothing is returned.
"""

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Protocol

#: Scores of the kinds of match, best first; ties at the top mean "ambiguous".
EXACT = 1.0
ROLE = 0.95
NAME_PART = 0.9
ROLE_PART = 0.8
FUZZY_FLOOR = 0.84
#: Titles and determiners that precede a mention without changing whom it names.
_LEADING = re.compile(r"^(?:the|our|your|my|mr|mrs|ms|miss|dr|prof)\.?\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:'s|s')$", re.IGNORECASE)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
#: Role words too generic to identify anyone when they stand alone.
_GENERIC_ROLE_WORDS = frozenset({"the", "of", "and", "for", "a", "an", "user", "team", "lead"})


class Participant(Protocol):
    """What the roster needs of a participant (``extract.ParticipantInfo`` provides it)."""

    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str | None: ...

    @property
    def email(self) -> str | None: ...

    @property
    def aliases(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class OwnerMatch:
    name: str
    email: str | None
    score: float


@dataclass(frozen=True)
class Mention:
    """A stretch of text naming one or more participants (several: a group or a tie)."""

    start: int
    end: int
    text: str
    matches: tuple[OwnerMatch, ...]
    plural: bool = False


@dataclass(frozen=True)
class _Entry:
    name: str
    email: str | None
    role_stems: tuple[str, ...]


def _stem(word: str) -> str:
    """A crude prefix stem: enough to equate designer/design, marketing/market."""
    word = word.lower()
    for suffix in ("ing", "er", "ers", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _clean(mention: str) -> str:
    text = " ".join(mention.split())
    text = _LEADING.sub("", text)
    return _TRAILING.sub("", text).strip(" ,.;:!?").lower()


class Roster:
    """The participants of one meeting, ready to match mentions against.

    Built once per transcript: the mention pattern is compiled here so that scanning each
    utterance stays a single regular-expression search.
    """

    def __init__(
        self,
        participants: Sequence[Participant],
        speakers: Iterable[str | None] = (),
        learned: Mapping[str, str] | None = None,
        voices: Mapping[str, str] | None = None,
    ):
        """``learned`` maps first names heard to speaker labels (:func:`learn_names`);
        ``voices`` maps anonymous speaker labels to participants' names
        (:func:`learn_voices`)."""
        self._voices = dict(voices or {})
        self._entries: list[_Entry] = []
        self._exact: dict[str, list[int]] = {}
        self._parts: dict[str, list[int]] = {}
        self._caps: set[str] = set()
        self._labels: dict[str, str] = {}
        seen: set[str] = set()
        for person in participants:
            self._add(person.name, person.email, person.role, person.aliases)
            seen.add(person.name)
        self._head_owners = self._role_heads()
        for speaker in speakers:
            if speaker and speaker not in seen:
                seen.add(speaker)
                self._add_speaker(speaker)
            elif speaker:
                self._labels.setdefault(speaker, speaker)
        for alias, speaker in (learned or {}).items():
            if _clean(alias) in self._exact:
                continue  # a participant's own name or alias: the vote guessed, this knows
            for index, entry in enumerate(self._entries):
                if self._labels.get(entry.name) == speaker:
                    self._exact.setdefault(_clean(alias), []).append(index)
        self._head_owners = self._role_heads()
        self._pattern, self._caps_pattern = self._compile()

    def email_of(self, name: str) -> str | None:
        """The email of the participant with this name or speaker label."""
        matches = self.resolve(name)
        if matches and matches[0].score == EXACT and not is_ambiguous(matches):
            return matches[0].email
        return None

    def voice_of(self, label: str) -> str | None:
        """The participant an anonymous speaker label ("Speaker 2") was found to be."""
        return self._voices.get(label)

    def label_of(self, name: str) -> str:
        """How the transcript labels this participant's turns ("Sam" for "Sam Ortiz")."""
        return self._labels.get(name, name)

    def people(self) -> list[str]:
        """Every participant and speaker, as owners are written (speaker label if any)."""
        return [self.label_of(entry.name) for entry in self._entries]

    def _add_speaker(self, speaker: str) -> None:
        """A speaker label that names a participant ("Sam" for "Sam Ortiz", "PR" for an
        alias) becomes one of their names; an unknown one becomes a participant."""
        voice = self._voices.get(speaker)
        if voice is not None:
            index = next((i for i, e in enumerate(self._entries) if e.name == voice), None)
            if index is not None:
                self._exact.setdefault(_clean(speaker), []).append(index)
                self._labels.setdefault(voice, speaker)
                return
        matches = self.resolve(speaker)
        if matches and matches[0].score >= NAME_PART and not is_ambiguous(matches):
            index = next(i for i, e in enumerate(self._entries) if e.name == matches[0].name)
            self._exact.setdefault(_clean(speaker), []).append(index)
            self._labels.setdefault(matches[0].name, speaker)
            return
        self._add(speaker, None, None, ())
        self._labels[speaker] = speaker

    def _add(self, name: str, email: str | None, role: str | None, aliases: Iterable[str]) -> None:
        index = len(self._entries)
        stems = tuple(_stem(w) for w in _words(role)) if role else ()
        self._entries.append(_Entry(name, email, stems))
        keys = {name, *aliases}
        if email:
            keys |= {email, email.split("@", 1)[0]}
        if role and len(_words(role)) > 1:
            keys.add("".join(w[0] for w in _words(role)).upper())
        for key in keys:
            self._exact.setdefault(_clean(key), []).append(index)
            if key.isupper() and len(key) <= 4:
                self._caps.add(key)
        words = _words(name)
        if len(words) > 1:
            for part in {words[0], words[-1]}:
                if len(part) > 1:
                    self._parts.setdefault(part, []).append(index)

    def _role_heads(self) -> dict[str, list[int]]:
        heads: dict[str, list[int]] = {}
        for index, entry in enumerate(self._entries):
            if entry.role_stems and entry.role_stems[-1] not in _GENERIC_ROLE_WORDS:
                heads.setdefault(entry.role_stems[-1], []).append(index)
        return heads

    def _compile(self) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
        """One case-insensitive pattern for names, aliases and roles, and one
        case-sensitive pattern for short capital labels ("PM" but not "pm")."""
        plain: set[str] = set()
        caps: set[str] = set()
        for key in [*self._exact, *self._parts]:
            if len(key) <= 1:
                continue
            if key.upper() in self._caps:
                caps.add(re.escape(key.upper()))
            else:
                plain.add(re.escape(key).replace(r"\ ", r"\s+"))
        for entry in self._entries:
            plain.update(self._role_variants(entry.role_stems))
        plain_re = (
            re.compile(
                r"(?<![\w'])(?:" + "|".join(sorted(plain, key=len, reverse=True)) + r")(?![\w'])",
                re.IGNORECASE,
            )
            if plain
            else None
        )
        caps_re = (
            re.compile(r"\b(?:" + "|".join(sorted(caps, key=len, reverse=True)) + r")\b")
            if caps
            else None
        )
        return plain_re, caps_re

    def _role_variants(self, stems: tuple[str, ...]) -> set[str]:
        """Runs of two or more role words, plus the head noun alone ("the manager")."""
        variants: set[str] = set()
        for length in range(len(stems), 1, -1):
            for start in range(len(stems) - length + 1):
                run = stems[start : start + length]
                variants.add(r"\s+".join(re.escape(s) + r"[a-z]*" for s in run))
        if stems and stems[-1] not in _GENERIC_ROLE_WORDS and len(stems[-1]) >= 4:
            variants.add(re.escape(stems[-1]) + r"[a-z]*")
        return variants

    def resolve(self, mention: str) -> list[OwnerMatch]:
        """Participants the mention may name, best first; empty when none fits."""
        key = _clean(mention)
        if not key:
            return []
        found: dict[int, float] = {}
        for index in self._exact.get(key, ()):
            found[index] = EXACT
        for index in self._parts.get(key, ()):
            found.setdefault(index, NAME_PART)
        if not found:
            found = self._role_matches(key)
        if not found:
            found = self._fuzzy_matches(key)
        ranked = sorted(found.items(), key=lambda item: (-item[1], item[0]))
        return [
            OwnerMatch(self._entries[i].name, self._entries[i].email, score) for i, score in ranked
        ]

    def _role_matches(self, key: str) -> dict[int, float]:
        stems = [_stem(w) for w in _words(key)]
        if not stems:
            return {}
        found: dict[int, float] = {}
        for index, entry in enumerate(self._entries):
            role = entry.role_stems
            if not role:
                continue
            if stems == list(role):
                found[index] = ROLE
            elif len(stems) >= 2 and _is_run(stems, role):
                found[index] = ROLE_PART
        if found:
            return found
        if len(stems) == 1 and stems[0] in self._head_owners:
            return dict.fromkeys(self._head_owners[stems[0]], ROLE_PART)
        return {}

    def _fuzzy_matches(self, key: str) -> dict[int, float]:
        found: dict[int, float] = {}
        if len(key) < 3:
            return found
        for spelled, indices in [*self._exact.items(), *self._parts.items()]:
            if len(spelled) < 3:
                continue
            ratio = SequenceMatcher(None, key, spelled).ratio()
            if ratio >= FUZZY_FLOOR:
                for index in indices:
                    found[index] = max(found.get(index, 0.0), round(ratio * ROLE_PART, 3))
        return found

    def mentions(self, text: str) -> list[Mention]:
        """Every stretch of ``text`` that names a participant, in order."""
        spans: list[Mention] = []
        for pattern in (self._pattern, self._caps_pattern):
            if pattern is None:
                continue
            for match in pattern.finditer(text):
                matches = self.resolve(match.group())
                if matches:
                    plural = match.group().lower().endswith("s") and len(matches) > 1
                    spans.append(
                        Mention(match.start(), match.end(), match.group(), tuple(matches), plural)
                    )
        spans.sort(key=lambda m: m.start)
        return spans


def _is_run(stems: Sequence[str], role: Sequence[str]) -> bool:
    """Whether ``stems`` occur contiguously in ``role`` (prefix-tolerant per word)."""
    for start in range(len(role) - len(stems) + 1):
        if all(
            role[start + k].startswith(s) or s.startswith(role[start + k])
            for k, s in enumerate(stems)
        ):
            return True
    return False


def is_ambiguous(matches: Sequence[OwnerMatch]) -> bool:
    """Two or more participants fit about equally well: report candidates, not an owner."""
    return len(matches) > 1 and matches[0].score - matches[1].score < 0.05


def _wordset(text: str) -> frozenset[str]:
    """A word list written as one string, so that long lists stay readable."""
    return frozenset(text.split())


#: Capitalised words that open or close sentences without being anyone's name.
_NOT_NAMES = _wordset(
    "I I'm It That This There What Which Who We They He She You Everything Everyone "
    "Everybody Nobody Somebody Someone Anyone Anything Nothing Something Maybe So And But "
    "Then Now Well Okay OK Yes No Yeah Oh Also Where When How Why Or If Because One Each "
    "All Both Either Neither The A An Our Your My His Her Their Its These Those People "
    "Hopefully Probably Perhaps Just Still Actually Basically Obviously Sure Right "
    "Alright Good Great Cool Fine Thanks Thank Sorry Hi Hello Hey Bye Please Excellent "
    "Perfect Exactly Really Wow Um Uh Mm Hmm Ah Ooh Absolutely Definitely Certainly "
    "Indeed True Nice Lovely Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "Today Tomorrow Next First Second Last Here Any Some Many Much More Most Other "
    "Another Again Not Never Always Ok Kay Mm-hmm Uh-huh Whatever Wonderful Brilliant "
    "Awesome Fantastic Agreed Done"
)
_NAME = r"([A-Z][a-z]{2,})"
_OPENERS = r"(?:(?:um|uh|and|so|okay|ok|right|well|alright|yeah|oh|hi|hello|hey|now)\W+)*"
_VOCATIVE_START = re.compile(rf"(?i:^\W*{_OPENERS}){_NAME}\s*(?:,\s*\w|\?)")
_VOCATIVE_END = re.compile(
    rf"(?:,|\b(?i:thanks|thank\s+you(?:\s+very\s+much)?|sorry|you|think|over\s+to))\s+{_NAME}"
    r"\s*[?.!]*\s*$"
)
_LOWER_WORD = re.compile(r"(?<![\w'])[a-z][a-z']+")
_SENTENCE = re.compile(r"(?<=[.?!])\s+")
_INNER_CAPITAL = re.compile(r"[\w,] +([A-Z][a-z]{2,})")
_SELF_INTRO = re.compile(rf"\b(?i:i'm|i\s+am|my\s+name\s+is|my\s+name's|call\s+me)\s+{_NAME}\b")


def learn_names(turns: Sequence[tuple[str | None, str]]) -> dict[str, str]:
    """First names the speakers use for each other, mapped to speaker labels.

    Transcripts label speakers ("Speaker 2", "PM") while people address each other by
    name. A self-introduction ("I'm Sam") is strong evidence that the name is the
    speaker's; a vocative ("Sam, can you ...?", "... thanks, Sam") is weaker evidence that
    it is the next other speaker's, and certain evidence that it is not the addresser's.
    A name goes to the speaker with the most votes, when that is unambiguous. Only words
    never written in lower case, and capitalised inside a sentence somewhere, count as
    names.
    """
    votes: dict[str, dict[str, int]] = {}
    never: dict[str, set[str]] = {}
    joined = "\n".join(text for _, text in turns)
    common = set(_LOWER_WORD.findall(joined))
    proper = set(_INNER_CAPITAL.findall(joined)) - _NOT_NAMES
    for i, (speaker, text) in enumerate(turns):
        if not speaker:
            continue
        for match in _SELF_INTRO.finditer(text):
            if match.group(1).lower() not in common:
                _vote(votes, match.group(1), speaker, 3)
        for vocative in _vocatives(text):
            name = vocative.group(1)
            if name in _NOT_NAMES or name.lower() in common or name not in proper:
                continue
            never.setdefault(name, set()).add(speaker)
            reply = next((s for s, _ in turns[i + 1 : i + 3] if s and s != speaker), None)
            if reply is not None:
                _vote(votes, name, reply, 1)
    return _assign(votes, never)


def _vocatives(text: str) -> Iterator[re.Match[str]]:
    """Names said to someone: at the start of a sentence or at the end of the turn."""
    for sentence in _SENTENCE.split(text):
        found = _VOCATIVE_START.search(sentence)
        if found is not None:
            yield found
    found = _VOCATIVE_END.search(text)
    if found is not None:
        yield found


def _vote(votes: dict[str, dict[str, int]], name: str, speaker: str, weight: int) -> None:
    if name not in _NOT_NAMES:
        tally = votes.setdefault(name, {})
        tally[speaker] = tally.get(speaker, 0) + weight


def _assign(votes: dict[str, dict[str, int]], never: dict[str, set[str]]) -> dict[str, str]:
    learned: dict[str, str] = {}
    ranked = []
    for name, tally in votes.items():
        options = sorted(
            ((n, s) for s, n in tally.items() if s not in never.get(name, set())), reverse=True
        )
        if options and (len(options) == 1 or options[0][0] > options[1][0]):
            ranked.append((options[0][0], name, options[0][1]))
    taken: set[str] = set()
    for _count, name, speaker in sorted(ranked, reverse=True):
        if speaker not in taken and name != speaker:
            learned[name] = speaker
            taken.add(speaker)
    return learned


_THANKS = re.compile(
    r"(?i)^\W*(?:(?:ok|okay|great|perfect|brilliant|lovely|cool|yeah|yes|right|um|uh)\W+)*"
    r"(?:thanks|thank\s+you|cheers|ta|bye|goodbye|see\s+you|night)\W*$"
)
_INTRO_BEFORE = re.compile(r"(?:\bi'm|\bi\s+am|\bthis\s+is|\bmy\s+name\s+is|\bit's)\s*$", re.I)
_INTRO_AFTER = re.compile(r"^\s*(?:here\b|speaking\b)", re.I)
_GENERIC_LABEL = re.compile(r"(?i)^(?:speaker|spk|participant|guest|unknown|person)[\s_-]*\w{0,3}$")


def is_anonymous(label: str) -> bool:
    """ "Speaker 1", "SPEAKER_00", "spk2": a diarization label, not a name."""
    return bool(_GENERIC_LABEL.match(label.strip()))


def learn_voices(
    turns: Sequence[tuple[str | None, str]], participants: Sequence[Participant]
) -> dict[str, str]:
    """Anonymous speaker labels ("Speaker 2", "SPEAKER_01") mapped to participants.

    Raw ASR labels speakers by number while people say each other's names, often in lower
    case. A participant's name said by a speaker ("thanks tunde", "over to you, Gwen") is
    not that speaker, and is evidence for the speaker who answers next (and, at the start
    of a turn, for the one just answered; after "thanks" or "bye", only for the one just
    answered); "I'm Gwen" or "Gwen here" is strong evidence for the speaker. Each label goes
    to the participant with the most evidence, one to one.
    """
    labels = {speaker for speaker, _ in turns if speaker and is_anonymous(speaker)}
    if not labels or not participants:
        return {}
    roster = Roster(participants)
    votes: dict[tuple[str, str], float] = {}
    never: set[tuple[str, str]] = set()
    for i, (speaker, text) in enumerate(turns):
        for mention in roster.mentions(text):
            if mention.plural or len(mention.matches) != 1 or mention.matches[0].score < NAME_PART:
                continue
            name = mention.matches[0].name
            if speaker and (
                _INTRO_BEFORE.search(text[: mention.start])
                or _INTRO_AFTER.match(text[mention.end :])
            ):
                votes[(speaker, name)] = votes.get((speaker, name), 0.0) + 3
                continue
            if speaker:
                never.add((speaker, name))
            if _THANKS.match(text[: mention.start]):
                # "thanks tanya": said back to whoever just took something on.
                before = next(
                    (s for s, _ in reversed(turns[max(0, i - 2) : i]) if s and s != speaker), None
                )
                if before is not None:
                    votes[(before, name)] = votes.get((before, name), 0.0) + 1.5
                continue
            after = next((s for s, _ in turns[i + 1 : i + 3] if s and s != speaker), None)
            if after is not None:
                votes[(after, name)] = votes.get((after, name), 0.0) + 1
            if mention.start <= 12:
                before = next(
                    (s for s, _ in reversed(turns[max(0, i - 2) : i]) if s and s != speaker), None
                )
                if before is not None:
                    votes[(before, name)] = votes.get((before, name), 0.0) + 0.5
    ranked = sorted(
        (
            (v, label, name)
            for (label, name), v in votes.items()
            if label in labels and (label, name) not in never
        ),
        key=lambda item: (-item[0], item[1], item[2]),
    )
    found: dict[str, str] = {}
    taken: set[str] = set()
    for value, label, name in ranked:
        if label not in found and name not in taken and value >= 1:
            found[label] = name
            taken.add(name)
    return found


def build_roster(
    turns: Sequence[tuple[str | None, str]], participants: Sequence[Participant]
) -> Roster:
    """The roster of one transcript: participants, speaker labels, the first names the
    speakers use for each other, and who the anonymous speaker labels are."""
    return Roster(
        participants,
        (speaker for speaker, _ in turns),
        learn_names(turns),
        learn_voices(turns, participants),
    )
