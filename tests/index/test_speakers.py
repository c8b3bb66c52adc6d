"""Who is who among speakers, on names alone (`index.speakers`): kinds, roles, families, the identity
rules and a typed name against the speakers."""

from __future__ import annotations

import pytest

from index.models import Quote, Speaker
from index.speakers import (
    NameForm,
    clean_role,
    family,
    group_forms,
    infer_kind,
    is_partial_name,
    names_match,
    prepare_quotes,
    rank_speakers,
)


def person(
    name: str, roles: tuple[str, ...] = (), mentions: tuple[str, ...] = (), quotes: int = 1
) -> NameForm:
    return NameForm(name, "person", frozenset(roles), frozenset(mentions), quotes)


def groups(*forms: NameForm) -> dict[str, set[str]]:
    """Canonical name -> the forms it took in."""
    return {g.name: set(g.forms) for g in group_forms(forms)}


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Rachel Lomax", "person"),
        ("Ludwig van Beethoven", "person"),
        ("Zoran Šimić", "person"),
        ("Bank of England", "organisation"),
        ("The Labour Party", "organisation"),
        ("NATO", "organisation"),
        ("a Moscow-based defence analyst", "source"),
        ("Tony Blair's official spokesman", "source"),
        ("One of the few remaining nurses", "source"),
        ("Shadow Secretary", "source"),
        ("", None),
        (None, None),
    ],
)
def test_the_kind_of_a_speaker_is_inferred_from_its_name(name: str | None, kind: str | None) -> None:
    assert infer_kind(name) == kind


@pytest.mark.parametrize(
    ("role", "kind", "cleaned"),
    [
        ("Mr", "person", None),
        ("Dr.", "person", None),
        ("Prime Minister", "person", "Prime Minister"),
        ("shadow home secretary", "person", "shadow home secretary"),
        ("Ms Chief Economist", "person", "Chief Economist"),
        ("President", "source", None),  # a description's role is its subject's
        (
            "WASHINGTON (Reuters) - U.S. Democratic presidential candidate",
            "person",
            "U.S. Democratic presidential candidate",
        ),
        ("the former secretary of State", "person", "the former secretary of State"),
        ("Democratic front-runner", "person", "Democratic front-runner"),
        ("striker", "person", "striker"),
        ("mercenary group", "organisation", "mercenary group"),
        ("smiling", "person", None),  # words that name no role
        ("herself", "person", None),
        ("a signal of her broad support among the party's power brokers", "person", None),
        (
            "a former first lady secretary of State and senator and a U.S. senator from Vermont",
            "person",
            None,
        ),
        (None, "person", None),
    ],
)
def test_a_role_is_never_an_honorific(role: str | None, kind: str, cleaned: str | None) -> None:
    assert clean_role(role, kind) == cleaned  # type: ignore[arg-type]


def quote(speaker: str | None, role: str | None = None, kind: str | None = None, start: int = 0) -> Quote:
    return Quote("a", "words", start, start + 5, "direct", speaker, speaker, "said", 0, 0, role, kind)


def test_a_bare_role_is_the_articles_one_person_with_that_role() -> None:
    prepared = prepare_quotes(
        [
            quote("David Davis", "shadow home secretary"),
            quote("Shadow Secretary", start=10),
            quote("Mr Brown"),
        ]
    )
    assert [(q.speaker, q.speaker_kind) for q in prepared] == [
        ("David Davis", "person"),
        ("David Davis", "person"),
        ("Mr Brown", "person"),
    ]


def test_a_bare_role_no_one_in_the_article_holds_is_a_source_and_a_given_kind_is_kept() -> None:
    prepared = prepare_quotes([quote("Shadow Secretary", "Mr"), quote("Reuters", kind="organisation")])
    assert [(q.speaker, q.speaker_kind, q.role) for q in prepared] == [
        ("Shadow Secretary", "source", None),
        ("Reuters", "organisation", None),
    ]


