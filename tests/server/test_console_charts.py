"""The console's charts: real pygal SVG with a title, an accessible name and the table's numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from otvisit.sync.server import admin
from otvisit.sync.server.database import Database
from otvisit.sync.server.team_views import charts
from otvisit.sync.server.team_views.models import (
    AttendanceFigures,
    BandCount,
    CopmFigures,
    Count,
    Experience,
    Figures,
    GasFigures,
    GroupFigures,
    QuestionAnswers,
    WaitFigures,
    WaitingList,
)
from otvisit.sync.server.team_views.outcomes import team_outcomes

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)  # well-formed XML, or this raises
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img" and root.get("aria-label") == chart.title
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert chart.title in titles
    assert "http" not in "".join(s.get("href", "") for s in root.iter(f"{SVG}script"))
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_gas_chart_draws_the_numbers_of_its_table() -> None:
    counts = [Count(label="under 30", n=0), Count(label="30 to 39", n=3),
              Count(label="40 to 49", n=11), Count(label="50 to 59", n=7)]  # fmt: skip
    chart = charts.gas_chart(GasFigures(children=21, median=47.25, distribution=counts),
                             when="at discharge")  # fmt: skip
    assert chart.title == "GAS T-scores at discharge (21 children, median 47.2)"
    assert chart.rows == (("under 30", "0"), ("30 to 39", "3"), ("40 to 49", "11"),
                          ("50 to 59", "7"))  # fmt: skip
    texts = _texts(_parsed(chart))
    for label, n in chart.rows:
        assert label in texts
        if n != "0":
            assert n in texts  # the value printed on its bar


def test_waiting_chart_and_missed_chart_and_survey_chart() -> None:
    listing = WaitingList(
        today=date(2026, 11, 30), clock_weeks=18, children=[], breaches=4,
        bands=[BandCount(band="0–1", children=2), BandCount(band="18–52", children=4)],
    )  # fmt: skip
    waits = charts.waits_chart(listing)
    assert waits.rows == (("0–1 weeks", "2"), ("18–52 weeks", "4"))
    assert "4 over 18 weeks" in waits.title
    _parsed(waits)

    def figures(n: int, dna: int, wnb: int) -> Figures:
        gas = GasFigures(children=0, median=None, distribution=[])
        return Figures(
            children=n, gas_latest=gas, gas_discharge=gas,
            copm=CopmFigures(problems=0, performance_improved=0, performance_share=None,
                             satisfaction_problems=0, satisfaction_improved=0,
                             satisfaction_share=None),
            attendance=AttendanceFigures(appointments=40, attended=40 - dna - wnb,
                                         did_not_attend=dna, was_not_brought=wnb,
                                         did_not_attend_rate=dna / 40,
                                         was_not_brought_rate=wnb / 40),
            waits=WaitFigures(children=0, median_days=None, distribution=[]),
        )  # fmt: skip

    groups = [GroupFigures(key="pl", label="pl", figures=figures(3, 4, 2)),
              GroupFigures(key="en", label="en", figures=figures(30, 2, 1))]  # fmt: skip
    missed = charts.missed_chart(groups, by="written language")
    assert missed.rows[0] == ("pl", "3", "40", "4 (10.0%)", "2 (5.0%)")
    root = _parsed(missed)
    assert "pl (n=40)" in _texts(root)
    survey = charts.survey_chart(
        Experience(period_from=None, period_to=None, surveys=5, comments=[], languages=[],
                   questions=[QuestionAnswers(key="felt_listened_to", question="Listened?",
                                              answered=5, counts=[0, 0, 1, 2, 2], mean=4.2)])
    )  # fmt: skip
    assert survey.rows == (("Listened?", "5", "0", "0", "1", "2", "2", "4.20"),)
    _parsed(survey)


def test_the_outcomes_page_charts_come_from_the_services_figures(tmp_path: Path) -> None:
    """The charts of a real (empty) team's outcomes: seven, each with its table."""
    database = Database(f"sqlite:///{tmp_path / 'server.db'}")
    try:
        database.migrate()
        with database.write() as session:
            team = admin.create_team(session, name="Riverside")
        with database.read() as session:
            figures = team_outcomes(session, team_id=team, start=date(2026, 1, 1),
                                    end=date(2026, 11, 30))  # fmt: skip
    finally:
        database.dispose()
    made = charts.outcome_charts(figures)
    assert [c.title.split(" (")[0] for c in made] == [
        "GAS T-scores at the latest rating", "GAS T-scores at discharge",
        "Weeks from referral to the first appointment", "Missed appointments by therapist",
        "Missed appointments by setting", "Missed appointments by written language",
        "Missed appointments by interpreter need",
    ]  # fmt: skip
    for chart in made:
        _parsed(chart)
