"""What is wrong with a mutation's line of authority, in Dutch (ADR 0022).

The audit query (projections.queries.authority.chain) names each problem in English, as the
API and the CLI give it. A page says it in Dutch; a message this module does not know is
shown as the query gave it, so a new problem is never hidden, only untranslated.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# The ledger's words for a status, a kind of decision and a kind of change, in Dutch.
STATUS = {
    "proposed": "voorgesteld",
    "adopted": "vastgesteld",
    "rejected": "verworpen",
    "withdrawn": "ingetrokken",
    "not known": "niet bekend",
}
KINDS = {"mandate": "mandaat"}  # every other kind of decision is already its Dutch name
MUTATION_KINDS = {
    "establish": "vaststellen",
    "amend": "wijzigen",
    "transfer": "overboeken",
    "carry-over": "overhevelen",
    "reserve": "reservemutatie",
    "taakstelling": "taakstelling",
    "close-year": "jaar sluiten",
    "reopen-year": "jaar heropenen",
}
_CHANGES = {"a change between funds": "een wijziging tussen fondsen"}
_VIA = {
    "transfer": "overboeking",
    "carry-over": "overheveling",
    "reserve-onttrekking": "onttrekking uit een reserve",
}

_ADOPTED_ONLY = "only through an adopted decision"
Say = Callable[[re.Match[str]], str]
_SAYINGS: tuple[tuple[str, Say], ...] = (
    (
        rf"decision ('.*') is not in the read model: a change takes effect {_ADOPTED_ONLY}",
        lambda m: (
            f"besluit {m[1]} staat niet in het leesmodel: een wijziging werkt alleen "
            "door een vastgesteld besluit"
        ),
    ),
    (
        rf"no decision: a change takes effect {_ADOPTED_ONLY}",
        lambda m: "geen besluit: een wijziging werkt alleen door een vastgesteld besluit",
    ),
    (
        r"decision ('.*') is not known as of this basis",
        lambda m: f"besluit {m[1]} is op deze peildatum niet bekend",
    ),
    (
        r"decision ('.*') is (proposed|rejected|withdrawn) as of this basis",
        lambda m: f"besluit {m[1]} is op deze peildatum {STATUS[m[2]]}",
    ),
    (
        r"decision ('.*') was adopted only after this change",
        lambda m: f"besluit {m[1]} is pas na deze wijziging vastgesteld",
    ),
    (
        r"a (\w+) \(('.*')\) does not itself authorise a change",
        lambda m: f"een {KINDS.get(m[1], m[1])} ({m[2]}) autoriseert zelf geen wijziging",
    ),
    (
        r"(a change between funds) needs a decision of the raad",
        lambda m: f"{_CHANGES[m[1]]} vraagt een besluit van de raad",
    ),
    (
        r"college decision ('.*') relies on no mandate of the raad",
        lambda m: f"collegebesluit {m[1]} steunt op geen mandaat van de raad",
    ),
    (
        r"('.*') is not a mandate of the raad",
        lambda m: f"{m[1]} is geen mandaat van de raad",
    ),
    (
        r"mandate ('.*') is not adopted by the raad \((adopted|proposed|rejected|withdrawn|"
        r"not known) as of this basis(, adopted only after this change)?\)",
        lambda m: (
            f"mandaat {m[1]} is niet door de raad vastgesteld (op deze peildatum "
            + ("pas na deze wijziging vastgesteld)" if m[3] else f"{STATUS[m[2]]})")
        ),
    ),
    (
        r"mandate ('.*') does not cover a ([\w-]+) on fund (.+) in (\d{4})",
        lambda m: (
            f"mandaat {m[1]} dekt geen {MUTATION_KINDS.get(m[2], m[2])} op fonds {m[3]} in {m[4]}"
        ),
    ),
    (
        # A fund's rule (ADR 0029): the rule itself is quoted as its source states it.
        r"fund-rule: money of the (.+) goes to a line without that fund \(([\w-]+)\); "
        r"(.+?): (.+)",
        lambda m: (
            f"regel van het fonds: geld van het {m[1]} gaat naar een regel buiten dat fonds "
            f"({_VIA.get(m[2], m[2])}); {m[3]}: {m[4]}"
        ),
    ),
)
_PATTERNS = tuple((re.compile(pattern), say) for pattern, say in _SAYINGS)


def in_dutch(problem: str) -> str | None:
    """The problem in Dutch, or None where this module does not know the message."""
    for pattern, say in _PATTERNS:
        if found := pattern.fullmatch(problem):
            return say(found)
    return None
