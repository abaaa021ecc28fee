from fastapi import APIRouter, Request, status

from matching import runs
from matching.api.deps import AdminUser, SessionDep
from matching.models import RunCreate, RunPublic

router = APIRouter(prefix="/api/matching/runs", tags=["runs"])
RUN_WORKER = "matching-runs"


@router.post("", response_model=RunPublic, status_code=status.HTTP_202_ACCEPTED)
def create_run(data: RunCreate, request: Request, session: SessionDep, user: AdminUser) -> RunPublic:
    run = runs.create_run(session=session, data=data, actor=user.sub)
    for worker in request.app.state.workers:
        if worker.name == RUN_WORKER:
            worker.wake()
    return runs.run_public(run)


@router.get("", response_model=list[RunPublic])
def list_runs(session: SessionDep, _: AdminUser, cohort: str | None = None) -> list[RunPublic]:
    return [runs.run_public(r, with_result=False) for r in runs.list_runs(session=session, cohort=cohort)]


@router.get("/{run_id}", response_model=RunPublic)
def get_run(run_id: int, session: SessionDep, _: AdminUser, include_result: bool = True) -> RunPublic:
    return runs.run_public(runs.get_run(session=session, run_id=run_id), with_result=include_result)


@router.post("/{run_id}/publish", response_model=RunPublic)
def publish_run(run_id: int, session: SessionDep, user: AdminUser) -> RunPublic:
    run = runs.get_run(session=session, run_id=run_id)
    return runs.run_public(runs.publish(session=session, run=run, actor=user), with_result=False)


@router.post("/{run_id}/rollback", response_model=RunPublic)
def rollback_run(run_id: int, session: SessionDep, user: AdminUser) -> RunPublic:
    run = runs.get_run(session=session, run_id=run_id)
    return runs.run_public(runs.rollback(session=session, run=run, actor=user), with_result=False)
