import csv
import io
import math
import random
import statistics
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from scipy import stats

from kit.db import utcnow
from kit.pytest_plugin import Auth
from tests.factories import (
    EVENTS,
    Person,
    SessionSpec,
    assess,
    events_headers,
    learner,
    new_id,
    rate,
    supervisor,
    tutor,
)

REPORT = "/api/feedback/reports/programme"
CRITERIA = ("clarity", "accuracy", "usefulness", "tutor_approach")


@dataclass
class World:
    tutors: list[Person]
    learners: list[Person]
    sessions: list[SessionSpec]
    befores: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    afters: list[tuple[str, SessionSpec, int, int]] = field(default_factory=list)  # in creation order
    ratings: list[tuple[SessionSpec, dict[str, int]]] = field(default_factory=list)
    retrospective: set[tuple[str, int]] = field(default_factory=set)


@pytest.fixture
def world(client: TestClient, auth: Auth) -> World:
    rng = random.Random(20261125)
    a, b, c = tutor(), tutor(), tutor()
    learners = [learner() for _ in range(30)]
    now = utcnow()
    sessions = [
        SessionSpec(session_id=new_id(), topic_id=1, tutor_ids=[(a if i % 2 == 0 else b).id], attendee_ids=[],
                    cohort="Y3" if i % 2 == 0 else "Y4", starts_at=now - timedelta(days=30 - i * 4))
        for i in range(6)
    ] + [SessionSpec(session_id=new_id(), topic_id=2, tutor_ids=[c.id], attendee_ids=[], cohort="Y3", starts_at=now - timedelta(days=2))]
    w = World(tutors=[a, b, c], learners=learners, sessions=sessions)
    plan: dict[str, list[SessionSpec]] = {}
    for index, person in enumerate(learners):
        chosen = sorted(rng.sample(sessions[:6], 2), key=lambda s: s.starts_at)
        if index < 4:
            chosen.append(sessions[6])
        plan[person.id] = chosen
        for spec in chosen:
            spec.attendee_ids.append(person.id)
        for topic in {s.topic_id for s in chosen}:
            if index % 10 == 9:
                continue  # a few learners give a retrospective 'before' after their first session instead
            conf, anx = rng.randint(1, 4), rng.randint(2, 5)
            assess(client, auth, person, phase="before", topic_id=topic, confidence=conf, anxiety=anx)
            w.befores[(person.id, topic)] = (conf, anx)
    for spec in sessions:
        assert client.post(EVENTS, json=spec.payload(), headers=events_headers(auth)).status_code == 201
    for index, person in enumerate(learners):
        if index % 10 == 9:
            first = plan[person.id][0]
            conf, anx = rng.randint(1, 4), rng.randint(2, 5)
            made = client.post("/api/feedback/assessments", json={"phase": "before", "retrospective": True, "session_id": first.session_id,
                                                                 "confidence": conf, "anxiety": anx}, headers=person.headers(auth))
            assert made.status_code == 201, made.text
            w.befores[(person.id, first.topic_id)] = (conf, anx)
            w.retrospective.add((person.id, first.topic_id))
        for spec in plan[person.id]:
            conf, anx = rng.randint(1, 5), rng.randint(1, 5)
            assess(client, auth, person, phase="after", session_id=spec.session_id, confidence=conf, anxiety=anx)
            w.afters.append((person.id, spec, conf, anx))
            if rng.random() < 0.8:
                scores = {c: rng.randint(1, 5) for c in CRITERIA}
                rate(client, auth, person, spec.session_id, **scores)
                w.ratings.append((spec, scores))
    return w


def expected_retrospective(w: World, keep: Any) -> int:
    last = {(learner_id, spec.topic_id) for learner_id, spec, _, _ in w.afters if keep(spec)}
    return len(last & w.retrospective)


def expected_pairs(w: World, keep: Any) -> dict[str, list[float]]:
    last: dict[tuple[str, int], tuple[int, int]] = {}
    for learner_id, spec, conf, anx in w.afters:
        if keep(spec):
            last[(learner_id, spec.topic_id)] = (conf, anx)
    d_conf, d_anx = [], []
    for key, (conf, anx) in last.items():
        if key in w.befores:
            d_conf.append(conf - w.befores[key][0])
            d_anx.append(anx - w.befores[key][1])
    return {"confidence": [float(x) for x in d_conf], "anxiety": [float(x) for x in d_anx]}


def check_change(actual: dict[str, Any], diffs: list[float]) -> None:
    n = len(diffs)
    assert actual["enough_data"] is True
    assert actual["n"] == n
    mean = statistics.fmean(diffs)
    sd = statistics.stdev(diffs)
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    assert actual["mean_diff"] == pytest.approx(mean, abs=1e-9)
    assert actual["sd_diff"] == pytest.approx(sd, abs=1e-9)
    assert actual["ci_low"] == pytest.approx(mean - half, abs=1e-9)
    assert actual["ci_high"] == pytest.approx(mean + half, abs=1e-9)
    assert actual["effect_size_dz"] == pytest.approx(mean / sd, abs=1e-9)


