"""The eligibility test (Qingdao's published self-test): (yearly household income − fixed
costs) ÷ 12 ÷ household size against the county's 低保 line. Below the line → deep hardship;
below twice the line → relative hardship; otherwise accident costs above 80 % of the yearly
household income → hardship by accident. Integer fen throughout: the comparisons are made on
whole yearly sums, so no rounding decides a boundary."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Assessment:
    level: str
    monthly_per_person_fen: int
    poverty_line_fen: int
    yearly_income_fen: int
    yearly_fixed_costs_fen: int
    accident_costs_fen: int
    household_size: int


def monthly_per_person_fen(income_fen: int, fixed_costs_fen: int, household_size: int) -> int:
    """Shown figure, rounded down to the fen (a negative net counts as nothing)."""
    return max(income_fen - fixed_costs_fen, 0) // (12 * household_size)


def level_of(*, yearly_income_fen: int, yearly_fixed_costs_fen: int, accident_costs_fen: int,
             household_size: int, poverty_line_fen: int) -> str:
    net = yearly_income_fen - yearly_fixed_costs_fen
    # net / 12 / size < line  ⇔  net < line × 12 × size (exact in integers)
    yearly_line = poverty_line_fen * 12 * household_size
    if net < yearly_line:
        return "deep"
    if net < 2 * yearly_line:
        return "relative"
    # costs > 80 % of income  ⇔  5 × costs > 4 × income
    if accident_costs_fen > 0 and 5 * accident_costs_fen > 4 * yearly_income_fen:
        return "accident"
    return "none"


def assess(*, yearly_income_fen: int, yearly_fixed_costs_fen: int, accident_costs_fen: int,
           household_size: int, poverty_line_fen: int) -> Assessment:
    level = level_of(yearly_income_fen=yearly_income_fen,
                     yearly_fixed_costs_fen=yearly_fixed_costs_fen,
                     accident_costs_fen=accident_costs_fen, household_size=household_size,
                     poverty_line_fen=poverty_line_fen)
    return Assessment(level=level,
                      monthly_per_person_fen=monthly_per_person_fen(
                          yearly_income_fen, yearly_fixed_costs_fen, household_size),
                      poverty_line_fen=poverty_line_fen, yearly_income_fen=yearly_income_fen,
                      yearly_fixed_costs_fen=yearly_fixed_costs_fen,
                      accident_costs_fen=accident_costs_fen, household_size=household_size)
