"""What an article mentions, as news writes it: dates by its own date, names short (issue 29)."""

from __future__ import annotations

import pytest

from qa.answering.reader.terms import missing_terms


@pytest.mark.parametrize(
    ("question", "published", "missing"),
    [
        ("What did the mayor promise in February?", "2016-02-08", []),
        ("What did the mayor promise in February 2016?", "2016-02-08", []),
        ("What did the mayor promise in March?", "2016-02-08", ["March"]),
        ("What did the mayor promise in February?", "", ["February"]),  # no date: no evidence for it
        ("What did the mayor promise on Saturday?", "2016-02-08", []),
        ("What did the mayor promise on February 6?", "2016-02-08", []),  # two days before
        ("What did the mayor promise on 6 February?", "2016-02-08", []),
        ("What did the mayor promise on February 16?", "2016-02-08", ["16"]),  # after the article
        ("What did the mayor promise in February 2011?", "2016-02-08", ["2011"]),
    ],
)
def test_a_date_of_the_question_is_mentioned_by_the_articles_date(
    question: str, published: str, missing: list[str]
) -> None:
    text = "The mayor promised on Saturday to repair the bridge within a year."
    assert missing_terms(question, text, published) == missing


def test_a_near_miss_with_a_changed_year_misses_it() -> None:
    text = "In 2004 the tsunami killed more than 23,000 people along the coast."
    assert missing_terms("How many people died in the 2011 tsunami?", text, "2005-01-10") == ["2011"]


@pytest.mark.parametrize(
    ("question", "text", "missing"),
    [
        ("Who is the chief executive of Marks & Spencer?", "Stuart Rose, head of M&S, said sales fell.", []),
        ("What did M&S report?", "Marks & Spencer reported a fall in sales.", []),
        ("What did M&S report?", "Mark Spencer reported a fall in sales.", ["M&S"]),
        ("Why did the Bank of England keep rates on hold?", "The Bank kept rates on hold at 0.5%.", []),
        ("Why did the Bank of England keep rates on hold?", "A bank kept rates on hold.", ["England"]),
        ("What did the GOP candidates promise?", "The Republican candidates promised tax cuts.", []),
        ("What did the Republicans promise?", "The GOP promised tax cuts.", []),
        ("What did the Republicans promise?", "The gopher promised tax cuts.", ["Republicans"]),
        ("What did the Tories promise?", "The Conservatives promised tax cuts.", []),
        ("Who won the Republican House primary?", "Cheney won the Republican congressional primary.", []),
        ("Who won the GOP Senate primary?", "Cheney won the GOP congressional primary.", ["Senate"]),
        ("What did Felipe Calderon tell CNBC?", "Calderon told CNBC he would not pay.", []),
        ("What did Felipe Calderon tell CNBC?", "But Calderon told CNBC he would not pay, but smiled.", []),
        ("What did Hillary Clinton say?", "Bill Clinton spoke. Clinton said no.", ["Hillary"]),
        ("What did Adm. Harry Harris say?", "Harris said no.", []),
        ("Who helped Bernie Sanders and Tim Canova?", "Sanders and Canova used the firm.", []),
        ("What is Phyllis Schlafly's last book?", "Schlafly wrote the book.", []),
        ("What did Phyllis Schlafly's son say?", "Bill Schlafly spoke. Schlafly said no.", ["Phyllis"]),
        ("What did the New York Times report?", "The Times reported a loss.", ["New", "York"]),
        ("What did Hillary Clinton say?", "President Clinton said no.", []),
        ("What did Ohio's governor say?", "The Ohio governor said no.", []),
        ("Which agency did the U.K. fund?", "Britain funded the agency.", []),
        ("Which New York congressman spoke?", "Rep. Peter King, R-N.Y., spoke.", []),
        ("Where does Fethullah Gulen live?", "Fethullah Gülen lives in Pennsylvania.", []),
        ("Where was the tunnel under the U.S.-Mexico border?", "A U.S. tunnel reached Mexico.", []),
        (
            "Where was the tunnel under the U.S.-Canada border?",
            "A U.S. tunnel reached Mexico.",
            ["U.S.-Canada"],
        ),
        ("Who gave the Gulen-linked donations?", "Gülen backers gave money.", []),
        # mojibake (UTF-8 read as Windows-1252), plain or after NFKC, is the name it garbled
        ("What did Anja Müller say?", "Anja MÃ¼ller said no.", []),
        ("What did Anja Muller say?", "Anja MÃ1⁄4ller said no.", []),
        ("Where does Ramón Peña work?", "RamA\u0301n PeA\u0303\u00b1a works in Ohio.", []),
        ("What did Anja Müller say?", "Anja Berger said no.", ["Müller"]),
        ("Which New York congressman spoke?", "Rep. Peter King, R-NY, spoke.", ["New", "York"]),
        ("Where did Tom Reyes travel from in January 2016?", "Reyes left Ohio on Jan. 2, 2016.", []),
        ("What happened in September 2001?", "The attacks of Sept. 11, 2001.", []),
        ("What happened in January 2016?", "Janet Yellen spoke in 2016.", ["January"]),
        ("What happened in August 2016?", "An augur spoke in 2016.", ["August"]),
        # an acronym a letter away is another organisation, and no first name before "Tour"
        ("Where does the LPGA Tour play?", "The PGA Tour plays in Miami; the tour left.", ["LPGA"]),
        ("Where does the PGA Tour play?", "The PGA Tour plays in Miami; the tour left.", []),
        ("What did Barak Obama say?", "Barack Obama said no.", []),
    ],
)
def test_news_short_forms_count_as_mentioned(question: str, text: str, missing: list[str]) -> None:
    assert missing_terms(question, text) == missing


@pytest.mark.parametrize(
    ("question", "text", "missing"),
    [
        ("Which casinos closed in 2014?", "Four casinos closed last year.", []),
        ("Which casinos closed in 2013?", "Four casinos closed last year.", ["2013"]),
        ("Which casinos will close in 2016?", "Two more will close next year.", []),
        ("Which casinos closed in 2014?", "Four casinos closed this year.", ["2014"]),
    ],
)
def test_a_passage_gives_a_year_relative_to_the_articles_date(
    question: str, text: str, missing: list[str]
) -> None:
    assert missing_terms(question, text, "2015-11-13", relative_years=True) == missing


def test_a_whole_articles_last_year_does_not_give_the_year() -> None:
    # the article may say "last year" of anything; only a passage near the cited sentence is read so
    assert missing_terms("Which casinos closed in 2014?", "Four casinos closed last year.", "2015-11-13") == [
        "2014"
    ]


@pytest.mark.parametrize(
    ("question", "text", "missing"),
    [
        # an article of April 2016: its "August" is August 2015, its "March" March 2016
        ("Whom did Trump throw out in August 2015?", "In August, Trump threw Ramos out.", []),
        ("Whom did Trump throw out in Aug. 2015?", "On Aug. 25 Trump threw Ramos out.", []),
        ("What did Trump say in March 2016?", "Trump said in March that he would win.", []),
        ("Whom did Trump throw out in August 2014?", "In August, Trump threw Ramos out.", ["2014"]),
        ("What did Trump say in March 2015?", "Trump said in March that he would win.", ["2015"]),
        ("What did Trump say in August 2015?", "Trump said on August 5, 2014 that he would win.", ["2015"]),
        ("What did Trump say in May 2015?", "Trump may say that he would win.", ["2015"]),
    ],
)
def test_a_month_without_a_year_is_of_the_year_the_articles_date_gives(
    question: str, text: str, missing: list[str]
) -> None:
    assert missing_terms(question, text, "2016-04-12") == missing