def check_report(body: dict[str, Any], w: World, keep: Any) -> None:
    kept = [s for s in w.sessions if keep(s)]
    assert body["sessions_held"] == len(kept)
    assert body["attendance"] == sum(len(s.attendee_ids) for s in kept)
    assert body["distinct_learners"] == len({p for s in kept for p in s.attendee_ids})
    ratings = [scores for spec, scores in w.ratings if keep(spec)]
    assert body["ratings"]["n"] == len(ratings)
    for criterion in CRITERIA:
        assert body["ratings"][criterion] == pytest.approx(statistics.fmean(r[criterion] for r in ratings), abs=1e-9)
    pairs = expected_pairs(w, keep)
    assert body["pairs_with_retrospective_before"] == expected_retrospective(w, keep)
    check_change(body["confidence_change"], pairs["confidence"])
    check_change(body["anxiety_change"], pairs["anxiety"])


def test_programme_report_matches_independent_computation(client: TestClient, auth: Auth, world: World) -> None:
    headers = supervisor().headers(auth)
    everything = client.get(REPORT, headers=headers)
    assert everything.status_code == 200, everything.text
    check_report(everything.json(), world, lambda s: True)
    assert everything.json()["pairs_with_retrospective_before"] == 3  # learners 9, 19 and 29

    topic1 = client.get(REPORT, params={"topic_id": 1}, headers=headers).json()
    check_report(topic1, world, lambda s: s.topic_id == 1)

    tutor_a = world.tutors[0].id
    by_tutor = client.get(REPORT, params={"tutor_id": tutor_a}, headers=headers).json()
    check_report(by_tutor, world, lambda s: tutor_a in s.tutor_ids)

    start = world.sessions[2].starts_at
    windowed = client.get(REPORT, params={"cohort": "Y4", "start": start.isoformat()}, headers=headers).json()
    assert windowed["filters"]["cohort"] == "Y4"
    check_report(windowed, world, lambda s: s.cohort == "Y4" and s.starts_at >= start)


def test_not_enough_data_below_threshold(client: TestClient, auth: Auth, world: World) -> None:
    body = client.get(REPORT, params={"topic_id": 2}, headers=supervisor().headers(auth)).json()
    n = len(expected_pairs(world, lambda s: s.topic_id == 2)["confidence"])
    assert 0 < n < 10
    assert body["confidence_change"] == {"enough_data": False, "n": n, "min_n": 10, "mean_before": None, "mean_after": None,
                                         "mean_diff": None, "sd_diff": None, "ci_low": None, "ci_high": None, "effect_size_dz": None}
    assert body["anxiety_change"]["enough_data"] is False


def _from_cell(text: str, like: Any) -> Any:
    if text == "":
        return None
    if isinstance(like, bool):
        return text == "true"
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    return text


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


@pytest.mark.parametrize("how", ["param", "accept"])
def test_csv_round_trips_to_the_json(client: TestClient, auth: Auth, world: World, how: str) -> None:
    headers = supervisor().headers(auth)
    params = {"topic_id": 1}
    as_json = _flatten(client.get(REPORT, params=params, headers=headers).json())
    if how == "param":
        response = client.get(REPORT, params=params | {"format": "csv"}, headers=headers)
    else:
        response = client.get(REPORT, params=params, headers=headers | {"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["metric", "value"]
    parsed = {metric: _from_cell(value, as_json.get(metric)) for metric, value in rows[1:]}
    assert parsed == as_json
    assert parsed["confidence_change.mean_diff"] is not None


def test_report_is_for_supervisors(client: TestClient, auth: Auth) -> None:
    response = client.get(REPORT, headers=tutor().headers(auth))
    assert response.status_code == 403
    bad = client.get(REPORT, params={"start": "2026-02-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"}, headers=supervisor().headers(auth))
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_interval"


def test_quality_is_shrunk_toward_the_global_mean(client: TestClient, auth: Auth, world: World) -> None:
    a, b, _ = world.tutors
    absent = new_id()
    headers = auth.client("svc-matching", scopes=["feedback:quality"])
    response = client.get("/api/feedback/quality", params={"tutor_ids": f"{a.id},{b.id},{absent}", "topic_id": 1}, headers=headers)
    assert response.status_code == 200, response.text
    body = {s["tutor_id"]: s for s in response.json()}

    def scaled(scores: dict[str, int]) -> float:
        return (statistics.fmean(scores.values()) - 1) / 4

    topic1 = [(spec, scaled(s)) for spec, s in world.ratings if spec.topic_id == 1]
    global_mean = statistics.fmean(v for _, v in topic1)
    m = 10.0
    for person in (a, b):
        mine = [v for spec, v in topic1 if person.id in spec.tutor_ids]
        expected = (len(mine) * statistics.fmean(mine) + m * global_mean) / (len(mine) + m)
        assert body[person.id]["n"] == len(mine)
        assert body[person.id]["score"] == pytest.approx(expected, abs=1e-5)
    assert body[absent] == {"tutor_id": absent, "topic_id": 1, "score": pytest.approx(global_mean, abs=1e-5), "n": 0}
    assert client.get("/api/feedback/quality", params={"tutor_ids": a.id}, headers=learner().headers(auth)).status_code == 403
    assert client.get("/api/feedback/quality", params={"tutor_ids": a.id}, headers=supervisor().headers(auth)).status_code == 200


def test_quality_refuses_bad_id_lists(client: TestClient, auth: Auth) -> None:
    headers = auth.client("svc-matching", scopes=["feedback:quality"])
    response = client.get("/api/feedback/quality", params={"tutor_ids": " , ,"}, headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_tutor_ids"
    assert response.json()["details"][0]["field"] == "query.tutor_ids"
    missing = client.get("/api/feedback/quality", headers=headers)
    assert missing.status_code == 422 and missing.json()["details"][0]["field"] == "query.tutor_ids"
