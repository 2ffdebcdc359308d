"""The facilitator profile: which workshops and languages a facilitator delivers."""

import pytest

from tests.factories import FacilitatorFactory, UserFactory, WorkshopPageFactory


@pytest.mark.django_db
def test_a_facilitator_is_certified_only_for_their_workshops(catalogue):
    grievances = WorkshopPageFactory(parent=catalogue, title="Grievance handling")
    bargaining = WorkshopPageFactory(parent=catalogue, title="Bargaining basics")
    facilitator = FacilitatorFactory(certified_workshops=[grievances])

    assert facilitator.is_certified_for(grievances)
    assert not facilitator.is_certified_for(bargaining)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("english", "french", "languages"),
    [(True, False, ["en"]), (False, True, ["fr"]), (True, True, ["en", "fr"]), (False, False, [])],
)
def test_languages_lists_what_the_facilitator_delivers_in(english, french, languages):
    facilitator = FacilitatorFactory(teaches_in_english=english, teaches_in_french=french)

    assert facilitator.languages == languages


@pytest.mark.django_db
def test_a_facilitator_is_named_after_their_user():
    named = FacilitatorFactory(user=UserFactory(first_name="Rosa", last_name="Parks"))
    unnamed = FacilitatorFactory(user=UserFactory(username="jdoe", first_name="", last_name=""))

    assert str(named) == "Rosa Parks"
    assert str(unnamed) == "jdoe"
