import numpy as np
import pytest

from kit.errors import ValidationFailed
from matching import rules
from matching.core.config import Settings

SETTINGS = Settings(environment="test")


@pytest.mark.parametrize(
    ("tutor", "learner", "ok"),
    [(3, 2, True), (5, 2, True), (6, 2, False), (2, 2, False), (1, 3, False), (7, 5, True), (7, 3, False), (9, 7, True)],
)
def test_near_peer_gap(tutor: int, learner: int, ok: bool) -> None:
    assert (rules.near_peer_problem(SETTINGS, tutor_stage=tutor, learner_stage=learner) is None) is ok


def test_near_peer_message_names_both_stages() -> None:
    with pytest.raises(ValidationFailed) as caught:
        rules.ensure_near_peer(SETTINGS, tutor_stage=2, learner_stage=3)
    assert caught.value.code == "near_peer_rule"
    assert caught.value.message == "tutor is year 2, learner year 3: tutor must be 1–3 years ahead"  # noqa: RUF001


def test_resident_label_and_configurable_gap() -> None:
    assert rules.stage_label(7) == "resident year 1"
    wide = Settings(environment="test", near_peer_min_gap=2, near_peer_max_gap=5)
    assert rules.near_peer_problem(wide, tutor_stage=4, learner_stage=3) is not None
    assert rules.near_peer_problem(wide, tutor_stage=8, learner_stage=3) is None


def test_criteria_values() -> None:
    assert rules.stage_gap(SETTINGS, np.array([1.0, 2.0, 3.0])).tolist() == pytest.approx([2 / 3, 1.0, 2 / 3])
    assert rules.topic_fit(np.array([5.0, 1.0]), np.array([True, False])).tolist() == pytest.approx([1.0, 0.16])
    learner = np.array([rules.format_mask(["one_to_one_online", "group_online"])] * 2)
    tutor = np.array([rules.format_mask(["group_online"]), rules.format_mask(["group_in_person"])])
    assert rules.format_fit(learner, tutor).tolist() == [0.5, 0.0]
    index: dict[str, int] = {}
    fr, en = rules.language_mask(["fr"], index), rules.language_mask(["en"], index)
    assert rules.language_fit(np.array([fr, fr]), np.array([fr | en, en])).tolist() == [1.0, 0.0]
    assert rules.load_fit(np.array([0.0, 1.0, 3.0]), np.array([2.0, 2.0, 2.0])).tolist() == [1.0, 0.5, 0.0]


def test_combine_renormalises_over_present_criteria() -> None:
    full = {name: np.array([1.0]) for name in SETTINGS.weights()}
    assert rules.combine(SETTINGS, full)[0] == pytest.approx(1.0)
    partial = {"topic_fit": np.array([1.0]), "load": np.array([0.0])}
    assert rules.combine(SETTINGS, partial)[0] == pytest.approx(0.30 / 0.40)
