"""Quote and speaker extraction on short articles written for these tests, and on the seed article."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.models import Article, Quote
from index.sentences import split_sentences
from qa.quotes import extract_quotes
from qa.quotes.extraction.marks import find_quoted_spans
from qa.quotes.extraction.paragraphs import paragraph_bounds

pytestmark = pytest.mark.model  # loads the spaCy pipeline

SEED = Path(__file__).resolve().parents[4] / "seeds" / "soledar.txt"


def _quotes(text: str) -> list[Quote]:
    article = Article(id="a", title="", text=text)
    quotes = extract_quotes(article, split_sentences(article.id, text))
    for quote in quotes:
        assert text[quote.start : quote.end] == quote.text
    return quotes


def _by_text(quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if q.text == words]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


# -- quote marks ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "yes" and left.', ["yes"]),
        ("She said \u201cno\u201d twice.", ["no"]),
        ('"Outer \u201cinner\u201d end," she said.', ["Outer \u201cinner\u201d end,"]),
        ('"Runs to the end of the paragraph', ["Runs to the end of the paragraph"]),
        ('"Closed by a stray opening mark. \u201c', ["Closed by a stray opening mark."]),
    ],
)
def test_quote_marks_pair_into_outermost_spans(text: str, expected: list[str]) -> None:
    spans = find_quoted_spans(text, [(0, len(text))])
    assert [text[s.start : s.end] for s in spans] == expected


def _quoted(text: str) -> list[str]:
    spans = find_quoted_spans(text, paragraph_bounds(split_sentences("a", text)))
    return [text[s.start : s.end] for s in spans]


# Straight marks and paragraphs of several sentences, as BBC News writes them.
RUN_ON = (
    'Rachel Moss said the bank would act. "We will not wait for the data. Rates will rise if prices keep '
    "climbing.\n"
    '"Nobody should doubt that," she said. "We mean it."'
)
UNCLOSED_BEFORE_ATTRIBUTION = (
    '"The housing market is cooling fast, said David Ford. The outlook remains highly uncertain. Buyers '
    "are waiting.\n"
    'Sales fell by a tenth in March. "It is widely accepted that prices will fall," he said.'
)
UNCLOSED_BEFORE_NEXT_QUOTE = (
    '"Prices are too high, he said. The housing market outlook remains highly uncertain. "It is widely '
    'accepted that rates will stay," Mr Frost added.'
)
STRAY_MARK_BETWEEN_QUOTES = (
    '"We are ready," the minister said. Officials "expect a long winter. "Supplies are low," a spokesman '
    "said."
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (RUN_ON, ["We will not wait for the data. Rates will rise if prices keep climbing.",
                  "Nobody should doubt that,", "We mean it."]),
        (UNCLOSED_BEFORE_ATTRIBUTION, ["The housing market is cooling fast,",
                                       "It is widely accepted that prices will fall,"]),
        (UNCLOSED_BEFORE_NEXT_QUOTE, ["Prices are too high,", "It is widely accepted that rates will stay,"]),
        (STRAY_MARK_BETWEEN_QUOTES, ["We are ready,", "Supplies are low,"]),
        # A fragment left open at the end of the article: where it ends cannot be told.
        ('The council met on Monday. He called the plan "a disgrace. The vote is on Friday.', []),
        # A quote paragraph that lost its closing mark is still the speaker's.
        ('The council met on Monday.\n"The bridge will reopen in May.', ["The bridge will reopen in May."]),
        ('"We will win," he said. "And we will keep going.\nTurnout fell in the north.',
         ["We will win,", "And we will keep going."]),
        # A straight mark glued between a comma and a word closes the open quote.
        ('"Trump says different things to different audiences,"Katie Packer said.',
         ["Trump says different things to different audiences,"]),
    ],
)  # fmt: skip
def test_straight_marks_pair_per_paragraph_as_news_writes_them(text: str, expected: list[str]) -> None:
    assert _quoted(text) == expected


def test_paragraph_that_opens_without_a_mark_is_not_inside_the_quote_before() -> None:
    text = (
        '"We will not wait for the data, said Rachel Moss. "Rates will rise.\n'
        "Markets fell after the speech. Traders said the move was expected.\n"
        '"It was priced in," one trader said.'
    )
    assert _quoted(text) == ["We will not wait for the data,", "Rates will rise.", "It was priced in,"]


def test_no_direct_quote_holds_the_narration_between_two_quotes() -> None:
    text = (
        "Interest rates rose again on Thursday, the third rise this year.\n"
        '"Prices are too high, David Frost said. The housing market outlook remains highly uncertain. '
        '"It is widely accepted that rates will stay where they are," Rachel Moss added.\n'
        '"We are watching closely," Ms Moss said. "Nobody wants a crash.\n'
        '"But we will act if we must."'
    )
    quotes = [(q.text, q.speaker) for q in _quotes(text) if q.kind == "direct"]
    assert quotes == [
        ("Prices are too high,", "David Frost"),
        ("It is widely accepted that rates will stay where they are,", "Rachel Moss"),
        ("We are watching closely,", "Rachel Moss"),
        ("Nobody wants a crash.", "Rachel Moss"),
        ("But we will act if we must.", "Rachel Moss"),
    ]


# -- direct quotes and their speakers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "quote", "speaker", "mention", "cue"),
    [
        ('"We will rebuild the bridge by spring," said Maria Lopez.', "We will rebuild the bridge by spring,",
         "Maria Lopez", "Maria Lopez", "said"),
        ("\u201cIt was a long night,\u201d said Omar Haddad.", "It was a long night,", "Omar Haddad",
         "Omar Haddad", "said"),
        ('Mayor John Carter said: "The budget is balanced."', "The budget is balanced.", "John Carter",
         "Mayor John Carter", "said"),
        ('"Prices doubled in a week," trader Ali Demir told AFP.', "Prices doubled in a week,", "Ali Demir",
         "trader Ali Demir", "told AFP"),
        ('"I don\'t think so," Lisa Grant said, before Tom Berg answered: "We will see."', "We will see.",
         "Tom Berg", "Tom Berg", "answered"),
    ],
)  # fmt: skip
def test_cue_next_to_the_quote_names_the_speaker(
    text: str, quote: str, speaker: str, mention: str, cue: str
) -> None:
    found = _by_text(_quotes(text), quote)
    assert (found.kind, found.speaker, found.speaker_mention, found.cue) == ("direct", speaker, mention, cue)


@pytest.mark.parametrize(
    ("text", "quote", "speaker", "cue"),
    [
        # The parser hangs the name on the verb of the quote's second half.
        ('"The risk," said Edward Leamer, an economist who is the director of the forecast, "is that we '
         'attract workers."', "is that we attract workers.", "Edward Leamer", "said"),
        ('"She set out to prove them wrong," remembered Roy Verley, the firm\'s former spokesman.',
         "She set out to prove them wrong,", "Roy Verley", "remembered"),
        ('"Jeb wants to be a tough guy tonight," Trump shot back.', "Jeb wants to be a tough guy tonight,",
         "Trump", "shot"),
        ('"Her experience shone through in the speech," read the statement.',
         "Her experience shone through in the speech,", "the statement", "read"),
        ('"Is Obama profiling?" reacted Trump.', "Is Obama profiling?", "Trump", "reacted"),
        ('"You know, it happens, right?" Trump went on.', "You know, it happens, right?", "Trump", "went"),
        ('"Maybe we should leave," said the woman, who did not want to be named.', "Maybe we should leave,",
         "the woman", "said"),
        # A relative clause between the quote and its verb does not end the search for the cue.
        ('"Clinton needs a strategy for these voters," Nate Silver, the polling guru who founded the site, '
         "tweeted on Wednesday.", "Clinton needs a strategy for these voters,", "Nate Silver", "tweeted"),
    ],
)  # fmt: skip
def test_inverted_and_idiomatic_cues_name_the_speaker(text: str, quote: str, speaker: str, cue: str) -> None:
    found = _by_text(_quotes(text), quote)
    assert (found.speaker, found.cue) == (speaker, cue)


def test_a_denied_statement_hands_no_later_quote_to_its_subject() -> None:
    text = (
        '"It is damaging," Mike McCaul said, though James Comey has not said the inquiry is "open". '
        '"To get a warrant you need probable cause."'
    )
    assert _by_text(_quotes(text), "To get a warrant you need probable cause.").speaker == "Mike McCaul"


def test_a_signature_line_under_a_quote_names_its_speaker() -> None:
    text = (
        "Fact check: what the candidates said this week.\n"
        '"I went to the banks before the crash and told them they would wreck the economy."\n'
        "- Hillary Clinton.\n"
        "She tends to overstate the significance of that visit."
    )
    quote = _by_text(
        _quotes(text), "I went to the banks before the crash and told them they would wreck the economy."
    )
    assert (quote.speaker, quote.speaker_mention, quote.cue) == ("Hillary Clinton", "Hillary Clinton", None)


def test_surname_resolves_to_the_full_name_introduced_earlier() -> None:
    text = (
        "Maria Lopez, the county engineer, visited the site on Monday.\n\n"
        '"The steel arrived late," Lopez said.'
    )
    quote = _by_text(_quotes(text), "The steel arrived late,")
    assert (quote.speaker, quote.speaker_mention, quote.role) == (
        "Maria Lopez",
        "Lopez",
        "the county engineer",
    )


def test_title_and_surname_resolve_to_the_full_name() -> None:
    text = (
        "Peter Hale, the bank's chief economist, expects rates to stay high.\n\n"
        '"Inflation is not beaten yet," Mr. Hale said.'
    )
    quote = _by_text(_quotes(text), "Inflation is not beaten yet,")
    assert (quote.speaker, quote.speaker_mention) == ("Peter Hale", "Mr. Hale")


def test_she_added_takes_previous_speaker() -> None:
    text = (
        '"Crews reached the village at dawn," Fire Chief Anna Novak told reporters.\n\n'
        '"Nobody was hurt," she added.'
    )
    quote = _by_text(_quotes(text), "Nobody was hurt,")
    assert (quote.speaker, quote.speaker_mention, quote.cue, quote.role) == (
        "Anna Novak",
        "she",
        "added",
        "Fire Chief",
    )


def test_pronoun_skips_a_person_of_the_other_gender() -> None:
    text = 'Tom Berg met Lisa Grant on Monday to discuss the merger.\n\n"We agreed on nothing," she said.'
    assert _by_text(_quotes(text), "We agreed on nothing,").speaker == "Lisa Grant"


def test_split_quote_gives_both_parts_the_same_speaker() -> None:
    text = (
        "Health Minister Sarah Kline toured the flooded district.\n\n"
        '"The river is rising," she said. "We are moving people out tonight."'
    )
    quotes = [q for q in _quotes(text) if q.kind == "direct"]
    assert [(q.text, q.speaker) for q in quotes] == [
        ("The river is rising,", "Sarah Kline"),
        ("We are moving people out tonight.", "Sarah Kline"),
    ]


def test_quote_over_two_paragraphs_keeps_its_speaker() -> None:
    text = (
        '"We have cleared the main roads," Carter said. "The side streets will take longer.\n\n'
        '"Crews will work through the night."'
    )
    quotes = _quotes(text)
    unclosed = _by_text(quotes, "The side streets will take longer.")
    continued = _by_text(quotes, "Crews will work through the night.")
    assert (unclosed.start, unclosed.end) == (48, 82)
    assert (unclosed.speaker, continued.speaker) == ("Carter", "Carter")
    assert (continued.first_sentence, continued.last_sentence) == (2, 2)


def test_bare_role_resolves_to_the_person_introduced_with_it() -> None:
    text = (
        "Company spokesman Ivan Petrov declined to comment on the deal on Monday.\n\n"
        '"We do not discuss pending deals," the spokesman said later.'
    )
    quote = _by_text(_quotes(text), "We do not discuss pending deals,")
    assert (quote.speaker, quote.speaker_mention, quote.role) == (
        "Ivan Petrov",
        "the spokesman",
        "Company spokesman",
    )


def test_anonymous_source_is_a_speaker_and_its_next_quote_paragraph_continues_it() -> None:
    text = (
        "A senior European diplomat, who asked not to be named, told reporters the talks had stalled.\n\n"
        '"Nobody expects a deal this year."'
    )
    quotes = _quotes(text)
    reported = _by_text(quotes, "the talks had stalled")
    continued = _by_text(quotes, "Nobody expects a deal this year.")
    assert (reported.kind, reported.speaker, reported.cue) == (
        "indirect",
        "a senior European diplomat",
        "told reporters",
    )
    assert (continued.kind, continued.speaker, continued.cue) == (
        "direct",
        "a senior European diplomat",
        None,
    )


def test_quote_with_no_cue_and_no_context_has_no_speaker() -> None:
    quote = _by_text(_quotes('"This cannot go on."'), "This cannot go on.")
    assert (quote.kind, quote.speaker, quote.speaker_mention) == ("direct", None, None)


# -- speakers that are not speakers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "About 500 officials said the plan would fail.",
        "More than 100 people warned that the road was unsafe.",
        "Hundreds of protesters chanted that the mayor must resign.",
        "The reported feud between Tony Blair and Gordon Brown suggests that the party is split.",
        "Gordon Brown's decision to stand down confirmed that the party was split.",
    ],
)
def test_a_number_phrase_or_an_event_is_no_speaker(text: str) -> None:
    assert _quotes(text) == []


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("Two officials familiar with the talks said a deal was close.",
         "Two officials familiar with the talks"),
        ("The spokesman said a deal was close.", "the spokesman"),
        ("A Moscow-based defence analyst said a deal was close.", "a Moscow-based defence analyst"),
    ],
)  # fmt: skip
def test_a_described_source_is_a_speaker(text: str, speaker: str) -> None:
    assert [(q.kind, q.speaker) for q in _quotes(text)] == [("indirect", speaker)]


@pytest.mark.parametrize(
    ("text", "quote"),
    [
        ('Labour\'s Kate Hoey, in a tweet: "It is a disgrace."', "It is a disgrace."),
        ('The Labour MP for Vauxhall, Kate Hoey, said: "It is a disgrace."', "It is a disgrace."),
        ('"It is a disgrace," said Labour MP Kate Hoey.', "It is a disgrace,"),
    ],
)
def test_the_named_member_is_the_speaker_not_her_party(text: str, quote: str) -> None:
    assert _by_text(_quotes(text), quote).speaker == "Kate Hoey"


# -- partial quotes, scare quotes, reported speech -----------------------------------------------------


def test_quoted_fragment_in_a_sentence_is_mixed_and_keeps_its_speaker() -> None:
    quote = _by_text(
        _quotes('Senator Amy Holt called the plan "a reckless gamble" on Tuesday.'), "a reckless gamble"
    )
    assert (quote.kind, quote.speaker, quote.cue, quote.role) == ("mixed", "Amy Holt", "called", "Senator")


def test_scare_quote_without_speech_cue_is_nobodys_statement() -> None:
    quotes = _quotes('Anna Berg runs a gym in Leeds. The so-called "miracle" diet has spread quickly online.')
    assert [(q.kind, q.text, q.speaker) for q in quotes] == [("partial", "miracle", None)]


@pytest.mark.parametrize(
    ("text", "clause", "speaker", "cue"),
    [
        ("The health ministry said in a statement that 40 people had been treated for smoke inhalation.",
         "40 people had been treated for smoke inhalation", "the health ministry", "said"),
        ("According to the mayor's office, the road will reopen on Friday.", "the road will reopen on Friday",
         "the mayor's office", "according to"),
        ("The city's water authority warned that supplies could run short by August.",
         "supplies could run short by August", "the city's water authority", "warned"),
        ("The company denied any wrongdoing.", "any wrongdoing", "the company", "denied"),
        ("Tom Berg said the vote was close.", "the vote was close", "Tom Berg", "said"),
    ],
)  # fmt: skip
def test_reported_speech_is_an_indirect_quote(text: str, clause: str, speaker: str, cue: str) -> None:
    quote = _by_text(_quotes(text), clause)
    assert (quote.kind, quote.speaker, quote.cue) == ("indirect", speaker, cue)


@pytest.mark.parametrize(
    "text",
    [
        'Anna Berg, the firm\'s head, said the offer was "fair and full".\n\nShe said more later.',
        "Anna Berg, the firm's head, said the offer was \u201cfair and full\u201d.\n\nShe said more later.",
    ],
)
def test_reported_speech_ending_in_a_quoted_phrase_never_cuts_its_closing_mark(text: str) -> None:
    # the clause was 'the offer was "fair and full' (its closing mark cut with the full stop after it)
    quotes = _quotes(text)
    assert all(
        q.text.count('"') % 2 == 0 and q.text.count("\u201c") == q.text.count("\u201d") for q in quotes
    )
    assert [(q.kind, q.text, q.speaker) for q in quotes] == [("mixed", "fair and full", "Anna Berg")]


def test_adding_shares_the_subject_of_said() -> None:
    text = (
        "Jane Doe, a nurse at the clinic, said she would stay. "
        '"They need us here," she said, adding that supplies were low.'
    )
    quotes = _quotes(text)
    assert _by_text(quotes, "They need us here,").speaker == "Jane Doe"
    added = _by_text(quotes, "supplies were low")
    assert (added.kind, added.speaker, added.cue, added.role) == (
        "indirect",
        "Jane Doe",
        "adding",
        "a nurse at the clinic",
    )


@pytest.mark.parametrize(
    ("text", "quote", "kind", "speaker", "cue"),
    [
        # The parser hangs the second reporting verb inside the first one's reported clause, two deep.
        ("The mayor said engineers thought the bridge would collapse and added that repairs were urgent.",
         "repairs were urgent", "indirect", "the mayor", "added"),
        ('Ukraine said its forces were fighting to retain control of the town in the east but cautioned it '
         'was facing "difficult" resistance.', "difficult", "mixed", "Ukraine", "cautioned"),
        ('Ukraine said its forces were fighting to retain control of the town in the east but cautioned it '
         'was facing "difficult" resistance.', 'it was facing "difficult" resistance', "indirect", "Ukraine",
         "cautioned"),
        ('Tom Berg told reporters that crews feared the storm would return and said the roads were "a mess".',
         "a mess", "mixed", "Tom Berg", "said"),
        # A reporting verb nested in the reported clause ("could not confirm") is not the coordinate.
        ('Maria Lopez told reporters that the council could not confirm the bridge had closed and said '
         'traffic was "moving slowly".', "moving slowly", "mixed", "Maria Lopez", "said"),
        ('The army said its soldiers believed the enemy would attack at dawn but admitted that "nobody '
         'knows" the date.', "nobody knows", "mixed", "the army", "admitted"),
        # ... or makes it the reported clause of the first, after "and".
        ('Ana Silva said doctors hoped the patients would recover and added that the clinic was "coping".',
         "coping", "mixed", "Ana Silva", "added"),
        ("The governor said officials thought the fire would spread overnight and added that crews were "
         '"exhausted".', "officials thought the fire would spread overnight", "indirect", "the governor",
         "said"),
        # A conjoined verb with a subject of its own keeps it.
        ("Tom Berg said the plan was sound, but Ana Silva warned that costs would rise.",
         "costs would rise", "indirect", "Ana Silva", "warned"),
    ],
)  # fmt: skip
def test_conjoined_reporting_verb_shares_the_earlier_speaker(
    text: str, quote: str, kind: str, speaker: str, cue: str
) -> None:
    found = _by_text(_quotes(text), quote)
    assert (found.kind, found.speaker, found.cue) == (kind, speaker, cue)


# -- the seed article --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_quotes() -> list[Quote]:
    return _quotes(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("opening", "kind", "speaker"),
    [
        ("The fiercest and heaviest fighting", "direct", "Ganna Malyar"),
        ("Despite the difficult situation", "direct", "Ganna Malyar"),
        ("Huge work has been done in Soledar", "direct", "Dmitry Peskov"),
        ("There is still a lot of work ahead", "direct", "Dmitry Peskov"),
        ("unprecedented decision", "mixed", "a Moscow-based defense analyst"),
        ("very serious problems", "mixed", "a Moscow-based defense analyst"),
        ("This has not happened since 1941", "direct", "a Moscow-based defense analyst"),
        ("for Ukraine, Bakhmut", "indirect", "Mykhaylo Podolyak"),
        ("There's a lot of blood", "direct", "Mykhaylo Podolyak"),
        ("it was coming up against", "indirect", "Ukraine"),
        ("difficult", "mixed", "Ukraine"),
        ("Washington could not confirm", "indirect", "Lloyd Austin"),
        ("gone back and forth", "mixed", "Lloyd Austin"),
        ("Any victory is important", "direct", "Anatoly Khramchikhin"),
        ("When I enrolled in medical school", "direct", "Elena Molchanova"),
        ("As long as they are here", "direct", "Elena Molchanova"),
    ],
)
def test_seed_article_quotes_are_attributed(
    seed_quotes: list[Quote], opening: str, kind: str, speaker: str
) -> None:
    found = [q for q in seed_quotes if q.text.startswith(opening)]
    assert [(q.kind, q.speaker) for q in found] == [(kind, speaker)]


def test_seed_article_keeps_roles_and_pronoun_mentions(seed_quotes: list[Quote]) -> None:
    added = next(q for q in seed_quotes if q.text.startswith("There is still a lot of work ahead"))
    assert (added.speaker_mention, added.cue, added.role) == ("he", "added", "Kremlin spokesman")
    malyar = next(q for q in seed_quotes if q.text.startswith("Despite the difficult situation"))
    assert (malyar.speaker_mention, malyar.role) == ("she", "Deputy Defence Minister")


def test_a_headline_is_nobodys_words() -> None:
    text = (
        "Blair says UK tsunami aid to soar\n"
        "Tony Blair said on Monday that British aid would rise.\n"
        '"We will do more," Mr Blair told reporters.'
    )
    article = Article("a1", "Blair says UK tsunami aid to soar", text)
    quotes = extract_quotes(article, split_sentences("a1", text))
    assert all(q.start > len("Blair says UK tsunami aid to soar") for q in quotes)
    assert [q.text for q in quotes if q.kind == "direct"] == ["We will do more,"]
