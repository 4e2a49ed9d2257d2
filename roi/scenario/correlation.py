"""The [uncertainty] table: what a range's low and high are, the groups of inputs that move together, and whether
their rank correlations can hold together (a positive-definite matrix of normal-score correlations).
"""

from __future__ import annotations

import itertools
import math
from typing import Annotated, Any

from pydantic import Field

from roi.fields import FieldSpec, describe, fail, format_number
from roi.scenario.sections import Section, _spec

RANGES_ARE = ("min_max", "p10_p90")


def _ranges_are(spec: FieldSpec, value: Any) -> str:
    if value not in RANGES_ARE:
        raise fail(f"must be one of {', '.join(repr(r) for r in RANGES_ARE)}, got {describe(value)}")
    return str(value)


def _inputs(spec: FieldSpec, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise fail(f"must be a list of dotted input paths in quotes, got {describe(value)}")
    if len(value) < 2:
        raise fail(f"must name at least two inputs, got {len(value)}")
    if len(set(value)) != len(value):
        raise fail("names an input twice")
    return list(value)


class Correlated(Section):
    """A group of ranged inputs that move together: Spearman's rho between every pair of them."""

    inputs: Annotated[
        list[str],
        FieldSpec("Inputs that move together", "", "text", "Dotted paths of ranged inputs.", check=_inputs),
    ]
    rank_correlation: Annotated[
        float,
        _spec(
            "Rank correlation",
            "",
            "rate",
            "Spearman's rho between every pair of the group's inputs; negative when one rises as the other falls.",
            ge=None,
            gt=-1.0,
            lt=1.0,
            ranged=False,
        ),
    ]


class Uncertainty(Section):
    """How the Monte Carlo reads the ranges: what low and high mean, and which inputs move together."""

    ranges_are: Annotated[
        str,
        FieldSpec(
            "What a range's low and high are",
            "",
            "text",
            '"min_max": the least and most it can be; "p10_p90": a 1-in-10 low and a 1-in-10 high.',
            check=_ranges_are,
        ),
    ] = "min_max"
    correlated: list[Correlated] = Field(default_factory=list)


def spearman_to_pearson(rho: float) -> float:
    """The normal-scores (Pearson) correlation whose ranks have Spearman's rho: 2 sin(pi rho / 6)."""
    return 2 * math.sin(math.pi * rho / 6)


def correlation_matrix(groups: list[Correlated]) -> tuple[list[str], list[list[float]]]:
    """The inputs in any group and the Pearson correlation of their normal scores (0 across groups)."""
    paths = list(dict.fromkeys(p for g in groups for p in g.inputs))
    index = {p: i for i, p in enumerate(paths)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(paths))] for i in range(len(paths))]
    for group in groups:
        r = spearman_to_pearson(group.rank_correlation)
        for a, b in itertools.combinations(group.inputs, 2):
            matrix[index[a]][index[b]] = matrix[index[b]][index[a]] = r
    return paths, matrix


def correlation_problem(groups: list[Correlated]) -> str | None:
    """Why a set of correlated groups cannot hold together, naming the group, or None when it can."""
    seen: dict[frozenset[str], tuple[int, float]] = {}
    for i, group in enumerate(groups, start=1):
        for a, b in itertools.combinations(group.inputs, 2):
            pair = frozenset((a, b))
            if pair in seen and seen[pair][1] != group.rank_correlation:
                j = seen[pair][0]
                return (
                    f"uncertainty.correlated group {i}: {a} and {b} are already correlated "
                    f"{format_number(seen[pair][1])} in group {j}, not {format_number(group.rank_correlation)}"
                )
            seen[pair] = (i, group.rank_correlation)
    if not groups:
        return None
    _, matrix = correlation_matrix(groups)
    for i, group in enumerate(groups, start=1):
        _, own = correlation_matrix([group])
        if not _positive_definite(own):
            n = len(group.inputs)
            floor = 6 / math.pi * math.asin(-1 / (n - 1) / 2)
            return (
                f"uncertainty.correlated group {i}: {n} inputs cannot all have rank correlation "
                f"{format_number(group.rank_correlation)} with each other: with {n} inputs it must be above "
                f"{floor:.3f}, or the correlations contradict one another"
            )
    if not _positive_definite(matrix):
        return (
            f"uncertainty.correlated group {len(groups)}: the groups' correlations contradict one another where "
            "they share inputs (the correlation matrix is not positive definite)"
        )
    return None


def _positive_definite(matrix: list[list[float]]) -> bool:
    """Cholesky in plain Python (the matrices are small): False when a pivot is not positive."""
    n = len(matrix)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            total = matrix[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                if total <= 1e-12:
                    return False
                low[i][i] = math.sqrt(total)
            else:
                low[i][j] = total / low[j][j]
    return True
