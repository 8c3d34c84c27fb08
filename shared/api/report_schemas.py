"""Request and response bodies of reports, surveys and the forecast (docs/reports.md)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from shared.api.schemas import Out, Strict

Comment = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class SurveyAnswer(Strict):
    score: int = Field(ge=1, le=5, description="1 very dissatisfied ... 5 very satisfied")
    comment: Comment | None = None


class SurveyTicket(Out):
    number: str
    subject: str


class SurveyOut(Out):
    ticket: SurveyTicket
    score: int | None
    comment: str | None
    status: str


_DAY_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"


def _calendar_day(value: str) -> str:
    date.fromisoformat(value)  # ValueError (a 400 naming the field) for 2026-02-30
    return value


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    # A calendar day of this century (reports start in 2000): what parse_day and the period arithmetic accept.
    date: (
        Annotated[
            str,
            StringConstraints(pattern=_DAY_PATTERN),
            AfterValidator(_calendar_day),
            WithJsonSchema({"type": "string", "format": "date", "pattern": _DAY_PATTERN}),
        ]
        | None
    ) = None
    format: Literal["json", "csv", "xlsx"] = "json"


class ForecastQuery(BaseModel):
    model_config = ConfigDict(extra="ignore", defer_build=True)

    days: int = Field(default=14, ge=1, le=60)


class TargetOut(Out):
    count: int
    met: int
    met_rate: float | None
    mean_minutes: float | None
    p90_minutes: float | None


class SatisfactionOut(Out):
    responses: int
    mean: float | None
    satisfied_rate: float | None


class MeasuresOut(Out):
    created: int
    resolved: int
    reopened: int
    first_response: TargetOut
    resolution: TargetOut
    satisfaction: SatisfactionOut


class DimensionRowOut(MeasuresOut):
    key: str | None


class ReasonOut(Out):
    reason: str
    label: str
    count: int


class DailyOut(Out):
    date: str
    created: int
    resolved: int


class AnswerOut(Out):
    number: str | None
    customer: str = Field(description="masked: 客户A-3f2c")
    score: int
    comment: str
    team: str | None
    agent: str | None
    rated_at: str


class FactsOut(Out):
    rolled_up_to: str | None = Field(
        description="the rollups hold every fact written before this time (tenant time zone); null before the first run"
    )
    pending: int = Field(description="facts written since, read one by one for this answer")
    complete: bool = Field(description="false only when the rollup is so far behind that not all of those were read")


class KbArticleOut(Out):
    article_id: str
    title: str
    views: int
    helpful: int
    not_helpful: int
    deflections: int


class KbSectionOut(Out):
    since: str
    until: str
    views: int = Field(description="article reads by anyone but staff")
    helpful: int
    not_helpful: int
    deflections: int = Field(
        description="questions the portal's suggestions answered (这解决了我的问题): tickets not opened"
    )
    articles: list[KbArticleOut] = Field(description="the ten most viewed articles of the period")


class ReportOut(Out):
    period: str
    start: str
    end: str
    timezone: str
    generated_at: str
    totals: MeasuresOut
    by_channel: list[DimensionRowOut]
    by_priority: list[DimensionRowOut]
    by_team: list[DimensionRowOut]
    by_agent: list[DimensionRowOut]
    by_category: list[DimensionRowOut]
    breach_reasons: list[ReasonOut]
    daily: list[DailyOut]
    answers: list[AnswerOut] = Field(default_factory=list)
    facts: FactsOut | None = None
    kb: KbSectionOut | None = None


class ForecastDayOut(Out):
    date: str
    expected: float
    low: float
    high: float


class StaffingOut(Out):
    date: str
    hour: int
    expected: float
    agents_needed: int


class ForecastOut(Out):
    method: str
    history_days: int
    days: list[ForecastDayOut]
    staffing: list[StaffingOut]
    assumptions: dict[str, Any]
