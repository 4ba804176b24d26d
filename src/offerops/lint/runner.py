"""Run the linter: load, validate structure, run the enabled rules, position the problems.

Data flows one way: file -> document with positions -> model -> rules yield (path, message) ->
the runner adds position, rule id and severity -> findings. One bad file never stops the run.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar, cast

from pydantic import BaseModel, ValidationError

from offerops.lint.context import LeftOut, LoadedOffer, OfferContext, RepoContext
from offerops.lint.finding import Finding, Severity, Summary
from offerops.lint.revision import BaseRevision
from offerops.lint.rule import (
    REGISTRY,
    ConfigCheck,
    OfferCheck,
    Problem,
    RepoCheck,
    Rule,
    all_rules,
    resolve_rule,
)
from offerops.lint.structure import structure_problems
from offerops.model.config import Config
from offerops.model.offer import OfferFile
from offerops.repo import (
    CONFIG_NAME,
    OFFERS_DIR,
    discover_offers,
    offer_relpaths,
    offers_dir_problem,
    relpath,
)
from offerops.source.document import ORIGIN, Document, Position
from offerops.source.loader import LoadProblem, load_file

M = TypeVar("M", bound=BaseModel)
PARALLEL_THRESHOLD = 300


@dataclass(frozen=True)
class LintRequest:
    """What to lint: the repository, optional paths inside it, and the date rules use as today."""

    root: Path
    today: date
    paths: tuple[Path, ...] = ()
    only: frozenset[str] | None = None
    """Repo-relative paths to lint (``--changed-since``); None lints every discovered offer."""
    keep_models: bool = True
    """False when only findings are wanted (``offerops lint``): large runs then use every core
    without shipping models back from the worker processes."""
    base: BaseRevision | None = None
    """The revision to compare changed offers with (``--changed-since``): the history rules
    (OFR220-OFR222) report nothing without it. Lint then runs in this process, with models."""


@dataclass
class LintReport:
    """Findings plus what the reconciler needs from a lint run."""

    findings: list[Finding]
    files: int
    offers: list[LoadedOffer] = field(default_factory=list)
    repo: RepoContext | None = None

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings, self.files)

    @property
    def has_errors(self) -> bool:
        return any(finding.severity is Severity.ERROR for finding in self.findings)

    @property
    def config_usable(self) -> bool:
        return self.repo is not None


MESSAGE_QUOTE_MAX = 80
MESSAGE_MAX = 1000
_LONG_QUOTE = re.compile(r'"([^"\n]{' + str(MESSAGE_QUOTE_MAX + 1) + r',})"')


def bounded_message(message: str) -> str:
    """A finding message of reasonable size whatever the file holds.

    Messages quote the seller's keys and values; a hostile 1 MiB key would otherwise make a
    1 MiB message in every report format and PR annotation. Long quotes are shortened, and the
    whole message is capped as a last resort.
    """
    if len(message) <= MESSAGE_QUOTE_MAX:
        return message
    shortened = _LONG_QUOTE.sub(
        lambda quoted: (
            f'"{quoted.group(1)[: MESSAGE_QUOTE_MAX - 20]}..." '
            f"({len(quoted.group(1)):,} characters)"
        ),
        message,
    )
    if len(shortened) <= MESSAGE_MAX:
        return shortened
    return shortened[: MESSAGE_MAX - 3] + "..."


class _Collector:
    """Turns problems into findings with the effective severity; drops switched-off rules."""

    def __init__(self, severities: dict[str, Severity | None]) -> None:
        self.severities = severities
        self.findings: list[Finding] = []

    def enabled(self, rule: Rule) -> bool:
        return self.severities.get(rule.id, rule.severity) is not None

    def add(
        self,
        rule_id: str,
        relpath: str,
        position: Position,
        message: str,
        offer: str | None,
        default: Severity | None = None,
    ) -> None:
        """Add a finding at its severity: the configured one, else ``default`` (a problem's
        own), else the rule's; none when the rule is off. The only place severities are set."""
        rule = REGISTRY[rule_id]
        severity = self.severities.get(rule_id, default or rule.severity)
        if severity is None:
            return
        line, column = position.line, position.column
        message = bounded_message(message)
        finding = Finding(relpath, line, column, rule.id, rule.name, severity, message, offer)
        self.findings.append(finding)

    def add_load_problems(self, relpath: str, problems: Iterable[LoadProblem]) -> None:
        for problem in problems:
            self.add(problem.rule, relpath, problem.position, problem.message, None)

    def add_problem(
        self, rule: Rule, document: Document, problem: Problem, offer: str | None
    ) -> None:
        position = document.locate(problem.path, problem.at)
        relpath = problem.file or document.relpath
        self.add(rule.id, relpath, position, problem.message, offer, problem.severity)


