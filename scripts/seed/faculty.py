"""The demo faculty: cohorts of years 1-6 and residents, tutors, supervisors, an administrator."""

import random
from dataclasses import dataclass, field

FIRST_NAMES = [
    "Amina", "Baptiste", "Chloé", "Daniel", "Elif", "Fatou", "Gabriel", "Hana", "Inès", "Jonas", "Karim", "Léa",
    "Malik", "Nora", "Oscar", "Priya", "Quentin", "Rania", "Sofia", "Théo", "Ulla", "Victor", "Wen", "Yasmine", "Zoé",
    "Arthur", "Camille", "Hugo", "Jade", "Lucas", "Manon", "Nathan", "Sarah", "Tom", "Emma", "Louis", "Alice", "Adam",
]
LAST_NAMES = [
    "Martin", "Bernard", "Dubois", "Nguyen", "Diallo", "Moreau", "Laurent", "Garcia", "Haddad", "Kowalski", "Rossi",
    "Schmidt", "Okafor", "Benali", "Lefebvre", "Petit", "Roux", "Fournier", "Girard", "Mercier", "Chen", "Sato",
]
COHORT_SIZES = {1: 70, 2: 60, 3: 55, 4: 45, 5: 40, 6: 35, 7: 12, 8: 8}  # 7+ = resident years
LANGUAGE_SETS = [["fr"], ["fr", "en"], ["en"], ["fr", "en", "ar"], ["fr", "es"]]


@dataclass
class Person:
    username: str
    full_name: str
    roles: list[str]
    stage: int | None = None  # 1..6 = study year, 7+ = resident year (7 = first-year resident)
    languages: list[str] = field(default_factory=lambda: ["fr"])
    password: str = ""
    id: str = ""  # filled once the gateway has created the user

    @property
    def cohort(self) -> str | None:
        if self.stage is None:
            return None
        return f"Y{self.stage}" if self.stage <= 6 else f"R{self.stage - 6}"


@dataclass
class Faculty:
    people: list[Person]

    def by_username(self, username: str) -> Person:
        return next(p for p in self.people if p.username == username)

    def with_role(self, role: str) -> list[Person]:
        return [p for p in self.people if role in p.roles]

    @property
    def learners(self) -> list[Person]:
        return self.with_role("learner")

    @property
    def tutors(self) -> list[Person]:
        return self.with_role("tutor")


def build_faculty(passwords: dict[str, str], seed: int = 2026) -> Faculty:
    """Deterministic demo people; `passwords` holds the printed demo logins (others share the 'student' one)."""
    rng = random.Random(seed)
    people = [
        Person("admin", "Dr Claire Admin", ["admin"], password=passwords["admin"]),
        Person("supervisor", "Pr Marc Lefort", ["supervisor"], password=passwords["supervisor"]),
        Person("supervisor2", "Dr Aïcha Benhamou", ["supervisor"], password=passwords["supervisor"]),
        Person("tutor", "Inès Moreau", ["tutor", "learner"], stage=5, languages=["fr", "en"], password=passwords["tutor"]),
        Person("learner", "Lucas Bernard", ["learner"], stage=3, languages=["fr", "en"], password=passwords["learner"]),
        Person("resident", "Dr Samir Okafor", ["tutor"], stage=7, languages=["fr", "en"], password=passwords["tutor"]),
    ]
    used = {p.username for p in people}
    for stage, size in COHORT_SIZES.items():
        for index in range(size):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first[0].lower()}{last.lower()}{stage}{index:02d}".encode("ascii", "ignore").decode()
            if username in used:
                continue
            used.add(username)
            tutor = stage >= 7 or (stage >= 4 and rng.random() < 0.35)
            roles = (["tutor"] if stage >= 7 else ["learner", "tutor"]) if tutor else ["learner"]
            people.append(
                Person(username, f"{first} {last}", roles, stage=stage, languages=rng.choice(LANGUAGE_SETS), password=passwords["student"])
            )
    return Faculty(people)
