"""OFR110-OFR119: offer information: the name and description the buyer reads."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from offerops.lint.context import OfferContext
from offerops.lint.finding import Severity
from offerops.lint.rule import Problem, offer_rule
from offerops.model.limits import (
    OFFER_DESCRIPTION_MAX,
    OFFER_NAME_FORBIDDEN_CHARS,
    OFFER_NAME_MAX,
    OFFER_TEXT_PATTERN,
)

_TEXT_RE = re.compile(OFFER_TEXT_PATTERN)

_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]++(?:\.[A-Za-z0-9-]++)*\.[A-Za-z]{2,}"
)
"""Linear time: a match starts only where a local part starts (the lookbehind), and every run is
possessive, so a long run of letters or digits is scanned once, not once per start position.
The old pattern took 15 s on a 100,000-character name."""
_PHONE_RES = (
    re.compile(r"(?<![\w+])\+\d[\d ()-]{6,}\d"),  # international: +44 20 7946 0958
    re.compile(r"\(\d{3}\) ?\d{3}[ .-]?\d{4}(?!\d)"),  # area code: (555) 123-4567
    re.compile(r"(?<!\d)(?<!\d[.-])\d{3}[.-]\d{3}[.-]\d{4}(?!\d)(?![.-]\d)"),  # 555-123-4567
)
_PHONE_DIGITS = range(8, 16)
"""E.164 numbers have at most 15 digits; fewer than 8 is a quantity or a version, not a phone."""

_SCAN_LIMIT = 4096
"""Characters of a name or description searched for personal data. Longer texts are already
errors (OFR110, OFR111); the limit keeps a hostile 1 MiB name from costing CI anything."""
_SHOWN = 3
"""Matches quoted in one finding; the rest are counted."""

_ALLOWED_IN_DESCRIPTION = frozenset("\n")
_ZERO_WIDTH_JOINER = "\u200d"
"""Format character that joins emoji sequences: visible as part of the emoji, so allowed."""


def _texts(ctx: OfferContext) -> Iterator[tuple[str, str]]:
    """The seller's free-text fields: (field name, value)."""
    yield "name", ctx.spec.name
    if ctx.spec.description is not None:
        yield "description", ctx.spec.description


def _path(field: str) -> tuple[str, str]:
    return ("spec", field)


