from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi.responses import Response

from feedback import reports
from feedback.api.deps import SessionDep, SettingsDep, SupervisorUser
from feedback.models import ProgrammeReport, QualitySignal
from kit.auth import Principal, require
from kit.errors import ValidationFailed

router = APIRouter(prefix="/api/feedback/reports", tags=["reports"])
quality_router = APIRouter(prefix="/api/feedback/quality", tags=["quality"])
QualityCaller = Annotated[Principal, Depends(require(roles=("supervisor", "admin"), scopes=("feedback:quality",)))]


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


@router.get("/programme", response_model=ProgrammeReport,
            responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with format=csv / Accept: text/csv"}})
def programme_report(
    session: SessionDep,
    settings: SettingsDep,
    _: SupervisorUser,
    cohort: str | None = None,
    topic_id: int | None = None,
    tutor_id: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    format: Literal["json", "csv"] | None = None,
    accept: Annotated[str | None, Header()] = None,
) -> Any:
    start, end = _aware(start), _aware(end)
    if start is not None and end is not None and end <= start:
        raise ValidationFailed("end must be after start", code="invalid_interval", field="query.end")
    filters = reports.ReportFilters(cohort=cohort, topic_id=topic_id, tutor_id=tutor_id, start=start, end=end)
    report = reports.programme_report(session=session, filters=filters, min_n=settings.report_min_n)
    wants_csv = format == "csv" or (format is None and accept is not None and "text/csv" in accept)
    if wants_csv:
        return Response(reports.report_csv(report), media_type="text/csv",
                        headers={"Content-Disposition": 'attachment; filename="programme-report.csv"'})
    return report


@quality_router.get("", response_model=list[QualitySignal])
def quality(
    session: SessionDep,
    settings: SettingsDep,
    _: QualityCaller,
    tutor_ids: Annotated[str, Query(min_length=1, max_length=8000)],
    topic_id: int | None = None,
) -> list[QualitySignal]:
    ids = [t.strip() for t in tutor_ids.split(",") if t.strip()]
    if not ids or len(ids) > 200:
        raise ValidationFailed("Give between 1 and 200 tutor ids", code="invalid_tutor_ids", field="query.tutor_ids")
    return reports.quality_signals(session=session, tutor_ids=ids, topic_id=topic_id, prior_weight=settings.quality_prior_weight)
