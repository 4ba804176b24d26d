"""Generate a realistic offers repository of N offers, deterministic by seed.

Mixed pricing models (usage, contract upfront multi and single dimension, explicit and generated
installments, CPPO), 1..25 buyers (aliases and raw ids), custom legal documents shared across
offers, the way a seller's repository grows.

    python benchmarks/generate.py DIR --offers 1000 --seed 7
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

CONFIG_HEAD = """\
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
    dimensions:
      - { key: users, name: Named users, unit: Units }
      - { key: admins, name: Admin seats, unit: Units }
      - { key: basic, name: Basic tier, unit: Units }
      - { key: premium, name: Premium tier, unit: Units }
      - { key: USER, name: User hours, unit: Hrs, usage: true }
      - { key: GB_SCANNED, name: Data scanned, unit: GB, usage: true }
  partner-gateway:
    id: prod-7h6g5f4d3s2a1
    type: saas
    manufacturerAccountId: "999988887777"
    dimensions:
      - { key: gateways, name: Gateways, unit: Units }
resaleAuthorizations:
  resaleauthz-1a2b3c4d5e6f7: { product: partner-gateway }
buyers:
"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
BUYER_ALIASES = 200


def account(rng: random.Random) -> str:
    return f"{rng.randrange(10**11, 10**12):012d}"


def write_config(root: Path, rng: random.Random) -> list[str]:
    aliases = [f"customer-{n:04d}" for n in range(BUYER_ALIASES)]
    lines = [CONFIG_HEAD]
    for alias in aliases:
        entry = f'{{ account: "{account(rng)}", name: Customer {alias[-4:]}, country: US }}'
        lines.append(f"  {alias}: {entry}\n")
    (root / "offerops.yaml").write_text("".join(lines))
    return aliases


def buyers_block(rng: random.Random, aliases: list[str], single: bool) -> str:
    count = 1 if single else rng.choice([1, 1, 1, 2, 3, 5, 10, 25])
    chosen = rng.sample(aliases, min(count, len(aliases)))
    entries = [
        f"    - {alias}" if rng.random() < 0.7 else f'    - "{account(rng)}"' for alias in chosen
    ]
    return "  buyers:\n" + "\n".join(entries) + "\n"


USAGE = """\
  pricing:
    model: usage
    currency: USD
    usage:
      durationMonths: 12
    dimensions:
      - key: USER
        price: "{rate}"
      - key: GB_SCANNED
        price: "0.0{gb}"
"""
UPFRONT = """\
  pricing:
    model: contract
    currency: USD
    contract:
      durationMonths: {months}
    dimensions:
      - key: users
        price: "{users}.00"
      - key: admins
        price: "{admins}.00"
    payment: upfront
"""
TIERS = """\
  pricing:
    model: contract
    currency: EUR
    contract:
      durationMonths: 12
      purchasing: single-dimension
    dimensions:
      - key: basic
        price: "{basic}000.00"
      - key: premium
        price: "{premium}000.00"
    payment: upfront
"""
SCHEDULE = """\
  pricing:
    model: contract
    currency: USD
    contract:
      starts: 2027-02-01
      durationMonths: 12
    dimensions:
      - key: users
        quantity: {quantity}
    payment: installments
    installments:
      total: "{total}.00"
      schedule:
{payments}"""
PLAN = """\
  pricing:
    model: contract
    currency: USD
    contract:
      starts: 2027-03-01
      durationMonths: 36
    dimensions:
      - key: users
        quantity: 500
    payment: installments
    installments:
      total: "{total}.00"
      plan:
        initial: "10000.00"
        frequency: quarterly
        firstInvoice: 2027-03-01
        count: 11
"""


RESOLD = """\
  pricing:
    model: contract
    currency: USD
    contract:
      durationMonths: 12
    dimensions:
      - key: gateways
        price: "{price}.00"
    payment: upfront
"""


def pricing_block(rng: random.Random, kind: str) -> str:
    if kind == "usage":
        return USAGE.format(rate=f"{rng.randrange(10, 999) / 1000:.3f}", gb=rng.randrange(1, 9))
    if kind == "upfront":
        months = rng.choice([12, 24, 36])
        return UPFRONT.format(
            months=months, users=rng.randrange(100, 900), admins=rng.randrange(500, 2000)
        )
    if kind == "tiers":
        return TIERS.format(basic=rng.randrange(10, 30), premium=rng.randrange(40, 90))
    if kind == "schedule":
        amount = rng.randrange(10, 50) * 1000
        payments = "".join(
            f'        - {{ date: 2027-{month:02d}-15, amount: "{amount}.00" }}\n'
            for month in (2, 5, 8, 11)
        )
        quantity = rng.randrange(10, 900)
        return SCHEDULE.format(quantity=quantity, total=amount * 4, payments=payments)
    return PLAN.format(total=rng.randrange(100, 900) * 1000)


def offer_text(index: int, rng: random.Random, aliases: list[str]) -> str:
    kind = rng.choice(["usage", "upfront", "upfront", "tiers", "schedule", "plan"])
    key = f"offer-{index:05d}"
    starts_late = kind in ("schedule", "plan")
    expires = (
        "2027-01-31" if starts_late else rng.choice(["2027-03-31", "2027-06-30", "2027-09-30"])
    )
    legal = (
        f"  legal:\n    terms: custom\n    documents:\n      - legal/msa-{index % 20:02d}.pdf\n"
        if rng.random() < 0.3
        else f"  legal:\n    terms: {rng.choice(['standard-eula', 'scmp'])}\n"
    )
    resold = rng.random() < 0.1
    channel = "  channel:\n    resaleAuthorization: resaleauthz-1a2b3c4d5e6f7\n" if resold else ""
    product = "partner-gateway" if resold else "analytics-saas"
    pricing = RESOLD.format(price=rng.randrange(100, 900)) if resold else pricing_block(rng, kind)
    return (
        "# yaml-language-server: $schema=../schemas/offer.schema.json\n"
        f"apiVersion: offerops/v1\nkind: PrivateOffer\nkey: {key}\nspec:\n"
        f"  name: Customer {index:05d} - Analytics {kind}\n"
        f"  description: Generated offer {index} for benchmarks.\n"
        f"  product: {product}\n{channel}  expiresOn: {expires}\n"
        + buyers_block(rng, aliases, single=bool(channel))
        + pricing
        + legal
    )


def generate(root: Path, offers: int, seed: int = 7) -> Path:
    """Write the repository (replacing ``root``) and return it."""
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "offers").mkdir(parents=True)
    (root / "legal").mkdir()
    for number in range(20):
        (root / "legal" / f"msa-{number:02d}.pdf").write_bytes(PDF + f"% msa {number}\n".encode())
    aliases = write_config(root, rng)
    for index in range(offers):
        (root / "offers" / f"offer-{index:05d}.yaml").write_text(offer_text(index, rng, aliases))
    return root


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--offers", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.directory, args.offers, args.seed)
    print(f"wrote {args.offers} offers to {args.directory}")


if __name__ == "__main__":
    main()