@pytest.mark.parametrize(
    ("name", "kind", "key"),
    [
        ("Rachel Lomax", "person", "person:lomax"),
        ("Ms Lomax", "person", "person:lomax"),
        ("Martin Luther King Jr.", "person", "person:king"),
        ("Tony Blair's official spokesman", "person", "person:tony blair's official spokesman"),
        ("The Bank of England", "organisation", "organisation:bank of england"),
        ("A Moscow-based defence analyst", "source", "source:a moscow-based defence analyst"),
    ],
)
def test_a_family_is_a_persons_surname_else_the_name(name: str, kind: str, key: str) -> None:
    assert family(name, kind) == key  # type: ignore[arg-type]


def test_a_surname_form_joins_the_one_full_name_of_that_surname_which_becomes_canonical() -> None:
    [lomax] = group_forms(
        [person("Lomax", mentions=("Ms Lomax",), quotes=3), person("Rachel Lomax", ("deputy governor",))]
    )
    assert (lomax.name, set(lomax.forms)) == ("Rachel Lomax", {"Lomax", "Rachel Lomax"})
    assert set(lomax.aliases) == {"Rachel Lomax", "Lomax", "Ms Lomax"}
    assert lomax.roles == ("deputy governor",)


def test_two_full_names_of_one_surname_are_two_people() -> None:
    assert groups(person("Gordon Brown"), person("Nick Brown")) == {
        "Gordon Brown": {"Gordon Brown"},
        "Nick Brown": {"Nick Brown"},
    }


@pytest.mark.parametrize(
    ("bare", "joins"),
    [
        (person("Brown"), None),  # two Browns, nothing agrees: a speaker of its own
        (person("Brown", ("Chancellor of the Exchequer",)), "Gordon Brown"),  # the role agrees
        (person("Chancellor Brown"), "Gordon Brown"),  # the title agrees
        (person("G. Brown"), "Gordon Brown"),  # the initial agrees
        (person("Brown", ("farm minister",)), "Nick Brown"),
    ],
)
def test_a_bare_surname_among_two_people_joins_only_the_one_a_role_or_initial_agrees_with(
    bare: NameForm, joins: str | None
) -> None:
    found = groups(person("Gordon Brown", ("Chancellor",)), person("Nick Brown", ("farm minister",)), bare)
    if joins is None:
        assert found["Brown"] == {bare.name}
    else:
        assert bare.name in found[joins] and len(found) == 2


def test_the_fullest_name_wins_whatever_is_quoted_most() -> None:
    [blair] = group_forms([person("Mr Blair", quotes=9), person("Tony Blair"), person("T. Blair", quotes=5)])
    assert blair.name == "Tony Blair"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("Chief Executive Simon Aldridge", "Simon Aldridge"),
        ("Chief Financial Officer Ann Lee", "Ann Lee"),
        ("Managing Director Ann Lee", "Ann Lee"),
        ("Chief Operating Officer Ann Lee", "Ann Lee"),
        ("Prime Minister Tony Blair", "Tony Blair"),
    ],
)
def test_a_business_title_is_no_part_of_the_name(written: str, shown: str) -> None:
    [group] = group_forms([person(written)])
    assert group.name == shown


def test_a_description_holding_a_name_is_never_that_person() -> None:
    spokesman = "Tony Blair's official spokesman"
    assert family(spokesman, "source") != family("Tony Blair", "person")
    assert family(spokesman, "person") != family("Tony Blair", "person")
    [group] = group_forms([NameForm(spokesman, "source", frozenset({"Prime Minister"}))])
    assert (group.name, group.roles) == (spokesman, ())


