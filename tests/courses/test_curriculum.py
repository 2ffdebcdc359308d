"""A workshop's curriculum must fill exactly the time the workshop lasts."""

from django.core.exceptions import ValidationError

import pytest

from courses.blocks import total_minutes
from tests.factories import WorkshopPageFactory, curriculum


@pytest.mark.django_db
def test_modules_that_fall_short_of_the_duration_are_refused_with_both_totals(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue)
    workshop.curriculum = curriculum(total_minutes=330)

    with pytest.raises(ValidationError) as raised:
        workshop.full_clean()

    message = " ".join(raised.value.message_dict["duration_hours"])
    assert "330" in message
    assert "360" in message


@pytest.mark.django_db
def test_modules_that_overrun_the_duration_are_refused(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, duration_hours=3)
    workshop.curriculum = curriculum(total_minutes=240)

    with pytest.raises(ValidationError) as raised:
        workshop.full_clean()

    message = " ".join(raised.value.message_dict["duration_hours"])
    assert "240" in message
    assert "180" in message


@pytest.mark.django_db
def test_modules_that_fill_the_duration_pass(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, duration_hours=3)

    workshop.full_clean()

    assert workshop.curriculum_minutes == 180


@pytest.mark.django_db
def test_changing_the_duration_alone_is_refused(catalogue):
    """Staff who lengthen a workshop must also lengthen its curriculum."""
    workshop = WorkshopPageFactory(parent=catalogue, duration_hours=6)
    workshop.duration_hours = 7

    with pytest.raises(ValidationError, match="420"):
        workshop.full_clean()


@pytest.mark.django_db
def test_total_minutes_adds_every_module(catalogue):
    workshop = WorkshopPageFactory(parent=catalogue, curriculum=curriculum(360, modules=7))

    assert len(workshop.curriculum) == 7
    assert total_minutes(workshop.curriculum) == 360
