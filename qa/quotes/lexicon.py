"""Word lists for who-said-what extraction, kept as data in one place (after textacy's `constants`).

Everything here is lowercase; code compares lowercased token text or lemmas. The lists are small and
closed on purpose: a word missing here makes the extractor decline (speaker None), never guess.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Verbs that introduce speech or writing, as lemmas. After the reporting-verb classes of Krestel, Bergler
# and Witte (2008), "Minding the Source", and textacy's `_reporting_verbs`; a verb only counts as a cue
# when it is outside the quote marks.
REPORTING_VERBS: frozenset[str] = _words(
    """
    acknowledge add admit advise agree allege announce answer argue ask assert assure bark boast brag caution
    chant charge chime claim comment complain concede conclude confirm contend continue counter cry declare
    demand deny emphasise emphasize estimate exclaim explain fume grumble insist joke lament maintain
    mutter note observe offer opine pledge post predict proclaim promise quip react read recall recount
    rejoin remark remember repeat reply report respond retaliate retort reveal say scoff scream shout sing
    snap speculate state stress suggest swear tell testify tweet urge vow warn whisper wonder write yell
    """
)

# Verbs that characterise rather than report, but still attribute a quoted fragment to their subject
# ("he called it 'unprecedented'", "Trump attacked 'the hateful ideology ...'"). Used for quotes only,
# never for indirect speech.
CHARACTERISING_VERBS: frozenset[str] = _words(
    """
    accuse attack blast brand call condemn criticise criticize denounce describe dub hail label mock
    praise slam term
    """
)

# Reporting verbs whose direct object is the reported content ("Ukraine denied any full takeover");
# for the others ("told AFP", "asked him") the object is the addressee.
CONTENT_OBJECT_VERBS: frozenset[str] = _words(
    """
    announce claim confirm deny predict promise reveal vow warn
    """
)

# Reporting verbs that contest what another says ("Ukraine denied any full takeover"): an answer citing
# one beside another speaker's statement says who says what. Forms as they stand in a cue, since cues
# are stored as written ("denied", "rejected").
CONTESTING_CUES: frozenset[str] = _words(
    """
    deny denies denied denying reject rejects rejected rejecting dismiss dismisses dismissed dismissing
    dispute disputes disputed disputing refute refutes refuted refuting contradict contradicts
    contradicted rebut rebuts rebutted counter countered
    """
)

# Verbs that may be followed by their subject after a quote ("'...,' said Caddell").
INVERTING_VERBS: frozenset[str] = _words(
    """
    add answer argue ask continue declare explain insist joke note quip react read recall remember reply
    respond retort say shout tell tweet warn write yell
    """
)

# Titles and honorifics stripped from a name ("Mr. King" -> "King"); the dot is removed before lookup.
TITLES: frozenset[str] = _words(
    """
    adm admiral ambassador attorney candidate capt captain chair chairman chairwoman chancellor chief
    coach col colonel commissioner dame del democrat deputy detective director dr father first former
    gen general gop gov governor hon inspector judge justice king lady leader lord lt maj major marshal
    mayor minister miss mr mrs ms nominee officer pope president prime prince princess prof professor
    queen rep representative republican rev reverend secretary sen senator sgt sheikh sheriff sir
    speaker spokesman spokesperson spokeswoman st vice
    """
)

MALE_TITLES: frozenset[str] = frozenset({"mr", "sir", "lord", "king", "prince", "father", "sheikh", "pope"})
FEMALE_TITLES: frozenset[str] = frozenset({"mrs", "ms", "miss", "dame", "lady", "queen", "princess"})
# Titles that say how to address someone, not what they do: never a role ("Mr", "Dr").
HONORIFICS: frozenset[str] = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "sir", "dame"})

# Common given names by gender (a small sample of the US Social Security Administration's most frequent
# names, plus names frequent in international news). Used only to rule out a pronoun's antecedent.
MALE_FIRST_NAMES: frozenset[str] = _words(
    """
    aaron adam alan albert alex alexander alexei anatoly andrew andriy andy anthony antony arthur barack
    bashar ben benjamin bernie bill billy bob bobby boris brad brandon brian bruce bryan carl carlos
    chad charles charlie chris christopher chuck colin corey craig dan daniel darren dave david dennis
    dmitri dmitry don donald doug douglas dylan ed eddie edward emmanuel eric frank fred gary gavin
    george georgy gerald greg gregory harold harry henry howard hugh ian ivan jack jacob jake james
    jared jason jeb jeff jeffrey jeh jens jeremy jerry jim jimmy joe john johnny jon jonathan jorge jose
    joseph josh joshua juan justin keith ken kenneth kevin kim kyle larry lloyd louis luis marco mark
    martin matt matthew michael mike mitch mitt mohammed muhammad mykhailo mykhaylo narendra nathan newt
    nicholas nick olaf oleg patrick paul pete peter phil philip ralph rand randy ray raymond recep
    reince rex richard rick rob robby robert roger ron ronald rudolph rudy russell ryan sam samuel scott
    sean sergei sergey stephen steve steven ted thomas tim timothy todd tom tony valery victor viktor
    vladimir volodymyr walter wayne william xi yuri zach
    """
)

FEMALE_FIRST_NAMES: frozenset[str] = _words(
    """
    abby alice alison amanda amber amy andrea angela ann anna anne barbara beth betsy betty beyonce
    brittany carly carol caroline catherine chelsea cheri cheryl christina christine cindy claire
    condoleezza cynthia dana debbie deborah debra diane donna dorothy elena elizabeth ellen emily emma
    erin eva ganna gloria hanna hannah heather heidi helen hillary hope irina ivanka jane janet jeanne
    jen jennifer jessica jill joan joanna jodi judy julia julie kamala karen kate katherine kathleen
    kathy katie kayleigh kelly kellyanne kimberly kirsten kristen laura lauren linda lisa loretta lucy
    madeleine maria marie marine marsha martha mary megan megyn melania melissa michelle monica nancy
    natalia nicole nikki olga oprah pamela patricia paula rachel rebecca robin ruth sally samantha
    sandra sara sarah sharon sheryl shirley stephanie susan susana tammy teresa theresa tulsi ursula
    valerie victoria virginia wendy yulia zoe
    """
)

MALE_PRONOUNS: frozenset[str] = frozenset({"he", "him", "his", "himself"})
FEMALE_PRONOUNS: frozenset[str] = frozenset({"she", "her", "hers", "herself"})
# Subject pronouns that can stand for an organisation or a group.
GROUP_PRONOUNS: frozenset[str] = frozenset({"they", "it", "we"})
# Pronouns that never name a speaker in the narrative (the writer, the reader).
SKIPPED_PRONOUNS: frozenset[str] = frozenset({"i", "you", "me", "us"})
# Indefinite pronouns that stand for an unnamed speaker ('"...," said another'); kept as descriptions.
INDEFINITE_SPEAKERS: frozenset[str] = _words(
    """
    another anyone both many others one some somebody someone
    """
)

# Head nouns of phrases that denote people ("the spokesman", "a Moscow-based defense analyst"); a
# nominal speaker with one of these heads can be referred back to by "he"/"she".
PERSON_NOUNS: frozenset[str] = _words(
    """
    activist adviser advisor aide ally ambassador analyst anchor attorney author billionaire boss
    businessman businesswoman candidate chairman chairwoman chief columnist commander commentator
    congressman congresswoman consultant critic daughter delegate diplomat director doctor donor
    economist editor employee executive expert father founder general governor head host husband
    journalist judge lawmaker lawyer leader man manager mayor member minister mogul mother narrator
    negotiator nominee officer official operative organizer owner physician politician pollster
    president professor prosecutor reporter representative researcher resident scientist secretary
    senator sheriff soldier son source speaker spokesman spokesperson spokeswoman staffer strategist
    student supporter surrogate teacher trooper veteran voter wife witness woman worker
    """
)

# Person nouns that give their referent's gender ("the spokeswoman" is not "he").
MALE_NOUNS: frozenset[str] = _words(
    """
    businessman chairman congressman father husband king man son spokesman
    """
)
FEMALE_NOUNS: frozenset[str] = _words(
    """
    businesswoman chairwoman congresswoman daughter mother queen spokeswoman wife woman
    """
)

# Head nouns of phrases that denote organisations or documents; these are referred to by "it"/"they".
ORG_NOUNS: frozenset[str] = _words(
    """
    ad administration agency army association bank board bureau campaign channel church coalition
    college commission committee company complaint congress council court daily department document
    embassy filing firm foundation government group institute journal kremlin league letter magazine
    memo ministry network news newspaper office organisation organization outlet paper party police poll
    post press report senate service site statement station study survey team times union university
    website
    """
)

# Words that mark a capitalised name as an organisation rather than a person ("Morning Consult").
ORG_NAME_WORDS: frozenset[str] = _words(
    """
    abc afp agency ap association bank campaign cbs center centre cnn co commission committee congress
    corp council court department dnc fbi foundation fox group house inc institute journal kremlin
    league llc ltd ministry msnbc nbc network news npr office party pentagon post press reuters rnc
    senate service times union university
    """
)

# Head nouns of events and states, which a parser can make the subject of a reporting verb ("the
# reported feud between Tony Blair and Gordon Brown suggests ...", "Gordon Brown's decision confirmed
# ..."): nobody's words, so such a subject is no speaker.
EVENT_NOUNS: frozenset[str] = _words(
    """
    absence affair announcement appearance approval arrest attack battle bombing change choice clash
    collapse concern conflict controversy crash crisis deal death decision decline defeat departure
    dispute drop election evidence explosion fact failure fall fear feud fight growth hope idea
    increase issue loss move notion outcome possibility problem prospect question refusal rejection
    resignation result retirement rift rise risk row scandal shift shooting situation split success
    surge threat trip turnout victory visit vote war win
    """
)

# Words that make a count approximate ("about 500 officials", "more than 100 people"): a crowd or a
# statistic, not a source. A small exact count ("two officials familiar with the talks") is a source.
APPROXIMATORS: frozenset[str] = _words(
    """
    about almost approximately around estimated least less more nearly over roughly some than up
    """
)
# Number words of ten and more, and the nouns of a large count ("hundreds of protesters").
LARGE_NUMBER_WORDS: frozenset[str] = _words(
    """
    billion billions dozen dozens eighty eleven fifty forty hundred hundreds million millions ninety
    percent score scores seventy sixty ten tens thirty thousand thousands twelve twenty
    """
)