@pytest.mark.parametrize(
    ("name", "speaker", "expected"),
    [
        ("Peskov", "Dmitry Peskov", True),
        ("DMITRY PESKOV", "Dmitry Peskov", True),
        ("dmitry peskov", "Peskov", True),
        ("Mr. Peskov", "Dmitry Peskov", True),
        ("Malyar", "Dmitry Peskov", False),
        ("she", "Ganna Malyar", False),
        ("Peskov", None, False),
        ("the doctor", "one of the few remaining doctors", True),
        ("the agency", "two agencies", True),
        ("the nurse", "one of the few remaining doctors", False),
        ("Ms Lomax", "Rachel Lomax", True),
        ("R. Lomax", "Rachel Lomax", True),
        ("Rachel Lomax", "Jonathan Lomax", False),
        ("Anna Lind", "Rosa Lind", False),
        ("Tony Blair", "Tony Blair's official spokesman", True),  # the words stand in the description
        ("Tony Blair's official spokesman", "Tony Blair", False),  # but it is not Blair
        ("Prime Minister Tony Blair's official spokesman", "Tony Blair", False),
    ],
)
def test_a_typed_name_matches_a_speakers_name(name: str, speaker: str | None, expected: bool) -> None:
    assert names_match(name, speaker) is expected


def speaker(i: int, name: str, kind: str = "person", roles: tuple[str, ...] = (), quotes: int = 1) -> Speaker:
    return Speaker(i, name, kind, (name,), roles, quotes, 1)  # type: ignore[arg-type]


def test_speakers_are_ranked_the_person_named_before_a_description_holding_the_name() -> None:
    spokesman = speaker(1, "Prime Minister Tony Blair's official spokesman", "source", quotes=9)
    blair = speaker(2, "Tony Blair", roles=("Prime Minister",), quotes=3)
    cherie = speaker(3, "Cherie Blair")
    assert rank_speakers("Tony Blair", [spokesman, cherie, blair]) == [blair, spokesman]
    assert rank_speakers("the Prime Minister", [spokesman, blair]) == [blair]  # by his role
    assert rank_speakers("Blair", [spokesman, cherie, blair]) == [blair, cherie, spokesman]
    assert rank_speakers("Gordon Brown", [spokesman, blair]) == []


@pytest.mark.parametrize(
    ("name", "partial"), [("Brown", True), ("Mr Brown", True), ("G. Brown", True), ("Gordon Brown", False)]
)
def test_a_partial_name_is_a_surname_with_initials_or_titles_at_most(name: str, partial: bool) -> None:
    assert is_partial_name(name) is partial


@pytest.mark.parametrize(
    ("name", "role", "kind"),
    [
        ("Wagner", "Russian mercenary group", "organisation"),
        ("Rachel Lomax", "deputy governor of the Bank of England", "person"),
        ("Ann Fry", "spokeswoman for the Labour Party", "person"),
    ],
)
def test_the_head_of_a_role_tells_an_organisation(name: str, role: str, kind: str) -> None:
    assert infer_kind(name, role) == kind


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("The Bank of England", "Bank of England"),
        ("the defence ministry in Moscow", "the defence ministry in Moscow"),
    ],
)
def test_an_organisation_drops_its_the_only_before_a_name(written: str, shown: str) -> None:
    [group] = group_forms([NameForm(written, "organisation")])
    assert group.name == shown


def test_a_name_joins_the_one_form_that_adds_middle_initials_to_it() -> None:
    assert groups(person("John Kerry"), person("John F. Kerry"), person("Kerry")) == {
        "John F. Kerry": {"John Kerry", "John F. Kerry", "Kerry"}
    }
    assert groups(person("George Bush"), person("George H.W. Bush"), person("George W. Bush")) == {
        "George Bush": {"George Bush"},
        "George H.W. Bush": {"George H.W. Bush"},
        "George W. Bush": {"George W. Bush"},
    }


def test_a_son_named_for_his_father_is_another_person() -> None:
    found = groups(
        person("Donald Trump"), person("Donald J. Trump"), person("Donald Trump Jr."), person("Trump Jr.")
    )
    assert found == {
        "Donald J. Trump": {"Donald Trump", "Donald J. Trump"},
        "Donald Trump Jr.": {"Donald Trump Jr.", "Trump Jr."},
    }
