from zoneinfo import ZoneInfo

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from feedback import reports
from feedback.api.deps import SessionDep, SettingsDep, SignedInUser
from feedback.models import Portfolio
from kit.auth import ensure_self_or
from kit.db import utcnow

router = APIRouter(prefix="/api/feedback/portfolio", tags=["portfolio"])
templates = Environment(loader=PackageLoader("feedback", "templates"), autoescape=select_autoescape(["html"]))


@router.get("/{tutor_id}", response_model=Portfolio)
def get_portfolio(tutor_id: str, session: SessionDep, settings: SettingsDep, principal: SignedInUser) -> Portfolio:
    ensure_self_or(principal, tutor_id, roles=("supervisor", "admin"))
    return reports.portfolio(session=session, tutor_id=tutor_id, min_n=settings.report_min_n)


@router.get("/{tutor_id}/certificate", response_class=HTMLResponse, response_model=None)
def get_certificate(tutor_id: str, session: SessionDep, settings: SettingsDep, principal: SignedInUser,
                    name: str | None = None) -> HTMLResponse:
    ensure_self_or(principal, tutor_id, roles=("supervisor", "admin"))
    data = reports.portfolio(session=session, tutor_id=tutor_id, min_n=settings.report_min_n)
    display = name or (principal.name if principal.sub == tutor_id else None) or tutor_id
    issued = utcnow().astimezone(ZoneInfo(settings.faculty_timezone))
    html = templates.get_template("certificate.html").render(p=data, name=display, issued=issued)
    return HTMLResponse(html)
