"""Triage (ESC-1): is a complaint valid, not valid, or one for a senior to judge; and
why, in words a manager reads in the inbox. Rules in docs/escalation.md; what the
rules need to know about the customer is gathered from the store (``TriageFacts``)."""

from __future__ import annotations

from dataclasses import dataclass

from core.model import SERIOUS_COMPLAINTS, Complaint, ComplaintCategory
from core.model.escalation import Decision, Verdict


@dataclass(frozen=True)
class TriageRules:
    #: Categories that page the manager (seed 000: harm, a confirmed billing error, a
    #: legal threat, a repeated failure); others are handled on the floor.
    escalating: frozenset[ComplaintCategory] = SERIOUS_COMPLAINTS
    #: Numbers never to page for: known pranksters, the team's own test phones.
    prank_numbers: frozenset[str] = frozenset()
    #: A complaint of a customer who has an open one younger than this is a duplicate.
    duplicate_days: float = 7.0


@dataclass(frozen=True)
class TriageFacts:
    """What the store knows of the complaint's customer, as of the complaint."""

    #: The number as the floor normalises it ('' when none was given or withheld).
    number: str = ""
    #: Earlier interactions from the number: an existing client.
    earlier_contacts: int = 0
    #: The number is a real one to call back (mobile, landline, ...).
    callable_number: bool = False
    #: An open complaint of the same customer within the duplicate window (its id).
    duplicate_of: int | None = None
    #: A senior agent who confirmed this complaint (their name).
    confirmed_by: str | None = None


def triage(complaint_id: int, complaint: Complaint, facts: TriageFacts, rules: TriageRules,
           now_ms: int) -> Decision:
    """The verdict and its reasons. The order matters: a prank or a duplicate never
    pages, whatever its category (a flood from one number pages at most once)."""
    category = complaint.category.name.lower().replace("_", " ")

    def decide(verdict: Verdict, *reasons: str, by: str = "rules") -> Decision:
        return Decision(complaint_id, verdict, reasons, now_ms, by)

    if facts.number and facts.number in rules.prank_numbers:
        return decide(Verdict.NOT_VALID, f"{facts.number} is on the list of prank and test "
                      "numbers")
    if facts.duplicate_of is not None:
        return decide(Verdict.NOT_VALID, f"duplicate of complaint {facts.duplicate_of}, still "
                      f"open, of the same customer within {rules.duplicate_days:g} days")
    if facts.confirmed_by:
        return decide(Verdict.VALID, f"{category}, confirmed by senior {facts.confirmed_by}",
                      by=facts.confirmed_by)
    if complaint.category not in rules.escalating:
        return decide(Verdict.NOT_VALID, f"{category} is handled on the floor (not among "
                      "the categories that page)")
    if facts.earlier_contacts > 0:
        who = (f"existing client ({facts.earlier_contacts} earlier "
               f"contact{'s' if facts.earlier_contacts != 1 else ''})")
    elif facts.callable_number:
        who = f"new customer with a number to call back ({facts.number})"
    else:
        return decide(Verdict.NEEDS_SENIOR, f"{category}, but the customer is not identified "
                      "(no number to call back, no earlier contact): a senior agent confirms")
    return decide(Verdict.VALID, f"{category}", f"customer identified: {who}")
