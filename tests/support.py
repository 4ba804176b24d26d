"""Shared test helpers: a throwaway offers repository and valid offers to mutate.

Rule tests read as examples: take a valid offer, change one thing with ``str.replace``, lint, and
compare ``(line, column, rule)`` tuples. Line numbers in the valid offers below are stable; tests
depend on them, so append to the templates rather than inserting lines.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from offerops.lint.finding import Finding
from offerops.lint.runner import LintReport, LintRequest, lint

TODAY = date(2026, 11, 23)

CONFIG = """\
apiVersion: offerops/v1
kind: Config
seller:
  accountId: "111122223333"
  bankCountry: US
  currencies: [USD, EUR]
products:
  analytics-saas:
    id: prod-4x7yvqjzt5abc
    type: saas
    name: Acme Analytics
    dimensions:
      - { key: users, name: Users, unit: Units }
      - { key: admins, name: Admin seats, unit: Units }
      - { key: USER, name: User hours, unit: Hrs, usage: true }
      - { key: GB, name: Data scanned, unit: GB, usage: true }
  vision-ami:
    id: prod-9a8b7c6d5e4f3
    type: ami
    dimensions:
      - { key: m5.large, name: m5.large, unit: Hrs, usage: true }
      - { key: annual, name: Annual, unit: Units }
buyers:
  acme-prod: { account: "123456789012", name: Acme Corp, country: US }
  globex-uk: { account: "210987654321", name: Globex Ltd, country: GB }
  initech-br: { account: "345678901234", name: Initech Brasil, country: BR }
"""

CONTRACT_OFFER = """\
apiVersion: offerops/v1
kind: PrivateOffer
key: acme-2027
spec:
  name: Acme Corp - Analytics Enterprise 2027
  description: Three-year enterprise agreement.
  product: analytics-saas
  renewal: none
  expiresOn: 2027-03-31
  buyers:
    - "123456789012"
    - globex-uk
  pricing:
    model: contract
    currency: USD
    contract:
      starts: on-acceptance
      durationMonths: 36
      purchasing: multiple-dimensions
    dimensions:
      - key: users
        price: "25000.00"
        # no quantity: the buyer chooses how many of each (line 23)
      - key: admins
        price: "500.00"
    payment: upfront
  legal:
    terms: standard-eula
"""
"""Contract, upfront, two dimensions priced per unit (the buyer chooses the quantities). Lines:
key 3, name 5, expiresOn 9, buyers 11-12, pricing 13, currency 15, durationMonths 18,
dimensions 20 (users 21, price 22, a comment 23 where a quantity can go; admins 24, price 25),
payment 26, legal 27, terms 28."""

QUANTITY_SLOT = "        # no quantity: the buyer chooses how many of each (line 23)\n"
"""Line 23 of CONTRACT_OFFER: replace it with ``        quantity: 100\n`` to give users a
quantity without moving a line (the value is then at line 23, column 19)."""
assert QUANTITY_SLOT in CONTRACT_OFFER

INSTALLMENT_OFFER = """\
apiVersion: offerops/v1
kind: PrivateOffer
key: acme-2027
spec:
  name: Acme Corp - Analytics 2027 installments
  product: analytics-saas
  expiresOn: 2027-01-10
  buyers: [acme-prod]
  pricing:
    model: contract
    currency: USD
    contract:
      durationMonths: 12
    dimensions:
      - key: users
        quantity: 100
    payment: installments
    installments:
      total: "90000.00"
      schedule:
        - { date: 2027-01-15, amount: "30000.00" }
        - { date: 2027-04-15, amount: "30000.00" }
        - { date: 2027-07-15, amount: "30000.00" }
  legal:
    terms: custom
    documents:
      - legal/msa.pdf
"""
"""Contract with an explicit schedule. Lines: expiresOn 7, durationMonths 13, dimensions 14,
payment 17, installments 18, total 19, schedule 20 (payments 21-23), legal 24, documents 26-27."""

USAGE_OFFER = """\
apiVersion: offerops/v1
kind: PrivateOffer
key: acme-2027
spec:
  name: Acme Corp - pay as you go
  product: analytics-saas
  expiresOn: 2027-03-31
  buyers: ["123456789012"]
  pricing:
    model: usage
    currency: USD
    usage:
      endsOn: 2027-12-31
    dimensions:
      - key: USER
        price: "1.125"
      - key: GB
        price: "0.05"
  legal:
    terms: scmp
"""
"""Usage pricing. Lines: expiresOn 7, buyers 8, currency 11, usage 12, endsOn 13, dimensions 14
(USER 15, price 16; GB 17, price 18), legal 19."""

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@dataclass
class OfferRepo:
    """A temporary offers repository."""

    root: Path

    @classmethod
    def create(cls, root: Path, config: str = CONFIG) -> OfferRepo:
        repo = cls(root)
        repo.write("offerops.yaml", config)
        repo.write_bytes("legal/msa.pdf", PDF_BYTES)
        return repo

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def write_bytes(self, relpath: str, data: bytes) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def offer(self, text: str, key: str = "acme-2027") -> Path:
        return self.write(f"offers/{key}.yaml", text)

    def lint(self, today: date = TODAY, *paths: Path) -> LintReport:
        return lint(LintRequest(root=self.root, today=today, paths=tuple(paths)))

    def hits(self, today: date = TODAY) -> list[tuple[int, int, str]]:
        """``(line, column, rule)`` of every finding in offer files."""
        return [(f.line, f.column, f.rule) for f in self.findings(today)]

    def findings(self, today: date = TODAY) -> list[Finding]:
        return [f for f in self.lint(today).findings if f.file.startswith("offers/")]

    def rules(self, today: date = TODAY) -> set[str]:
        return {f.rule for f in self.findings(today)}


@dataclass(frozen=True)
class Case:
    """One rule example: an offer (and other files), and every finding expected in offers/.

    ``expect == []`` makes it a passing example. The meta-test requires each rule to have at least
    one case that expects it and one passing case that names it in ``rule``.
    """

    rule: str
    offer: str | bytes
    expect: list[tuple[int, int, str]]
    files: tuple[tuple[str, str | bytes], ...] = ()
    config: str = CONFIG
    today: date = TODAY
    key: str = "acme-2027"
    name: str = ""

    @property
    def id(self) -> str:
        verdict = "fails" if self.expect else "passes"
        return f"{self.rule}-{verdict}" + (f"-{self.name}" if self.name else "")


def run_case(case: Case, root: Path) -> list[tuple[int, int, str]]:
    """Lint the case in a fresh repository under ``root``; ``(line, column, rule)`` in offers/."""
    repo = OfferRepo.create(root, case.config)
    for relpath, content in case.files:
        if isinstance(content, bytes):
            repo.write_bytes(relpath, content)
        else:
            repo.write(relpath, content)
    target = f"offers/{case.key}.yaml"
    if isinstance(case.offer, bytes):
        repo.write_bytes(target, case.offer)
    else:
        repo.write(target, case.offer)
    return repo.hits(case.today)