def lint(request: LintRequest) -> LintReport:
    """Lint the repository at ``request.root``; never raises for problems in the files.

    Every file is read inside the (resolved) root: offerops.yaml, ``offers/`` and each offer
    file may be symbolic links only while they stay in the repository, and only regular files
    are read (OFR008), so a pull request cannot make lint read the CI runner's files or block.
    """
    rules = all_rules()
    root = request.root.resolve()
    config_doc, config_problems = load_file(root / CONFIG_NAME, CONFIG_NAME, root)
    bootstrap = _Collector({})
    bootstrap.add_load_problems(CONFIG_NAME, config_problems)
    config = _validate(Config, config_doc, bootstrap, None) if config_doc else None
    if config is None or config_doc is None:
        return LintReport(sorted(bootstrap.findings), files=1)
    severities = _severities(config, config_doc, bootstrap)
    collector = _Collector(severities)
    collector.findings.extend(bootstrap.findings)
    offers_problem = offers_dir_problem(root)
    if offers_problem is not None:
        collector.add("OFR008", OFFERS_DIR, ORIGIN, offers_problem, None)
    all_relpaths = offer_relpaths(root)
    selected = _selected(request, root, all_relpaths)
    repo = RepoContext(
        root=root,
        config=config,
        config_doc=config_doc,
        config_relpath=CONFIG_NAME,
        today=request.today,
        all_offer_paths=tuple(all_relpaths),
        base=request.base,
    )
    _run_config_rules(repo, rules, collector)
    offer_rules = [r for r in rules if r.scope == "offer" and r.check and collector.enabled(r)]
    if request.keep_models or request.base is not None or parallel_jobs(len(selected)) < 2:
        offers = [_lint_offer(repo, path, offer_rules, collector) for path in selected]
    else:
        offers = lint_in_parallel(repo, selected, offer_rules, collector)
    _run_repository_rules(repo, offers, rules, collector)
    return LintReport(sorted(collector.findings), files=len(selected) + 1, offers=offers, repo=repo)


def _selected(request: LintRequest, root: Path, all_relpaths: list[str]) -> list[Path]:
    """The offer files this run lints: named paths, changed files, or every offer."""
    if request.paths:
        selected = discover_offers(root, request.paths)
    else:
        chosen = all_relpaths if request.only is None else sorted(request.only & set(all_relpaths))
        selected = [root / relative for relative in chosen]
    if request.only is not None and request.paths:
        selected = [p for p in selected if relpath(root, p) in request.only]
    return selected


def _validate(
    model: type[M], document: Document, collector: _Collector, offer: str | None
) -> M | None:
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        for problem in structure_problems(error, document, model):
            if any(problem.path[: len(tagged)] == tagged for tagged in document.tagged):
                continue  # already reported as OFR003 on the tagged node
            position = document.locate(problem.path, problem.at)
            collector.add(problem.rule, document.relpath, position, problem.message, offer)
        return None


def _severities(
    config: Config, document: Document, collector: _Collector
) -> dict[str, Severity | None]:
    """Severity overrides from ``lint.rules``; an error rule can be made stricter, never off."""
    result: dict[str, Severity | None] = {}
    for name, setting in config.lint.rules.items():
        path = ("lint", "rules", name)
        rule = resolve_rule(name)
        if rule is None:
            message = f'unknown rule "{name}" in lint.rules; see docs/rules.md for rule ids'
        elif rule.severity is Severity.ERROR and setting.severity != "error":
            message = (
                f"rule {rule.id} ({rule.name}) reports what the marketplace rejects; "
                "it cannot be switched off or made a warning"
            )
        else:
            result[rule.id] = None if setting.severity == "off" else Severity(setting.severity)
            continue
        collector.add("OFR702", CONFIG_NAME, document.locate(path, "key"), message, None)
    return result


def _run_config_rules(repo: RepoContext, rules: list[Rule], collector: _Collector) -> None:
    for rule in rules:
        if rule.scope == "config" and rule.check is not None and collector.enabled(rule):
            for problem in cast(ConfigCheck, rule.check)(repo):
                collector.add_problem(rule, repo.config_doc, problem, None)


