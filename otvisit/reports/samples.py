"""Realistic sample data for tests, benchmarks and trying documents out."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from PIL import Image, ImageDraw, ImageFont

from otvisit.models.vocabulary import DischargeReason
from otvisit.reports.content import (
    AttachedPicture,
    ChildSummary,
    CopmScore,
    CopyRecipient,
    DischargeLetter,
    EquipmentInPlace,
    EquipmentLetter,
    GasLevel,
    GasPoint,
    Goal,
    GoalProgress,
    HomeProgramme,
    Measurement,
    ProgressReport,
    SettingContact,
    StrategyChoice,
    TeamContact,
    TherapistContact,
)
from otvisit.reports.referral_letter import ReferralDeclinedLetter
from otvisit.services.gas import gas_t_score
from otvisit.services.team_logo import clean_logo

TODAY = date(2026, 11, 24)


def team() -> TeamContact:
    return TeamContact(
        service_name="Children's Community Occupational Therapy",
        team_name="South Borough OT Team",
        phone="020 3049 8181",
        language_line="020 7188 8815",
        address=("Children's Therapy Centre", "1 Example Road", "London SE1 7EH"),
        email="childrens.ot@example.nhs.uk",
        trust_name="Example NHS Foundation Trust",
    )


def therapist() -> TherapistContact:
    return TherapistContact(
        name="Priya Shah",
        role="Occupational Therapist (Band 6)",
        phone="020 3049 8181",
        email="priya.shah@example.nhs.uk",
    )


def child(first_name: str = "Sam", *, nhs_number: str = "9434765919") -> ChildSummary:
    return ChildSummary(
        first_name=first_name,
        last_name="Okafor",
        date_of_birth=date(2019, 3, 14),
        nhs_number=nhs_number,
        carers=("Ada Okafor", "Tunde Okafor"),
        address=("12 Sample Street", "London SE5 8AA"),
    )


def school() -> SettingContact:
    return SettingContact(
        name="Rosemary Primary School",
        contact_name="Ms Helen Carter",
        contact_role="SENCo",
        address=("Rosemary Lane", "London SE5 9BB"),
        phone="020 7000 0000",
        email="senco@rosemary.example.sch.uk",
    )


def goals() -> tuple[Goal, ...]:
    return (
        Goal("g1", "Sam will put his coat on by himself before outdoor play."),
        Goal("g2", "Sam will cut up his own fish fingers at lunch."),
        Goal("g3", "Sam will write his first name so his teacher can read it."),
    )


def programme(first_name: str = "Sam") -> HomeProgramme:
    return HomeProgramme(
        child=child(first_name),
        therapist=therapist(),
        team=team(),
        goals=goals(),
        strategies=(
            StrategyChoice("dressing-coat-flip", ("g1",)),
            StrategyChoice("eating-knife-and-fork", ("g2",)),
            StrategyChoice("eating-steady-base", ("g2",)),
            StrategyChoice(
                "handwriting-pencil-grip",
                ("g3",),
                note="Sam likes the green triangular pencil best.",
            ),
            StrategyChoice("sensory-heavy-work", ()),
        ),
        this_week=(
            "Practise the coat flip every morning before school.",
            "Cut a soft food at tea time twice this week.",
        ),
        issued_on=TODAY,
        setting=school(),
        review_date=date(2027, 2, 24),
    )


def _levels(goal: str) -> tuple[GasLevel, ...]:
    return (
        GasLevel(-2, f"{goal}: needs full help every time."),
        GasLevel(-1, f"{goal}: needs help with most steps."),
        GasLevel(0, f"{goal}: manages with one reminder."),
        GasLevel(1, f"{goal}: manages with no reminder most days."),
        GasLevel(2, f"{goal}: manages every day and helps a friend."),
    )


def progress_report() -> ProgressReport:
    g = goals()
    return ProgressReport(
        child=child(),
        therapist=therapist(),
        team=team(),
        report_date=TODAY,
        goals=(
            GoalProgress(
                g[0],
                _levels("Coat on"),
                baseline=-2,
                current=1,
                set_on=date(2026, 3, 2),
                rated_on=date(2026, 11, 10),
                history=(
                    GasPoint(date(2026, 5, 11), -1),
                    GasPoint(date(2026, 7, 13), 0),
                    GasPoint(date(2026, 11, 10), 1),
                ),
            ),
            GoalProgress(
                g[1],
                _levels("Cutting food"),
                baseline=-1,
                current=0,
                set_on=date(2026, 3, 2),
                rated_on=date(2026, 11, 10),
                history=(
                    GasPoint(date(2026, 5, 11), -1),
                    GasPoint(date(2026, 7, 13), -1),
                    GasPoint(date(2026, 11, 10), 0),
                ),
            ),
            GoalProgress(
                g[2],
                _levels("Writing name"),
                baseline=-2,
                current=-1,
                weight=2.0,
                set_on=date(2026, 5, 11),
                rated_on=date(2026, 11, 10),
                history=(GasPoint(date(2026, 11, 10), -1),),
            ),
        ),
        copm=(
            CopmScore("Putting on coat", 3, 2, 7, 8, date(2026, 3, 2), date(2026, 11, 10)),
            CopmScore("Using knife and fork", 4, 3, 5, 6, date(2026, 3, 2), date(2026, 11, 10)),
            CopmScore("Writing name", 2, 2, 4, 3, date(2026, 3, 2), date(2026, 11, 10)),
        ),
        gas_t_score=gas_t_score([(1, 1.0), (0, 1.0), (-1, 2.0)]),
        summary="Sam has made good progress with dressing. Handwriting is still hard.",
    )


def equipment_letter() -> EquipmentLetter:
    return EquipmentLetter(
        child=child(),
        therapist=therapist(),
        team=team(),
        setting=school(),
        letter_date=TODAY,
        item="Height-adjustable classroom chair with footrest",
        product_code="KS-200-3 (size 3, seat 28-36 cm)",
        supplier="Kidsafe Seating Ltd",
        functional_need=(
            "Sam's feet do not reach the floor on the standard chair. He slumps and "
            "holds the table to stay upright, so his hands are not free for writing."
        ),
        goal=goals()[2],
        measurements=(
            Measurement("Seat height", "31 cm"),
            Measurement("Seat depth", "28 cm"),
            Measurement("Footplate height from floor", "4 cm"),
            Measurement("Table height", "53 cm"),
        ),
        fitting_notes=(
            "Set the seat so Sam's hips and knees are at about 90 degrees.",
            "Feet flat on the footrest; check each half term as he grows.",
        ),
        alternatives_tried=(
            "Standard chair with a box under the feet: the box slid away.",
            "Wedge cushion: helped posture but feet still did not reach the floor.",
        ),
        funding_responsibility="School (reasonable adjustment under SEND arrangements)",
        provision_responsibility="School orders; OT checks fitting at first use",
        safety_notes=("Check the height locks are tight each week.",),
        training_notes=("OT will show classroom staff how to adjust the chair.",),
        review_date=date(2027, 3, 1),
        copy_to=(
            CopyRecipient("Ada and Tunde Okafor (parents)"),
            CopyRecipient("Dr R Mensah, GP", ("Camberwell Surgery", "London SE5")),
        ),
    )


def discharge_letter() -> DischargeLetter:
    return DischargeLetter(
        child=child(),
        therapist=therapist(),
        team=team(),
        letter_date=TODAY,
        reason=DischargeReason.GOALS_MET,
        achievements=(
            "Sam puts his coat on by himself.",
            "Sam cuts soft food with a knife and fork.",
        ),
        discharged_on=date(2026, 11, 20),
        referral_reason=(
            "Referred by the school SENCo: difficulty with dressing, cutlery and "
            "handwriting, slumping on the classroom chair."
        ),
        worked_on=goals(),
        gas_t_score=gas_t_score([(1, 1.0), (0, 1.0), (-1, 2.0)]),
        copm=(
            CopmScore("Putting on coat", 3, 2, 7, 8, date(2026, 3, 2), date(2026, 11, 10)),
            CopmScore("Using knife and fork", 4, 3, 5, 6, date(2026, 3, 2), date(2026, 11, 10)),
        ),
        equipment_left=(
            EquipmentInPlace(
                "Height-adjustable classroom chair with footrest",
                "Rosemary Primary School (SENCo checks the fit each term)",
                date(2027, 3, 1),
            ),
        ),
        copy_to=(
            CopyRecipient("Dr R Mensah, GP", ("Camberwell Surgery", "London SE5")),
            CopyRecipient("Ms Helen Carter, SENCo", ("Rosemary Primary School",)),
        ),
    )


def batch(count: int) -> list[HomeProgramme]:
    """``count`` handouts' worth of programmes with different names, for benchmarks."""
    base = programme()
    return [replace(base, child=child(f"Child{n:03d}")) for n in range(count)]


