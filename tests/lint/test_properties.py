"""Property tests: whatever is in an offer file, ``lint()`` reports findings, never a traceback.

Invariants checked on every example: ``lint()`` returns; every finding has the offer's repo-relative
file, a 1-based line inside the file and a 1-based column, a registered rule id with its name, a
one-line message; the config (valid) has no findings; and all four reporters render the report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offerops.lint.finding import Severity
from offerops.lint.rule import REGISTRY, all_rules
from offerops.lint.runner import LintReport
from offerops.report import REPORTERS
from support import CONTRACT_OFFER, INSTALLMENT_OFFER, USAGE_OFFER, OfferRepo

OFFER = "offers/acme-2027.yaml"
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
_BREAKS = re.compile("\r\n|\r|\n|\x85|\u2028|\u2029")

all_rules()  # register every rule before checking ids


@pytest.fixture(scope="module")
def prop_repo(tmp_path_factory: pytest.TempPathFactory) -> OfferRepo:
    """One repository for all examples of this module; each example rewrites the offer."""
    return OfferRepo.create(tmp_path_factory.mktemp("properties").resolve())


def lint_bytes(repo: OfferRepo, content: bytes) -> LintReport:
    path = repo.root / OFFER
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return repo.lint()


def line_count(content: bytes) -> int:
    """The lines of the file as an editor shows them (YAML also breaks lines at CR, NEL, LS, PS).

    A last line without a newline counts; the empty "line" after a final newline does not.
    """
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return content.count(b"\n") + 1
    ends_with_break = _BREAKS.match(text[-1:]) is not None
    return max(1, len(_BREAKS.findall(text)) + (0 if ends_with_break else 1))


def check(report: LintReport, content: bytes) -> None:
    """The invariants every lint report must hold."""
    lines = line_count(content)
    for finding in report.findings:
        where = f"{finding.file}:{finding.line}:{finding.column} {finding.rule}"
        assert finding.file == OFFER, f"{where}: only the offer file was broken"
        assert 1 <= finding.line <= lines, f"{where}: line outside a file of {lines} lines"
        assert finding.column >= 1, where
        assert finding.rule in REGISTRY, where
        assert finding.name == REGISTRY[finding.rule].name, where
        assert finding.severity in (Severity.ERROR, Severity.WARNING), where
        assert finding.message.strip(), f"{where}: empty message"
        assert "\n" not in finding.message, f"{where}: a message is one greppable line"
    for name, render in REPORTERS.items():
        output = render(report, False)
        assert output.endswith("\n"), name
    github_lines = REPORTERS["github"](report, False).splitlines()
    assert len(github_lines) == len(report.findings) + 1


# --- (1) arbitrary content ----------------------------------------------------------------

YAML_TOKENS = [
    *"abkey019 \n\t:-,[]{}&*!|>'\"#%@`?~.",
    "\r\n",
    "\r",
    "\u2028",
    "  ",
    "- ",
    ": ",
    "---",
    "<<: ",
]
YAMLISH = st.lists(st.sampled_from(YAML_TOKENS), max_size=200).map("".join)


@PROPERTY
@given(content=st.binary(max_size=2000))
def test_random_bytes(prop_repo: OfferRepo, content: bytes) -> None:
    check(lint_bytes(prop_repo, content), content)


@PROPERTY
@given(text=st.one_of(YAMLISH, st.text(max_size=300)))
def test_random_yamlish_text(prop_repo: OfferRepo, text: str) -> None:
    content = text.encode("utf-8")
    check(lint_bytes(prop_repo, content), content)


# --- (2) mutations of valid offers ----------------------------------------------------------

VALID_OFFERS = (CONTRACT_OFFER, INSTALLMENT_OFFER, USAGE_OFFER)

SCALARS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-1",
            "250.5",
            "1e400",
            "0x1F",
            "true",
            "off",
            "null",
            "~",
            "[]",
            "{}",
            "[a, b]",
            "{a: 1}",
            '""',
            "'unterminated",
            '"unterminated',
            "2027-02-30",
            "2027-03-31T12:00:00Z",
            "9" * 5000,
            "*undefined",
            "&anchor value",
            "|\n  block",
            "a: b",
            "- item",
        ]
    ),
    st.text(max_size=40),
)
TAGS = st.sampled_from(
    ["!!python/object/apply:os.system", "!x", "!!binary", "!!set", "!!omap", "!!int", "!!str"]
)


@st.composite
def mutated_offer(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(VALID_OFFERS)).splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        index = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        line = lines[index]
        indent = line[: len(line) - len(line.lstrip(" "))]
        head, colon, _value = line.partition(": ")
        operation = draw(
            st.sampled_from(["delete", "replace", "duplicate", "tag", "indent", "swap"])
        )
        if operation == "delete":
            del lines[index]
        elif operation == "replace":
            scalar = draw(SCALARS)
            lines[index] = f"{head}: {scalar}" if colon else f"{indent}- {scalar}"
        elif operation == "duplicate":
            lines.insert(index, line)
        elif operation == "tag":
            tag = draw(TAGS)
            lines[index] = f"{head}: {tag} {_value}" if colon else f"{indent}{tag} {line.strip()}"
        elif operation == "indent":
            shift = draw(st.sampled_from(["", " ", "  ", "\t", "   "]))
            lines[index] = shift + line if draw(st.booleans()) else line.removeprefix(indent[:1])
        else:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[index], lines[other] = lines[other], lines[index]
        if not lines:
            break
    return "\n".join(lines) + "\n"


@PROPERTY
@given(text=mutated_offer())
def test_mutated_valid_offers(prop_repo: OfferRepo, text: str) -> None:
    content = text.encode("utf-8")
    check(lint_bytes(prop_repo, content), content)


def test_messages_are_one_line_even_for_multi_line_values(prop_repo: OfferRepo) -> None:
    text = CONTRACT_OFFER.replace("apiVersion: offerops/v1", "apiVersion: |\n  two\n  lines")
    report = lint_bytes(prop_repo, text.encode())
    assert [f.rule for f in report.findings] == ["OFR105"]
    assert ["\n" in f.message for f in report.findings] == [False]


@pytest.mark.parametrize("text", ["key: [", "key: acme-2027\nspec: [\n", "spec:\n  x: 'open\n"])
def test_syntax_error_at_end_of_file_points_at_a_line_of_the_file(
    prop_repo: OfferRepo, text: str
) -> None:
    report = lint_bytes(prop_repo, text.encode())
    assert [f.rule for f in report.findings] == ["OFR001"]
    assert report.findings[0].line <= len(text.splitlines())


def test_valid_offers_have_no_findings(tmp_path: Path) -> None:
    repo = OfferRepo.create(tmp_path.resolve())
    for offer in VALID_OFFERS:
        report = lint_bytes(repo, offer.encode())
        assert report.findings == [], offer