def _lint_offer(
    repo: RepoContext, path: Path, rules: list[Rule], collector: _Collector
) -> LoadedOffer:
    """Load, validate and check one offer with ``rules`` (the enabled offer rules)."""
    rel = relpath(repo.root, path)
    inside = not os.path.isabs(rel)  # a path named on the command line may be elsewhere
    document, problems = load_file(path, rel, repo.root if inside else None)
    collector.add_load_problems(rel, problems)
    if document is None:
        return LoadedOffer(rel, path, None, None)
    key = document.data.get("key") if isinstance(document.data, dict) else None
    offer = _validate(OfferFile, document, collector, key if isinstance(key, str) else None)
    loaded = LoadedOffer(
        rel, path, document, offer, offer.key if offer else None, offer.id if offer else None
    )
    if offer is not None:
        context = OfferContext(repo, loaded, offer, document)
        for rule in rules:
            _run_offer_rule(rule, context, collector)
    return loaded


def _run_offer_rule(rule: Rule, context: OfferContext, collector: _Collector) -> None:
    """One rule on one offer; a rule that reads a part the draft leaves out stops there
    (``LeftOut``), keeping what it found before."""
    try:
        for problem in cast(OfferCheck, rule.check)(context):
            collector.add_problem(rule, context.document, problem, context.offer.key)
    except LeftOut:
        return


def _run_repository_rules(
    repo: RepoContext, offers: list[LoadedOffer], rules: list[Rule], collector: _Collector
) -> None:
    documents = {loaded.relpath: loaded.document for loaded in offers if loaded.document}
    for rule in rules:
        if rule.scope != "repository" or rule.check is None or not collector.enabled(rule):
            continue
        for problem in cast(RepoCheck, rule.check)(repo, offers):
            target = problem.file or CONFIG_NAME
            document = documents.get(target) or (
                repo.config_doc if target == CONFIG_NAME else Document(target, None)
            )
            key = _offer_key(offers, target)
            collector.add_problem(rule, document, problem, key)


def _offer_key(offers: list[LoadedOffer], target: str) -> str | None:
    for loaded in offers:
        if loaded.relpath == target:
            return loaded.key
    return None


def parallel_jobs(files: int) -> int:
    """Worker processes for ``files`` offers: every core for large runs, none for small ones.

    ``OFFEROPS_JOBS`` overrides (``1`` turns parallelism off). Below ~300 files the cost of
    starting workers is larger than what they save.
    """
    configured = os.environ.get("OFFEROPS_JOBS")
    if configured and configured.isdigit():
        return max(1, int(configured))
    if files < PARALLEL_THRESHOLD or sys.platform == "win32":
        return 1
    return os.cpu_count() or 1


def lint_in_parallel(
    repo: RepoContext, paths: list[Path], rules: list[Rule], collector: _Collector
) -> list[LoadedOffer]:
    """Lint offer files in forked worker processes; findings and slim offers come back."""
    jobs = parallel_jobs(len(paths))
    size = max(1, len(paths) // (jobs * 4))
    chunks = [paths[start : start + size] for start in range(0, len(paths), size)]
    global _WORKER
    _WORKER = (repo, rules, collector.severities)
    context = multiprocessing.get_context("fork")
    offers: list[LoadedOffer] = []
    with ProcessPoolExecutor(jobs, mp_context=context) as pool:
        for findings, loaded in pool.map(_lint_chunk, chunks):
            collector.findings.extend(findings)
            offers.extend(loaded)
    return offers


_WORKER: tuple[RepoContext, list[Rule], dict[str, Severity | None]] | None = None
"""What forked workers inherit: the repository, the enabled offer rules, severities."""


def _lint_chunk(paths: list[Path]) -> tuple[list[Finding], list[LoadedOffer]]:
    assert _WORKER is not None, "workers are forked from lint_in_parallel"
    repo, rules, severities = _WORKER
    collector = _Collector(severities)
    slim = []
    for path in paths:
        loaded = _lint_offer(repo, path, rules, collector)
        slim.append(
            LoadedOffer(
                loaded.relpath,
                loaded.path,
                loaded.document.top_level() if loaded.document else None,
                None,
                loaded.key,
                loaded.adopted_id,
            )
        )
    return collector.findings, slim