def referral_declined_letter() -> ReferralDeclinedLetter:
    """A made-up declined referral (for the document tests and previews)."""
    return ReferralDeclinedLetter(
        child=child(),
        therapist=therapist(),
        team=team(),
        letter_date=TODAY,
        received_on=date(2026, 11, 2),
        referrer_name="Dr A. Okoye",
        referrer_role="GP",
        referrer_address=("Bankside Medical Centre", "London SE1 9AA"),
        referral_reason="Parents worried about meltdowns at bedtime",
        decline_reason="Sam's needs are about sleep; we have passed the referral to the sleep "
        "service.",
        copy_to=(CopyRecipient("Grace Okafor", ("12 Example Road", "London SE15 4AB")),),
    )


def setup_photo(width: int = 1600, height: int = 1200) -> AttachedPicture:
    """A drawn stand-in for a photo of the chair set at the table (no child in it)."""
    image = Image.new("RGB", (width, height), (232, 226, 214))
    draw = ImageDraw.Draw(image)
    u = width / 16
    draw.rectangle((0, height * 0.78, width, height), fill=(176, 150, 120))  # floor
    draw.rectangle((7 * u, 4.4 * u, 15 * u, 4.9 * u), fill=(120, 86, 52))  # table top
    draw.rectangle((14.2 * u, 4.9 * u, 14.6 * u, height * 0.78), fill=(120, 86, 52))
    draw.rectangle((3 * u, 5.6 * u, 6.6 * u, 6.0 * u), fill=(0, 94, 184))  # seat
    draw.rectangle((3 * u, 2.4 * u, 3.4 * u, 6.0 * u), fill=(0, 94, 184))  # back
    draw.rectangle((3.2 * u, 6.0 * u, 3.5 * u, height * 0.78), fill=(60, 60, 60))
    draw.rectangle((6.1 * u, 6.0 * u, 6.4 * u, height * 0.78), fill=(60, 60, 60))
    draw.rectangle((4.4 * u, 8.0 * u, 7.0 * u, 8.3 * u), fill=(255, 184, 28))  # footrest
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return AttachedPicture(
        "sample-photo",
        "Chair at the writing table: feet flat on the footrest, elbows level with the table top",
        date(2026, 11, 20),
        out.getvalue(),
        width,
        height,
    )