@offer_rule("OFR110", "offer-name-length")
def offer_name_length(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer name is longer than 150 characters.

    ``Name`` of CreateOffer and UpdateInformation takes at most 150 characters; a longer name is
    rejected when the offer is applied. An empty name is a structure error. Long detail belongs in
    ``description``.

    Fails:

        spec:
          name: Acme Corp - Analytics Enterprise 2027 - three-year agreement for production,
            development and staging, with premium support, training and quarterly reviews ...

    Passes:

        spec:
          name: Acme Corp - Analytics Enterprise 2027
    """
    length = len(ctx.spec.name)
    if length > OFFER_NAME_MAX:
        yield Problem(
            _path("name"),
            f"name is {length} characters long, at most {OFFER_NAME_MAX} are allowed; "
            "shorten it and move details to description",
        )


@offer_rule("OFR111", "offer-description-length")
def offer_description_length(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer description is longer than 255 characters.

    ``Description`` of UpdateInformation takes at most 255 characters; a longer one is rejected
    when the offer is applied. Contract detail belongs in the legal documents.

    Fails: a description of 300 characters.

    Passes:

        spec:
          description: Three-year enterprise agreement.
    """
    description = ctx.spec.description
    if description is not None and len(description) > OFFER_DESCRIPTION_MAX:
        yield Problem(
            _path("description"),
            f"description is {len(description)} characters long, at most "
            f"{OFFER_DESCRIPTION_MAX} are allowed; shorten it",
        )


def _forbidden(field: str, text: str, rejects: str) -> Problem | None:
    found = sorted({char for char in text if char in OFFER_NAME_FORBIDDEN_CHARS})
    if not found:
        return None
    shown = ", ".join(f'"{char}"' for char in found)
    return Problem(
        _path(field),
        f"{field} contains {shown}, which the marketplace {rejects} in offer {field}s; "
        "remove or replace them",
    )


@offer_rule("OFR112", "offer-name-characters")
def offer_name_characters(ctx: OfferContext) -> Iterator[Problem]:
    r"""
    The offer name contains one of ``< > \ ;``.

    The offer format (section 1) forbids these characters in names because the marketplace
    rejects them (they are the characters of markup and injection attempts). Write "and" or a
    dash instead.

    Fails:

        spec:
          name: Acme <Analytics>; 2027

    Passes:

        spec:
          name: Acme - Analytics 2027
    """
    if problem := _forbidden("name", ctx.spec.name, "rejects"):
        yield problem


@offer_rule("OFR113", "offer-description-characters", Severity.WARNING)
def offer_description_characters(ctx: OfferContext) -> Iterator[Problem]:
    r"""
    The offer description contains one of ``< > \ ;``.

    The marketplace is reported to reject the characters it refuses in names in descriptions
    too (``OFFER_NAME_FORBIDDEN_CHARS``), but the offer format only forbids them in names and the
    Catalog API's published ``Description`` pattern does not, so this is a warning: replace them
    to be safe, or switch the rule off with a reason once an offer with them was accepted.

    Fails:

        spec:
          description: Three-year agreement; paid upfront.

    Passes:

        spec:
          description: Three-year agreement, paid upfront.
    """
    description = ctx.spec.description
    if description and (problem := _forbidden("description", description, "may reject")):
        yield problem


@offer_rule("OFR114", "offer-text-leading-space")
def offer_text_leading_space(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer name or description starts with whitespace, or is only whitespace.

    The Catalog API's UpdateInformation requires ``Name`` and ``Description`` to start with a
    non-whitespace character (pattern ``^\\S+[\\S\\s]*$``), so such a value is rejected on apply.
    Plain YAML scalars are trimmed; this happens with quoted strings and block scalars. An empty
    description (``""``) is allowed: it is the same as no description.

    Fails:

        spec:
          name: "  Acme Corp - Analytics 2027"

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
    """
    for field, text in _texts(ctx):
        if _TEXT_RE.match(text):
            continue
        if not text:
            continue  # the format allows an empty description; it is not sent
        if not text.strip():
            what = "is only whitespace"
            fix = "leave description out" if field == "description" else "write a name"
        else:
            what, fix = "starts with whitespace", "remove it"
        yield Problem(_path(field), f"{field} {what}, which the marketplace rejects; {fix}")


def _invisible(char: str, field: str) -> bool:
    """Control, format, private-use and line-separator characters a reviewer cannot see."""
    if field == "description" and char in _ALLOWED_IN_DESCRIPTION:
        return False
    if char == _ZERO_WIDTH_JOINER:
        return False
    return unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp")


@offer_rule("OFR115", "offer-text-invisible-characters", Severity.WARNING)
def offer_text_invisible_characters(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer name or description ends with whitespace or holds invisible characters.

    Trailing spaces and newlines (a folded ``>`` block keeps its final newline), tabs, control
    characters and invisible format characters such as zero-width spaces or bidirectional
    overrides do not show in a review, yet they reach the buyer and make two names that look
    equal differ. The Catalog API pattern does not forbid them, so this is a warning; a
    description may contain line breaks, a name may not.

    Fails:

        spec:
          name: "Acme Corp - Analytics 2027\\u200b"
          description: >
            Three-year enterprise agreement.

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
          description: >-
            Three-year enterprise agreement.
    """
    for field, text in _texts(ctx):
        visible_ascii = text.isascii() and text.replace("\n", "").isprintable()
        hidden = [] if visible_ascii else sorted({c for c in text if _invisible(c, field)})
        if hidden:
            shown = ", ".join(f"U+{ord(char):04X}" for char in hidden)
            yield Problem(
                _path(field),
                f"{field} contains invisible characters ({shown}); remove them",
            )
        elif text.strip() and text != text.rstrip():
            hint = " (use >- or |- for a block scalar)" if text.endswith("\n") else ""
            yield Problem(_path(field), f"{field} ends with whitespace; remove it{hint}")


@offer_rule("OFR116", "description-required")
def description_required(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer has no description although ``policy.requireDescription`` is true.

    The marketplace does not need a description, but a seller can require one in offerops.yaml
    so that every buyer reads what the offer covers. The finding points at ``spec``.

    Fails (with ``policy: { requireDescription: true }``):

        spec:
          name: Acme Corp - Analytics 2027

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
          description: One-year contract for 500 users.
    """
    if not ctx.repo.config.policy.requireDescription:
        return
    description = ctx.spec.description
    if description is None or not description.strip():
        yield Problem(
            _path("description"),
            "description is required by policy.requireDescription in offerops.yaml; "
            "add a short description of the offer",
            at="key",
        )


def _phone_numbers(text: str) -> list[str]:
    """Phone-number shapes in ``text``, each once even when several patterns match it.

    Each pattern's matches come in order, so overlaps with the spans kept so far are found by
    one sweep (linear), not by comparing every match with every span.
    """
    kept: list[tuple[int, int]] = []
    for pattern in _PHONE_RES:
        fresh: list[tuple[int, int]] = []
        index = 0
        for match in pattern.finditer(text):
            start, end = match.span()
            if sum(char.isdigit() for char in match.group()) not in _PHONE_DIGITS:
                continue
            while index < len(kept) and kept[index][1] <= start:
                index += 1
            if index < len(kept) and kept[index][0] < end:
                continue  # overlaps a number another pattern found
            fresh.append((start, end))
        kept = sorted(kept + fresh)
    return [text[start:end] for start, end in kept]


def _listed(found: list[str]) -> str:
    shown = ", ".join(found[:_SHOWN])
    return shown if len(found) <= _SHOWN else f"{shown} and {len(found) - _SHOWN} more"


@offer_rule("OFR117", "personal-data-in-offer-text", Severity.WARNING)
def personal_data_in_offer_text(ctx: OfferContext) -> Iterator[Problem]:
    """
    The offer name or description seems to contain an e-mail address or a phone number.

    Names and descriptions are stored by the marketplace, shown in listings of offers, reports
    and the buyer's procurement systems, and must not hold personal data (offer format, §1).
    Name the company, not the person; contacts belong in the contract. The check looks for
    e-mail addresses and phone-number shapes (``+44 20 7946 0958``, ``(555) 123-4567``,
    ``555-123-4567``), so it is a warning that can be switched off with a reason. Only the first
    4,096 characters are searched (a longer text is already an error), and a finding quotes at
    most three matches.

    Fails:

        spec:
          name: Acme Corp (jane.doe@acme.example) - Analytics 2027

    Passes:

        spec:
          name: Acme Corp - Analytics 2027
    """
    for field, full_text in _texts(ctx):
        text = full_text[:_SCAN_LIMIT]
        found = [f'e-mail address "{match}"' for match in _EMAIL_RE.findall(text)]
        found += [f'phone number "{number}"' for number in _phone_numbers(text)]
        if found:
            yield Problem(
                _path(field),
                f"{field} seems to contain personal data ({_listed(found)}); "
                "name the company instead",
            )
