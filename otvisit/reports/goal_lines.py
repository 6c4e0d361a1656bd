"""Goals as the family reads them: in their own words, with the English beside where chosen."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.platypus import Flowable, KeepTogether

from otvisit.reports.common import BULLET, Writer
from otvisit.reports.content import Goal


def goal_bullets(w: Writer, goals: Sequence[Goal], *, english_beside: bool) -> list[Flowable]:
    """One bullet per goal in the document's language (the family's wording where set).

    With ``english_beside`` (the therapist's choice at print time), a goal printed in the
    family's words has its English wording under it, so whoever reads English at home,
    or the interpreter, sees both; it stays on the page with its goal.
    """
    out: list[Flowable] = []
    for goal in goals:
        wording = goal.in_language(w.lang.code)
        bullet = w.p(wording, w.sheet.bullet, bullet=BULLET)
        if english_beside and wording != goal.wording:
            # Under the family's words, on their side of the page (the right in Arabic).
            english = w.p(goal.wording, w.sheet.english_beside, right_aligned=w.lang.rtl)
            out.append(KeepTogether([bullet, english]))
        else:
            out.append(bullet)
    return out