def equipment_letter_with_photos() -> EquipmentLetter:
    """The sample equipment letter with a photo of the set-up (consent for letters given)."""
    return replace(equipment_letter(), photos=(setup_photo(),))


def sample_logo_png() -> bytes:
    """A drawn stand-in for a team's logo, cleaned as the console cleans an upload."""
    image = Image.new("RGBA", (1200, 480), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 40, 400, 440), radius=60, fill=(0, 94, 184, 255))
    draw.polygon(((90, 330), (200, 110), (310, 330)), fill=(255, 255, 255, 255))
    draw.ellipse((170, 250, 230, 310), fill=(0, 94, 184, 255))
    big, small = ImageFont.load_default(size=104), ImageFont.load_default(size=64)
    draw.text((450, 90), "South Borough", font=big, fill=(0, 48, 135, 255))
    draw.text((454, 250), "Children's OT", font=small, fill=(66, 84, 98, 255))
    draw.text((454, 330), "Occupational Therapy", font=small, fill=(66, 84, 98, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return clean_logo(out.getvalue()).png


def discharge_letter_with_logo() -> DischargeLetter:
    """The sample discharge letter under the team's logo."""
    letter = discharge_letter()
    return replace(letter, team=replace(letter.team, logo_png=sample_logo_png()))
