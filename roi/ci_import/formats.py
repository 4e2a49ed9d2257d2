"""The registry of export formats: which provider reads an export, told its format or not.

Adding a format is adding a provider module and its line in PROVIDERS. Detection asks each provider in turn
whether the export is unmistakably its own; the first to say so reads it.
"""

from __future__ import annotations

from collections.abc import Iterable

from roi.ci_import import csv_runs, gh_run_list, github_rest, gitlab
from roi.ci_import.provider import Content, Provider
from roi.ci_import.runs import NO_RUNS, Runs
from roi.errors import CIImportError, Problem

# In the order detection asks: gh's runs before GitLab's pipelines (both have a status); told "github", the REST
# API's reader first (it claims an object), gh's otherwise.
PROVIDERS: tuple[Provider, ...] = (github_rest.PROVIDER, gh_run_list.PROVIDER, gitlab.PROVIDER, csv_runs.PROVIDER)
FORMATS = tuple(dict.fromkeys(p.format for p in PROVIDERS))  # what --format accepts: github, gitlab, csv


def detect(content: Content) -> Provider:
    """The provider whose format the export is; CIImportError when it is none of them."""
    if content.is_json:
        content.json()  # not JSON after all: said before anything else
    for provider in PROVIDERS:
        if provider.detects(content):
            return provider
    if not content.is_json:
        known = _listed(p.described for p in PROVIDERS)
        raise CIImportError([Problem("", f"is not a known CI export ({known})")])
    data = content.json()
    if isinstance(data, list) and not data:
        raise CIImportError([Problem("", f"is an empty JSON list: {NO_RUNS}")])
    titles = " nor ".join(f"a {t}" for t in dict.fromkeys(p.title for p in PROVIDERS if p.is_json))
    raise CIImportError([Problem("", f"is JSON but neither {titles} export")])


def detect_format(content: bytes) -> str:
    """github, gitlab or csv, from the content; CIImportError when it is none of them."""
    return detect(Content(content)).format


def provider_for(fmt: str, content: Content) -> Provider:
    """The provider of a format the user named that is to read this export."""
    named = [p for p in PROVIDERS if p.format == fmt]
    if not named:
        raise CIImportError([Problem("--format", f"must be one of {', '.join(FORMATS)}, got {fmt!r}")])
    return next((p for p in named if p.claims(content)), named[-1])


def read_runs(content: bytes, fmt: str | None = None) -> Runs:
    """Parse a CI export (format detected when not given) into normalized runs."""
    export = Content(content)
    provider = provider_for(fmt, export) if fmt else detect(export)
    return provider.read(export)


def _listed(names: Iterable[str]) -> str:
    """A, B, or C."""
    *first, last = dict.fromkeys(names)
    if not first:
        return last
    return f"{', '.join(first)}{',' if len(first) > 1 else ''} or {last}"
