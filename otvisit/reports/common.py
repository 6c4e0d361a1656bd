"""Building blocks shared by the documents: paragraphs, bullets, letter head, checks."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle

from otvisit.reports import styles
from otvisit.reports.content import ChildSummary, CopyRecipient, TeamContact, TherapistContact
from otvisit.reports.errors import DocumentError
from otvisit.reports.flowables import ShapedParagraph
from otvisit.reports.fonts import face
from otvisit.reports.i18n import Language
from otvisit.reports.styles import Stylesheet, TextStyle

MAX_FIELD_CHARS = 20_000
BULLET = "\u2022"


def check_length(label: str, text: str) -> str:
    """Refuse absurdly long text with a message naming the field."""
    if len(text) > MAX_FIELD_CHARS:
        raise DocumentError(
            f"The text for '{label}' is {len(text):,} characters long; the most a document "
            f"can hold is {MAX_FIELD_CHARS:,}. Please shorten it."
        )
    return text


def check_all(label: str, texts: Iterable[str]) -> None:
    for text in texts:
        check_length(label, text)


class Writer:
    """Makes paragraphs for one document in its language and stylesheet."""

    def __init__(self, lang: Language, sheet: Stylesheet) -> None:
        self.lang = lang
        self.sheet = sheet

    def p(self, text: str, style: TextStyle | None = None, **kw: object) -> ShapedParagraph:
        return ShapedParagraph(
            text,
            style or self.sheet.body,
            base_rtl=self.lang.rtl,
            arabic_script=self.sheet.arabic_script,
            **kw,  # type: ignore[arg-type]
        )

    def t(self, key: str, style: TextStyle | None = None, **values: object) -> ShapedParagraph:
        return self.p(self.lang.t(key, **values), style)

    def heading(self, key: str, **values: object) -> ShapedParagraph:
        """A section heading, kept on the page with what follows it (never stranded)."""
        heading = self.t(key, self.sheet.heading, **values)
        heading.keepWithNext = True
        return heading

    def bullets(self, items: Sequence[str]) -> list[Flowable]:
        return [self.p(item, self.sheet.bullet, bullet=BULLET) for item in items]

    def notice(self, text: str) -> ShapedParagraph:
        return self.p(text, self.sheet.notice, background=styles.NOTICE_BG)

    def spacer(self, lines: float = 1.0) -> Spacer:
        return Spacer(1, self.sheet.body.leading * lines)


def grid(rows: Sequence[Sequence[Flowable]], widths: Sequence[float], *, lines: bool) -> Table:
    """A simple table of flowables; ``lines`` draws a light grid."""
    table = Table([list(r) for r in rows], colWidths=list(widths), hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # Tables set a cell font even around flowables; name ours so no Helvetica appears.
        ("FONTNAME", (0, 0), (-1, -1), face("latin", False).name),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if lines:
        commands.append(("GRID", (0, 0), (-1, -1), 0.5, styles.RULE))
    table.setStyle(TableStyle(commands))
    return table


def content_width() -> float:
    return float(styles.PAGE_SIZE[0] - styles.MARGIN_LEFT - styles.MARGIN_RIGHT)


def letter_head(
    w: Writer,
    *,
    team: TeamContact,
    therapist: TherapistContact,
    recipient: Sequence[str],
    date_text: str,
) -> list[Flowable]:
    """NHS letter layout: recipient on the left, service address and contacts on the right."""
    small = w.sheet.small
    service = [
        team.trust_name,
        team.service_name,
        team.team_name,
        *team.address,
        w.lang.t("contact_line", phone=team.phone),
    ]
    if team.email:
        service.append(w.lang.t("email_line", email=team.email))
    service.append(date_text)
    left = [w.p(line, small) for line in recipient if line]
    right = [w.p(line, small) for line in service if line]
    width = content_width()
    return [grid([[left, right]], [width * 0.55, width * 0.45], lines=False), w.spacer(0.5)]


def about_block(w: Writer, child: ChildSummary, *, home_address: bool = False) -> Flowable:
    """The bold 'who this is about' block of a clinical letter.

    The home address is only for letters to the family and the GP: never on what
    goes to a school or nursery.
    """
    lines = [
        f"{w.lang.t('name_label')}: {child.full_name}",
        f"{w.lang.t('dob_label')}: {w.lang.date(child.date_of_birth)}",
        f"{w.lang.t('nhs_label')}: {child.nhs_number_display}",
    ]
    if home_address and child.address:
        lines.append(", ".join(child.address))
    box = grid([[[w.p(line, w.sheet.subheading) for line in lines]]], [content_width()], lines=True)
    return KeepTogether([box, w.spacer(0.4)])


def signature(w: Writer, therapist: TherapistContact, team: TeamContact) -> list[Flowable]:
    out: list[Flowable] = [
        w.t("yours_sincerely"),
        w.spacer(1.2),
        w.p(therapist.name, w.sheet.subheading),
        w.p(therapist.role),
    ]
    out.append(w.p(w.lang.t("contact_line", phone=therapist.phone or team.phone)))
    if therapist.email:
        out.append(w.p(w.lang.t("email_line", email=therapist.email)))
    return [KeepTogether(out[:3]), *out[3:]]  # "Yours sincerely" never ends a page alone


def copy_list(w: Writer, recipients: Sequence[CopyRecipient]) -> list[Flowable]:
    if not recipients:
        return []
    items = [", ".join([r.name, *r.address]) for r in recipients]
    label = w.p(w.lang.t("copy_to") + ":", w.sheet.subheading)
    label.keepWithNext = True
    return [label, *w.bullets(items)]
