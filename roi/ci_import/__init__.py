"""A baseline from the team's own CI history: merges per month, main-branch success rate, build minutes, deploys.

Reads GitHub Actions (`gh run list --json ...` or the REST API's `/actions/runs`), GitLab (`/projects/:id/pipelines`)
or a CSV with the header `timestamp,branch,status,duration_minutes,workflow`, normalizes every run into one
pandas table, and derives the figures vectorized. Every malformed record (a non-finite or implausible duration
included) is reported by its index or line and skipped; every figure comes with its evidence (window, runs used
and excluded, and why). JSON is parsed with the standard library, CSV with pandas (the csv module when a field
is quoted, for exact line numbers), and a scenario is edited in place with tomlkit; nothing is evaluated.

    runs.py                the normalized record (`Runs`, its table's schema) and `normalize`
    provider.py            what a provider is, the export's `Content`, the JSON reading providers share
    github_rest.py, gh_run_list.py, gitlab.py, csv_runs.py
                           one provider per export format
    formats.py             the registry of providers: detection, `read_runs`
    selection.py           which runs count: `Options`, the window, the branch's merges, the deploys
    figures.py             one function per figure, each returning its value with its evidence
    baseline.py            `Baseline`, `derive` and `import_ci`
    writing.py             the baseline into a scenario: new, applied to inputs, or a file edited in place
"""

from roi.ci_import.baseline import Baseline, derive, import_ci
from roi.ci_import.csv_runs import CSV_COLUMNS
from roi.ci_import.figures import Figure
from roi.ci_import.formats import FORMATS, PROVIDERS, detect, detect_format, provider_for, read_runs
from roi.ci_import.provider import BOM, Content, Provider
from roi.ci_import.runs import (
    MAX_REPORTED,
    MAX_RUN_DAYS,
    MAX_RUN_MINUTES,
    NO_RUNS,
    OUTCOMES,
    Columns,
    Runs,
    Skipped,
    normalize,
)
from roi.ci_import.selection import DAYS_PER_MONTH, Options, Scope, Selected, Window, select
from roi.ci_import.writing import (
    Written,
    after_left_alone,
    apply_baseline,
    assumed_after,
    no_improvement,
    starter_scenario,
    update_scenario,
)

__all__ = [
    "BOM",
    "CSV_COLUMNS",
    "DAYS_PER_MONTH",
    "FORMATS",
    "MAX_REPORTED",
    "MAX_RUN_DAYS",
    "MAX_RUN_MINUTES",
    "NO_RUNS",
    "OUTCOMES",
    "PROVIDERS",
    "Baseline",
    "Columns",
    "Content",
    "Figure",
    "Options",
    "Provider",
    "Runs",
    "Scope",
    "Selected",
    "Skipped",
    "Window",
    "Written",
    "after_left_alone",
    "apply_baseline",
    "assumed_after",
    "derive",
    "detect",
    "detect_format",
    "import_ci",
    "no_improvement",
    "normalize",
    "provider_for",
    "read_runs",
    "select",
    "starter_scenario",
    "update_scenario",
]
