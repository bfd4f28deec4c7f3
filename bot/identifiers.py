"""The identifier guard: finds details in a free text that could identify a person.

Supervision notes must refer to clients only by the codes therapists choose (C12, K-7). This module
finds what must not be stored or posted: person names, dates tied to a person (birth, death, admission
…), ages over 89, phone numbers, email addresses, street addresses and record or ID numbers.

It is offline and depends only on the text and today's year (a birth year is judged by the age it means now).
Regular expressions find the structured kinds, written or spelled out ("mark dot ellis at protonmail dot com",
"oh seven seven double oh …"). Names are found by context rules (titles, initials, "my client …", "…'s
husband", "… said", "with …", a first name opening a sentence about a person even when it is also a word)
and by first-name lists: a small hand-written one, and the first names of every locale that the Faker
package ships as data, less English surnames and places. Cited authors ("Beck's triad", "Miller and
Rollnick", "Rogers (b. 1902)") and the vocabulary of therapy are allowed. It never raises, and every
pattern is bounded so that any input stays fast.
"""

from __future__ import annotations

import bisect
import importlib
import pkgutil
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Iterator

KINDS = ("name", "date_of_birth", "age_over_89", "phone", "email", "street_address", "record_number")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int


def find_identifiers(text: str) -> list[Finding]:
    """Every identifying detail in `text`, in order of position, without overlaps."""
    if not isinstance(text, str) or not text:
        return []
    findings: list[Finding] = []
    for finder in _FINDERS:
        findings.extend(finder(text))
    return _without_overlaps(findings)


def _finding(text: str, kind: str, start: int, end: int) -> Finding:
    return Finding(kind, text[start:end], start, end)


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Where two findings overlap, keeps the one from the earlier finder (they run most specific first)."""
    kept: list[Finding] = []
    starts: list[int] = []
    for finding in findings:
        position = bisect.bisect_left(starts, finding.start)
        overlaps_before = position > 0 and kept[position - 1].end > finding.start
        overlaps_after = position < len(kept) and kept[position].start < finding.end
        if not (overlaps_before or overlaps_after):
            kept.insert(position, finding)
            starts.insert(position, finding.start)
    return kept


# --- Emails ---------------------------------------------------------------------------------------

EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}\b")


# Spelled out: "mark dot ellis at protonmail dot com", "j.smith [at] gmail [dot] com", "bobby at gmail" (only a
# provider whose name is no English word may stand alone: "plays at live events" is prose).
SPELLED_AT = r"(?:\s{0,2}[\[({<]\s?at\s?[\])}>]\s{0,2}|\s{1,3}at\s{1,3})"
SPELLED_DOT = r"(?:\s{0,2}[\[({<]\s?dot\s?[\])}>]\s{0,2}|\s{1,3}(?:dot|underscore|dash|hyphen)\s{1,3}|[._-])"
EMAIL_PART = rf"[A-Za-z0-9][\w+-]{{0,40}}+(?:{SPELLED_DOT}[A-Za-z0-9][\w+-]{{0,40}}+){{0,3}}"
MAIL_PROVIDERS = (
    r"gmail|googlemail|hotmail|outlook|yahoo|icloud|aol|protonmail|gmx|btinternet|laposte|wanadoo|libero"
    r"|t-online|yandex|fastmail"
)
# Top-level domains that are not English words may follow a bare "."; "at", "in", "me", "us" only "dot".
TLD = r"com|org|net|edu|gov|co|uk|de|fr|nl|ch|au|ca|nz|ie|es|pl|se|dk|fi|eu|io|info|biz"
WORD_TLD = r"at|be|in|it|me|no|us"
SPELLED_EMAIL = re.compile(
    rf"\b(?<![.@-]){EMAIL_PART}{SPELLED_AT}(?:"
    rf"[A-Za-z0-9][\w-]{{1,40}}+(?:{SPELLED_DOT}[A-Za-z0-9][\w-]{{0,40}}+){{0,3}}"
    rf"(?:{SPELLED_DOT}(?:{TLD})|\s{{0,2}}[\[({{<]?\s?dot\s?[\])}}>]?\s{{0,2}}(?:{WORD_TLD}))"
    rf"|(?:{MAIL_PROVIDERS}))(?![\w@-])",
    re.IGNORECASE,
)


def _emails(text: str) -> Iterator[Finding]:
    for pattern in (EMAIL, SPELLED_EMAIL):
        for match in pattern.finditer(text):
            if pattern is EMAIL or _spelled_email_domain(match.group()):
                yield _finding(text, "email", match.start(), match.end())


def _spelled_email_domain(candidate: str) -> bool:
    """The domain is no everyday word: "worked at the dot com" is prose."""
    domain = re.split(SPELLED_AT, candidate, maxsplit=1, flags=re.IGNORECASE)[-1]
    first = re.split(SPELLED_DOT, domain, maxsplit=1, flags=re.IGNORECASE)[0]
    return first.lower() not in COMMON_WORDS


# --- Record and ID numbers --------------------------------------------------------------------------

MARKER = r"(?:number|no\.|no(?!\w)|nr\.?|num\.?|#|ID(?!\w)|ref\.?|reference)"
# Names of numbers: the number may follow directly ("MRN 1234567", "NHS 943 476 5919") or after a marker.
NUMBER_NAMES = (
    r"MRN|SSN|SIN|NHS|CHI|NINO|Aadhaar|Aadhar|PAN|Medicare|Medicaid|passport|ID|driver'?s?\s+licen[cs]e"
    r"|Versichertennummer|Krankenversichertennummer|Steuer-?ID|Sozialversicherungsnummer|s[ée]curit[ée] sociale"
)
# Words that make the number after them an identifier only with a marker: "case #4471", "patient ID 88231".
NUMBER_CONTEXTS = (
    r"medical|health|hospital|patient|client|case|chart|file|claim|policy|member|membership|insurance|insurer"
    r"|account|student|employee|staff|court|referral|reference|NI|national insurance|social security|tax"
    r"|licen[cs]e|record|unit|identity|identification|ref"
)
RECORD_KEY = re.compile(
    rf"\b(?:(?:{NUMBER_NAMES})(?:\s*{MARKER})?|(?:{NUMBER_CONTEXTS}|(?-i:[A-Z]{{2,5}}))\s*{MARKER}"
    r"|(?:case|chart|file|claim|policy|patient|client|member|ref|reference|record)\s*(?=[#:]))"
    r"(?:\s{0,3}(?:is|was|of|=|:|#|-)){0,3}\s{0,3}",
    re.IGNORECASE,
)
# The number itself: groups of digits and capital letters, at least one digit in all, joined by single
# separators ("AB1234567", "943 476 5919", "4 F 123/23", "QQ 12 34 56 C", "CMH-2022-8841").
RECORD_VALUE = re.compile(r"#?(?:[A-Z]{1,4}|\d)[A-Z\d]{0,20}(?:(?:[ ./-]|\s?-\s?)[A-Z\d]{1,20}){0,8}")
MIN_RECORD_DIGITS = 4

SSN = re.compile(r"(?<![\w-])\d{3}-\d{2}-\d{4}(?![\w-])")
UK_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b")
LETTERS_THEN_DIGITS = re.compile(r"\b[A-Z]{1,4}-?\d{6,}\b")  # "AB1234567"; codes like C12 are shorter
MIXED_ID = re.compile(r"\b[A-Z\d]{8,24}\b")  # "MORGA753116SM9IJ": checked for digits and letters below
MIN_MIXED_ID_DIGITS = 5
LONG_NUMBER = re.compile(r"(?<![\w.,/-])\d{7,}(?![\w/-])")
GROUPED_NUMBER = re.compile(r"(?<![\w.,/-])\d{2,6}(?:[ -]\d{2,6}){2,7}(?![\w/-])")  # "8003 6012 3456 7890"
MIN_GROUPED_DIGITS = 12


def _record_numbers(text: str) -> Iterator[Finding]:
    for key in RECORD_KEY.finditer(text):
        value = RECORD_VALUE.match(text, key.end())
        if value and _looks_like_record(value.group()):
            yield _finding(text, "record_number", key.start(), _trim_record(value))
    for pattern in (SSN, UK_NI_NUMBER, LETTERS_THEN_DIGITS):
        for match in pattern.finditer(text):
            yield _finding(text, "record_number", match.start(), match.end())
    for match in MIXED_ID.finditer(text):
        digits = sum(character.isdigit() for character in match.group())
        if MIN_MIXED_ID_DIGITS <= digits < len(match.group()):
            yield _finding(text, "record_number", match.start(), match.end())


def _looks_like_record(value: str) -> bool:
    return sum(character.isdigit() for character in value) >= MIN_RECORD_DIGITS


def _trim_record(value: re.Match) -> int:
    """Where the number ends, without trailing groups of three or more letters that it swallowed ("… FOR")."""
    groups = re.split(r"([ ./-]+)", value.group())
    while len(groups) > 1 and not any(character.isdigit() for character in groups[-1]) and len(groups[-1]) > 2:
        groups = groups[:-2]
    return value.start() + len("".join(groups))


def _long_numbers(text: str) -> Iterator[Finding]:
    """Seven digits in a row, or twelve in groups, that no other finder claimed: some kind of ID."""
    for match in LONG_NUMBER.finditer(text):
        yield _finding(text, "record_number", match.start(), match.end())
    for match in GROUPED_NUMBER.finditer(text):
        if sum(character.isdigit() for character in match.group()) >= MIN_GROUPED_DIGITS:
            yield _finding(text, "record_number", match.start(), match.end())


# --- Phone numbers ----------------------------------------------------------------------------------

# A candidate: starts with +, 00, 0, ( or a digit, then digits and the separators people type.
PHONE_CANDIDATE = re.compile(r"(?<![\w+./-])(?:\+|\(\+?)?\d[\d\s()./-]{5,24}\d(?:\s?(?:ext\.?|x)\s?\d{1,5})?(?![\w/-])")
# Shapes a number without a + or a leading 0 must have to count: US/Canada, an Indian mobile.
NATIONAL_WITHOUT_TRUNK = (
    re.compile(r"\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"),
    re.compile(r"1[\s.-]\(?\d{3}\)?[\s.-]?\d{3}[\s.-]\d{4}"),
    re.compile(r"[6-9]\d{4}\s?\d{5}"),
    re.compile(r"[2-9]\d{9}"),
)
NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
MIN_PHONE_DIGITS, MAX_PHONE_DIGITS = 9, 15


def _phones(text: str) -> Iterator[Finding]:
    for match in PHONE_CANDIDATE.finditer(text):
        if _looks_like_phone(match.group()):
            yield _finding(text, "phone", match.start(), match.end())


def _looks_like_phone(candidate: str) -> bool:
    number = re.split(r"\s?(?:ext\.?|x)\s?", candidate)[0]
    digits = re.sub(r"\D", "", number)
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS or NUMERIC_DATE.fullmatch(number):
        return False
    if re.search(r"[\s./-]{2,}", number.replace(" / ", "/")):  # "12 - 15" is a range, not a number
        return False
    compact = number.lstrip("(")
    if compact.startswith(("+", "00", "0")):
        return True
    return any(shape.fullmatch(number) for shape in NATIONAL_WITHOUT_TRUNK)


# Spelled out, alone or mixed with digits: "oh seven seven double oh nine hundred one two three".
DIGIT_WORDS = "zero oh o nought one two three four five six seven eight nine".split()
SPOKEN_DIGIT = rf"(?:(?:double|triple)\s+)?(?:{'|'.join(DIGIT_WORDS)})|hundred"
SPOKEN_NUMBER = re.compile(
    rf"\b(?<!-)(?:plus\s+)?(?:{SPOKEN_DIGIT}|\d{{1,5}})(?:[\s,-]{{1,3}}(?:{SPOKEN_DIGIT}|\d{{1,5}})){{3,24}}(?![\w-])",
    re.IGNORECASE,
)
MIN_SPOKEN_DIGITS = 4  # fewer, and it is a number with a word or two in it, not a number said aloud


def _spoken_phones(text: str) -> Iterator[Finding]:
    for match in SPOKEN_NUMBER.finditer(text):
        spoken, written = _digits_said(match.group())
        if spoken >= MIN_SPOKEN_DIGITS and MIN_PHONE_DIGITS <= spoken + written <= MAX_PHONE_DIGITS:
            yield _finding(text, "phone", match.start(), match.end())


def _digits_said(number: str) -> tuple[int, int]:
    """How many digits a number says in words ("double oh" is two, "hundred" two more), and how many it writes."""
    spoken = written = 0
    repeat = 1
    for item in re.findall(r"[a-z]+|\d+", number.lower()):
        if item.isdigit():
            written += len(item)
        elif item in ("double", "triple"):
            repeat = 2 if item == "double" else 3
        elif item != "plus":
            spoken += 2 if item == "hundred" else repeat
            repeat = 1
    return spoken, written


# --- Dates tied to a person -------------------------------------------------------------------------

MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|Januar|Februar|März|Mai|Juni|Juli|Oktober|Dezember"
    r"|janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)\.?"
)
DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th|er)?"
YEAR = r"(?:19|20)\d{2}"
DATE = re.compile(
    rf"(?<![\w/.-])(?:"
    rf"{DAY}[./-]\d{{1,2}}[./-](?:{YEAR}|\d{{2}})"  # 03/04/1985, 22.11.1968, 7/22/88
    rf"|{YEAR}[./-]\d{{1,2}}[./-]\d{{1,2}}"  # 1985-04-03
    rf"|{DAY}[- ]{MONTH}[- ]{YEAR}"  # 11-Feb-1971, 30 Sept 1957
    rf"|(?:the\s)?{DAY}(?:\sof)?\s{MONTH}(?:,?\s{YEAR})?"  # 12 March 1979, the 15th of May
    rf"|{MONTH}\s{DAY}(?:,?\s{YEAR})?"  # March 3rd, 1995
    rf")(?![\w/-])",
    re.IGNORECASE,
)
# Words that tie the date that follows to a person's life.
PERSON_DATE_CUE = re.compile(
    r"(?<!\w)(?:DOB|d\.\s?o\.\s?b\.?|date of (?:birth|death)|birth\s?date|born|b\.|geb\.|geboren|née?"
    r"|birthday|died|death|passed away|killed|funeral|admitted|discharged|sectioned|overdose"
    r"|attempt|wedding|married|divorced?|engaged|turned \d{1,3}|accident|assault(?:ed)?"
    r"|arrested|diagnosed)(?!\w)",
    re.IGNORECASE,
)
CUE_REACH = 40  # characters between the cue and the date, within one sentence
EARLIEST_PLAN_YEAR = 2010  # a full date before this is not a deadline or a session: it is someone's
DAY_MONTH = re.compile(rf"(?<![\w/.-]){DAY}[./]\d{{1,2}}(?![\w/.-]?\d)")  # "birthday: 23/09"
DAY_MONTH_REACH = 15  # a day and month without a year needs its cue right before it


def _person_dates(text: str) -> Iterator[Finding]:
    for match in DATE.finditer(text):
        if _cued(text, match.start()) or _old_full_date(match.group()):
            yield _finding(text, "date_of_birth", match.start(), match.end())
    for match in DAY_MONTH.finditer(text):
        if _cued(text, match.start(), reach=DAY_MONTH_REACH):
            yield _finding(text, "date_of_birth", match.start(), match.end())


def _cued(text: str, date_start: int, reach: int = CUE_REACH) -> bool:
    before = re.split(r"[.;!?]\s|\n", text[max(0, date_start - reach) : date_start])[-1]
    return PERSON_DATE_CUE.search(before) is not None


def _old_full_date(date: str) -> bool:
    year = re.search(r"(?:19|20)\d{2}\b", date)
    if year is None or not re.search(r"\d{1,2}\D+\d{1,2}|\d{1,2}\D+[A-Za-zä]{3}", date):
        return False
    return int(year.group()) < EARLIEST_PLAN_YEAR


# --- Ages over 89 -----------------------------------------------------------------------------------

NOT_A_UNIT = r"(?!\s*(?:%|/|min|minutes?|hours?|hrs?|h\b|points?|sessions?|seconds?|secs?|percent|days?|weeks?))"
OLD_IN_WORDS = r"(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a |one )?hundred)"
OLD = rf"(?:9\d|1[01]\d|12[0-5]|{OLD_IN_WORDS}){NOT_A_UNIT}"
AGE_PATTERNS = [
    re.compile(rf"\b{OLD}\s?-?\s?(?:years?|yrs?)(?:\s?-?\s?old|\s+of\s+age)\b", re.IGNORECASE),
    re.compile(rf"\b{OLD}\s?(?:y/?o|yo|y\.o\.)(?!\w)", re.IGNORECASE),
    re.compile(rf"\b(?:aged?|age:|alter|âgée?)\s*:?\s*{OLD}\b", re.IGNORECASE),
    re.compile(rf"\b(?:turned|turns|turning)\s+{OLD}\b", re.IGNORECASE),
    re.compile(rf"\bat\s+{OLD_IN_WORDS}\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:she|he|they|client|patient|who|[A-Z]{{1,3}}-?\d{{1,3}})"
        rf"(?:['’]s|\s+is|\s+was|\s+are|['’]re|(?:['’]ll|\s+will|\s+would|['’]d)\s+be|\s+turns?)"
        rf"\s+(?:now\s+)?{OLD}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bat\s+{OLD},", re.IGNORECASE),  # "the client, at 90, …"
    re.compile(
        rf"\b(?:male|female|man|woman|lady|gentleman|widow(?:er)?|client|patient|resident|M|F)\s*,\s*{OLD}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b{OLD}\s?(?:M|F|male|female)\b"),
    re.compile(r"\bin (?:his|her|their) (?:early |mid-?|late )?(?:90s|nineties)\b", re.IGNORECASE),
    re.compile(
        r"\b(?:(?:9\d|1[01]\d)(?:st|nd|rd|th)|ninetieth|ninety-(?:first|second|third|fourth|fifth|sixth|seventh"
        r"|eighth|ninth)|hundredth)\s+birthday\b",
        re.IGNORECASE,
    ),
]

# A birth year says an age: "Born in 1931", "(b. 1920)", "YOB: 1929", "born in the 1920s", "born in '31".
YEAR_OR_DECADE = r"(?:1[89]\d{2}|20\d{2}|['’]\d{2})s?"
BIRTH_YEAR = re.compile(
    rf"(?<!\w)(?:born|b\.|birth\s?year|year of birth|YOB|geboren|geb\.)"
    rf"(?:\s{{0,2}}(?:is|was|:|in|on|around|about|circa|c\.|ca\.|the)(?!\w)){{0,4}}\s{{0,2}}({YEAR_OR_DECADE})(?![\w'’])",
    re.IGNORECASE,
)
# An age in a given year says a birth year: "she was 8 in 1943", "in 1940, when he was 10".
AGE_IN_YEAR = re.compile(
    r"\b(?:was|were|aged|at)\s+(?P<age>\d{1,2})\s+in\s+(?P<year>(?:19|20)\d{2})\b"
    r"|\bin\s+(?P<year2>(?:19|20)\d{2}),?\s+(?:when\s+)?(?:she|he|they|I)\s+(?:was|were)\s+(?P<age2>\d{1,2})\b",
    re.IGNORECASE,
)
ANY_YEAR = re.compile(r"(?:1[89]|20|['’])\d\d")
OLDEST_AGE = 125  # a birth year further back is history, not a client: "Freud, born 1856"


def _ages(text: str) -> Iterator[Finding]:
    for pattern in AGE_PATTERNS:
        for match in pattern.finditer(text):
            yield _finding(text, "age_over_89", match.start(), match.end())
    if not ANY_YEAR.search(text):
        return
    for match in BIRTH_YEAR.finditer(text):
        if _over_89(_latest_year(match.group(1))) and not _after_an_author(text, match.start()):
            yield _finding(text, "age_over_89", match.start(), match.end())
    for match in AGE_IN_YEAR.finditer(text):
        year, age = match.group("year") or match.group("year2"), match.group("age") or match.group("age2")
        if _over_89(int(year) - int(age)):
            yield _finding(text, "age_over_89", match.start(), match.end())


def _after_an_author(text: str, start: int) -> bool:
    """ "Rogers (b. 1902)", "Bowlby, born 1907": a cited author's birth year is history."""
    before = WORD_BEFORE.search(text[max(0, start - 30) : start])
    return before is not None and before.group(1).lower() in AUTHORS


def _latest_year(year_or_decade: str) -> int:
    """The latest birth year it can mean: 1920s is 1929 at most, '31 is 1931."""
    digits = year_or_decade.strip("'’s")
    year = int(digits) if len(digits) == 4 else 1900 + int(digits)
    return year + 9 if year_or_decade.endswith("s") else year


def _over_89(birth_year: int) -> bool:
    return 89 < date.today().year - birth_year <= OLDEST_AGE


# --- Street addresses -------------------------------------------------------------------------------

STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Av|Lane|Ln|Drive|Dr|Close|Way|Boulevard|Blvd|Court|Ct|Place|Pl"
    r"|Terrace|Tce|Crescent|Cres|Parade|Pde|Square|Sq|Grove|Gardens|Gdns|Row|Mews|Walk|Highway|Hwy|Parkway"
    r"|Pkwy|Circle|Cir|Trail|Alley|Esplanade|Quay|Wharf|Rise|Hill|View|Green|Park)"
)
STREET_WORD = r"(?:[A-Z0-9][\w'’.-]*|of|the|de|la)"
ADDRESS_PATTERNS = [
    # 10 Downing Street, 4500 W Elm Avenue, 3/14 Beach Parade, 200 East 57th Street
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?(?:[/-]\d{{1,5}}[A-Za-z]?)?,?\s+(?:{STREET_WORD}\s+){{1,3}}{STREET_SUFFIX}\b\.?"),
    re.compile(r"\b\d{1,5}[A-Za-z]?,?\s+(?:Broadway|Kingsway)\b"),
    # Hauptstraße 5, Berliner Str. 12, Lindenallee 23a, Am Markt 3
    re.compile(
        r"\b[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|steig|pfad)"
        r"\s+\d{1,3}(?!\d)\s?[a-z]?\b"
    ),
    re.compile(r"\b[A-ZÄÖÜ][\wäöüß-]+\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm)\s+\d{1,4}\s?[a-z]?\b"),
    re.compile(r"\b(?:Am|An der|Auf dem|Im|In der|Zum|Zur|Unter den)\s+[A-ZÄÖÜ][\wäöüß-]+\s+\d{1,3}[a-z]?\b"),
    # 12 rue de la Paix, 7 Boulevard Saint-Michel, 2 Chemin des Vignes
    re.compile(
        r"\b\d{1,4}(?:\s?(?:bis|ter))?,?\s+(?i:rue|avenue|boulevard|bd|chemin|impasse|allée|place|quai|route"
        r"|cours|calle|avenida|viale|piazza|corso)\s+(?:(?:de|du|des|la|le|d'|l'|del|della|di)\s*){0,3}[A-ZÀ-Ý][\w'-]*"
    ),
    # Apt 4B, apartment 12C, Flat 3, Suite 210, Unit 5/22, PO Box 4471
    re.compile(r"\b(?:apt|apartment|suite|ste|p\.?\s?o\.?\s?box|postfach)\.?\s*#?\d{1,5}[A-Za-z]?\b", re.IGNORECASE),
    re.compile(r"\b(?:Flat|Unit)\s+\d{1,4}[A-Za-z]?(?:/\d{1,5})?(?=,|\s+\d|/)"),
    re.compile(r"\bUnit\s+\d{1,4}/\d{1,5}"),
    # Postcodes: UK (LS6 2AB), a US state and ZIP (IL 60601), an Australian state and postcode (NSW 2150)
    re.compile(r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b"),
    re.compile(
        r"\b(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI|S[CD]|T[NX]|UT"
        r"|V[TA]|W[AVIY])\s\d{5}(?:-\d{4})?\b"
    ),
    re.compile(r"\b(?:NSW|VIC|QLD|TAS|NT)\s\d{4}\b"),
]


def _addresses(text: str) -> Iterator[Finding]:
    for pattern in ADDRESS_PATTERNS:
        for match in pattern.finditer(text):
            yield _finding(text, "street_address", match.start(), match.end())


# --- Names ------------------------------------------------------------------------------------------

TOKEN = re.compile(r"[^\W\d_](?:[\w'’.-]{0,40}[^\W_])?")
POSSESSIVE = re.compile(r"['’]s?$")
CONTRACTED_VERB = re.compile(r"['’](?:d|ed)$")
TITLE_BEFORE = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Mister|Dr|Doctor|Prof|Professor|Mme|Mlle|Madame|Monsieur|Herr|Frau|Sr|Sra|Srta"
    r"|Señor|Señora|Sig|Sig\.ra|Signora|Uncle|Aunt|Auntie|Grandma|Grandpa|Nana|Rev|Sir|Dame|Lady)\.?\s+"
    r"$"
)
INITIALS_BEFORE = re.compile(r"(?<![\w.])[A-Z]\.\s?(?:-?[A-Z]\.\s?)?$")
CODE_THEN_NAME_BEFORE = re.compile(r"\b[A-Z]{1,3}-?\d{1,4}\s*(?:\(|=|aka\b|a\.k\.a\.)\s*$")
SENTENCE_BREAK = re.compile(r"(?:[.!?:;()\"“”—–]|\s-\s|\n)\s*$")
# Titles that authors carry in citations ("Dr. Linehan's manual"); Mr/Mrs/Ms never do.
SCHOLARLY_TITLES = ("dr", "doctor", "prof", "professor")
AGE_APPOSITION = re.compile(r"\s?(?:,\s?|\(\s?)(?:[1-9]|[1-9]\d)\s?(?:,|\)|$)")


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    base: str  # without a possessive 's
    possessive: bool
    gap: str  # the text between the previous token and this one

    @property
    def sentence_start(self) -> bool:
        return self.start == len(self.gap) or SENTENCE_BREAK.search(self.gap) is not None

    @property
    def lower(self) -> str:
        return self.base.lower()

    @property
    def capitalised(self) -> bool:
        return self.base[:1].isupper() and not self.base.isupper()


TITLE_AND_INITIAL = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z]\b\.?")  # "Mrs P."


def _names(text: str) -> Iterator[Finding]:
    for match in TITLE_AND_INITIAL.finditer(text):
        yield _finding(text, "name", match.start(), match.end())
    tokens = _tokens(text)
    for index, token in enumerate(tokens):
        start = _name_start(text, tokens, index)
        if start is not None:
            yield _finding(text, "name", start, _name_end(tokens, index))


# Initials: "J.S.", "M. R. J.", or two or three capitals ("JS", "KLM") that are not an acronym we know.
INITIALS = re.compile(r"(?<![\w.'’-])(?:(?:[A-Z]\.\s?){1,2}[A-Z]\.?(?!\w|\.\w)|[A-Z]{2,3}(?=['’]s\b|[^\w'’-]|$))")
WORD_BEFORE = re.compile(r"([\w'’]+)[\s,(]{1,3}$")
POSSESSION_AFTER = re.compile(r"['’]s\s+([\w'’]+)")
WORDS_AFTER = re.compile(r"[\s,)]{1,3}([\w'’]+)(?:\s+([\w'’]+))?")


def _initials(text: str) -> Iterator[Finding]:
    """Initials next to a word for a person: "client J.S.", "her son T.M.", "KL's mother", "DK said"."""
    for match in INITIALS.finditer(text):
        letters = re.sub(r"[.\s]", "", match.group())
        if letters.lower() not in ACRONYMS and _next_to_a_person_word(text, match.start(), match.end()):
            yield _finding(text, "name", match.start(), match.end())


def _next_to_a_person_word(text: str, start: int, end: int) -> bool:
    before = WORD_BEFORE.search(text[max(0, start - 30) : start])
    if before and (before.group(1).lower() in ROLE_WORDS or before.group(1).lower() in NAMING_WORDS):
        return True
    possession = POSSESSION_AFTER.match(text, end)
    if possession:
        return possession.group(1).lower() in RELATION_WORDS or possession.group(1).lower() in PERSONAL_THINGS
    after = WORDS_AFTER.match(text, end)
    if after is None:
        return False
    following = [word.lower() for word in after.groups() if word]
    return following[0] in PERSON_VERBS or following in (["and", "i"], ["and", "me"])


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in TOKEN.finditer(text):
        word = match.group().rstrip(".")
        base = POSSESSIVE.sub("", word) if "'" in word or "’" in word else word
        if not base:
            continue
        gap = text[tokens[-1].end if tokens else 0 : match.start()]
        possessive = base != word
        if not possessive and ("'" in word or "’" in word):
            base = CONTRACTED_VERB.sub("", base)  # "DNA'd", "OK'ed": the word is "DNA", "OK"
        tokens.append(_Token(match.start(), match.start() + len(word), base, possessive, gap))
    return tokens


def _name_start(text: str, tokens: list[_Token], index: int) -> int | None:
    """Where the name at `tokens[index]` starts (with its title or initials), or None if it is not one."""
    token = tokens[index]
    if _first_name_as_subject(text, tokens, index) and not _is_author(token):  # even "Will", "May": common words
        return token.start
    if not _could_be_a_name(token):
        return None
    before = text[max(0, token.start - 40) : token.start]
    prefix = TITLE_BEFORE.search(before) or INITIALS_BEFORE.search(before)
    if prefix and token.capitalised and not _cited_with_title(prefix.group(), token):
        return token.start - len(prefix.group())
    if token.capitalised and CODE_THEN_NAME_BEFORE.search(before):
        return token.start
    if _after_role_word(tokens, index):
        return token.start
    if _is_author(token) or _is_author_first_name(tokens, index) or _names_a_work(tokens, index):
        return None
    if _listed_first_name(token) or _unknown_word_used_like_a_person(text, tokens, index):
        return token.start
    return None


def _could_be_a_name(token: _Token) -> bool:
    word = token.lower
    return (
        len(word) >= 2
        and not token.base.isupper()
        and word not in COMMON_WORDS
        and word not in CLINICAL_WORDS
        and not any(character.isdigit() for character in word)
        and not TITLE_BEFORE.fullmatch(token.base + " ")  # "Mrs" in "Mrs. Hughes" is part of the name after it
    )


def _cited_with_title(prefix: str, token: _Token) -> bool:
    """An author cited with a title or initials ("Dr. Linehan's manual", "A. T. Beck"); Mr and Mrs are never cited."""
    title = prefix.strip(" .").lower()
    return (title in SCHOLARLY_TITLES or len(title) == 1 or "." in title) and _is_author(token)


def _after_role_word(tokens: list[_Token], index: int) -> bool:
    """`my client Sarah`, `client tom`, `her husband, Piotr`, `supervisor Helen`, `named Oluwaseun`."""
    token = tokens[index]
    if index == 0:
        return False
    previous = tokens[index - 1]
    role = previous.lower if previous.lower in ROLE_WORDS or previous.lower in NAMING_WORDS else None
    if role is None and index >= 2 and previous.lower in ("is", "was") and tokens[index - 2].lower in ROLE_WORDS:
        role = tokens[index - 2].lower
    if role is None or previous.possessive:
        return False
    if token.capitalised:
        return not token.sentence_start or token.gap.strip() == "(" or role in NAMING_WORDS
    return role in LOWER_CASE_ROLE_WORDS and _listed_first_name(token, allow_lower=True)


def _is_author(token: _Token) -> bool:
    """Also `Linehan-style`, `Miller-style`: any hyphenated part that is a cited author."""
    return token.lower in AUTHORS or any(part in AUTHORS for part in token.lower.split("-"))


def _is_author_first_name(tokens: list[_Token], index: int) -> bool:
    """A first name that goes with a cited author's surname: "Sue Johnson's EFT", "Irvin Yalom"."""
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    return following is not None and len(following.gap) <= 1 and _is_author(following)


def _listed_first_name(token: _Token, allow_lower: bool = False) -> bool:
    word = token.lower
    if word in AMBIGUOUS_NAMES:  # "Will", "Grace", "Mark": names only when capitalised mid-sentence
        return word in name_lists().first_names and token.capitalised and not token.sentence_start
    if token.capitalised:
        return word in name_lists().first_names
    return word in LOWER_CASE_FIRST_NAMES and (allow_lower or len(word) >= MIN_LOWER_CASE_NAME)


def _unknown_word_used_like_a_person(text: str, tokens: list[_Token], index: int) -> bool:
    """A capitalised word we do not know, used the way people are: `Kwame said`, `with Thabo`, `Rosa's mum`."""
    token = tokens[index]
    if not token.capitalised or token.lower in PLACES_AND_INSTITUTIONS:
        return False
    previous = tokens[index - 1].lower if index > 0 else ""
    following = [later.lower for later in tokens[index + 1 : index + 4]]
    next_word = following[0] if following and len(tokens[index + 1].gap) <= 1 else ""
    if previous in CITATION_WORDS or next_word in ("et", "al"):
        return False
    if token.possessive:  # "Rosa's mum", "Elspeth's critical voice"; but not "Maslow's hierarchy"
        return any(word in RELATION_WORDS or word in PERSONAL_THINGS for word in following[:2])
    # These hold at the start of a sentence too: "Quentin said", "Saoirse and I", "Patrice and her boyfriend".
    if next_word in SPEECH_VERBS or following[:2] in (["and", "i"], ["and", "me"]) or _age_follows(text, token):
        return True
    if following[:2] in (["and", "her"], ["and", "his"], ["and", "their"]) and following[2:3]:
        return following[2] in RELATION_WORDS
    if token.sentence_start:
        return False
    return previous in BEFORE_A_PERSON or next_word in PERSON_VERBS


def _first_name_as_subject(text: str, tokens: list[_Token], index: int) -> bool:
    """A first name, even one that is a word, opening a sentence about a person: "Grace struggles when her
    partner is there", "Will worries that his boss …"; but not "Hope was the theme" or "Will she return?"."""
    token = tokens[index]
    if index + 1 >= len(tokens) or not (token.capitalised and token.lower in name_lists().first_names):
        return False
    verb = tokens[index + 1]
    if len(verb.gap) > 1 or verb.lower not in SUBJECT_VERBS or not token.sentence_start:
        return False
    sentence = re.split(r"[.!?;]\s", text[verb.end :], maxsplit=1)[0]
    return any(word in PERSON_WORDS for word in re.findall(r"[\w'’]+", sentence.lower()))


def _age_follows(text: str, token: _Token) -> bool:
    """A word followed by an age is a person: "Lachlan, 19, first episode", "Pedro (34)"."""
    return AGE_APPOSITION.match(text, token.end) is not None


def _names_a_work(tokens: list[_Token], index: int) -> bool:
    """A citation: "Benjamin's paper", "Jon Frederickson's video" (a possessive followed by a work)."""
    for position in (index, index + 1):
        if position + 1 >= len(tokens) or (position > index and len(tokens[position].gap) > 1):
            return False
        if tokens[position].possessive:
            return tokens[position + 1].lower in WORKS
    return False


def _name_end(tokens: list[_Token], index: int) -> int:
    """Extends a name over a following surname: `Priya Sharma`, `Mohammed Al-Sayed`."""
    end = tokens[index].end
    if tokens[index].possessive:
        return end
    for following in tokens[index + 1 : index + 3]:
        if len(following.gap) > 1 or not following.capitalised or not _could_be_a_name(following):
            break
        end = following.end
        if following.possessive:
            break
    return end


_FINDERS = (
    _emails,
    _record_numbers,
    _person_dates,
    _phones,
    _spoken_phones,
    _long_numbers,
    _ages,
    _addresses,
    _names,
    _initials,
)


# --- Word lists ------------------------------------------------------------------------------------


def _words(block: str) -> frozenset[str]:
    return frozenset(word.lower() for word in block.split())


def _faker_names() -> tuple[frozenset[str], frozenset[str]]:
    """First names of every locale in the Faker package (MIT licence), and the surnames of its English locales."""
    import faker.providers.person as faker_person  # data only: Faker's generator is never used

    first_names: set[str] = set()
    english_surnames: set[str] = set()
    for locale in pkgutil.iter_modules(faker_person.__path__):
        provider = importlib.import_module(f"{faker_person.__name__}.{locale.name}").Provider
        for attribute in ("first_names", "first_names_male", "first_names_female", "first_names_nonbinary"):
            first_names.update(_lower_strings(getattr(provider, attribute, ())))
        if locale.name == "en" or locale.name.startswith("en_"):
            english_surnames.update(_lower_strings(getattr(provider, "last_names", ())))
    return frozenset(first_names), frozenset(english_surnames)


def _lower_strings(values: object) -> set[str]:
    """Faker keeps names as tuples, or as dicts of name to weight; some providers compute them instead."""
    if not isinstance(values, (list, tuple, dict, set, frozenset)):
        return set()
    return {value.lower() for value in values if isinstance(value, str)}


MIN_LOWER_CASE_NAME = 4  # a lower-case listed name anywhere ("saw nadia again") must be this long

ROLE_WORDS = _words(
    """client clients patient pt pts supervisee husband wife partner spouse son daughter mother mum mom
    father dad brother sister boyfriend girlfriend fiancé fiancée fiance ex stepson stepdaughter stepmother
    stepfather stepmum stepdad child kid baby grandson granddaughter grandmother grandfather grandma grandpa
    nan nana niece nephew cousin aunt uncle teacher boss manager friend colleague supervisor psychiatrist
    psychologist gp nurse counsellor counselor therapist doctor consultant sibling twin carer caregiver flatmate
    roommate neighbour neighbor lawyer solicitor coach mentor referrer"""
)
NAMING_WORDS = _words("named called nicknamed name's aka alias")
LOWER_CASE_ROLE_WORDS = _words("client patient pt named called nicknamed")
RELATION_WORDS = _words(
    """husband wife partner spouse son daughter mother mum mom father dad brother sister boyfriend girlfriend
    fiancé fiancée ex child children kids baby family parents siblings grandmother grandfather grandma grandpa
    aunt uncle cousin niece nephew friend friends colleague boss teacher school gp psychiatrist probation
    social caseworker lawyer solicitor carer carers mum's dad's"""
)
# Words after which a capitalised word is usually a person: "with Thabo", "ask Lukas", "let Bogumiła lead".
BEFORE_A_PERSON = _words(
    """with for about seeing saw see met meet meeting ask asked asking tell told telling call called calling
    ring rang text texted email emailed invite invited contact contacted remind reminded help helped helping
    discharge discharged refer referred reassure reassured thank thanked let letting make made give gave
    praise praised validate validated validating challenge challenged encourage encouraged support supported
    warn warned forgot rescue rescuing greet greeted phone phoned visit visited"""
)
# What a person in the work has and an author does not: "Agnieszka's session", "Siddharth's anger".
PERSONAL_THINGS = _words(
    """session sessions appointment appointments homework diary file notes case referral ors srs score scores
    goals medication meds mood anger rage silence silences shame grief guilt fear avoidance drinking pain sleep
    pace progress voice questions criticism hostility perfectionism visa job debts illness symptoms panic
    birthday funeral wedding death diagnosis discharge behaviour behavior story trauma abuse"""
)
PERSON_VERBS = _words(
    """said says told tells asked asks reported reports disclosed discloses admitted admits cried cries texted
    texts emailed emails rang phoned called calls cancelled cancels canceled missed misses arrived arrives
    left leaves wants wanted feels felt thinks thought agreed agrees refused refuses mentioned mentions
    shared shares explained explains complained complains brought brings responds responded switches
    switched keeps kept goes went came comes joined joins laughed laughs smiled shouted walked stormed
    didn't doesn't won't can't hasn't isn't wasn't hopes hoped worries worried dreads dreaded agrees lives
    lived works worked died dies turned turns replied replies apologised apologized stopped started
    finished dropped avoids avoided denies denied insists insisted"""
)
# Verbs that take a person as subject, enough to mark an unknown word even at the start of a sentence.
SPEECH_VERBS = _words(
    """said says told tells asked asks texted texts emailed emails cried cries laughed laughs admitted admits
    disclosed discloses wants wanted thinks agreed agrees refused refuses complained complains explained
    explains mentioned mentions apologised apologized insists insisted denies denied replied replies"""
)
# Verbs whose subject is a person: with a word in the rest of the sentence that refers to a person, they
# make a first name that opens a sentence a name, even one that is also a word ("Grace struggles …").
SUBJECT_VERBS = SPEECH_VERBS | _words(
    """struggles struggled worries worried blames blamed avoids avoided hates hated dreads dreaded reported
    reports cancelled canceled cancels rang phoned missed misses feels wishes wished fears feared remembers
    remembered believes believed decided decides drinks drank sleeps slept cries smiled smiles froze freezes
    blushed wonders wondered apologises apologizes describes described skipped skips attended attends"""
)
PERSON_WORDS = RELATION_WORDS | _words("she her hers herself he him his himself they them their themselves i me my")
# Words for a publication or an idea: after a possessive they mark a citation ("Benjamin's paper").
WORKS = _words(
    """paper papers book books model models theory theories work study studies research approach protocol
    manual method methods stages concept concepts framework idea ideas chapter article lecture talk writing
    writings workbook handout scale inventory questionnaire measure test technique techniques exercise
    matrix triangle cycle law principle hypothesis classic memoir video videos training webinar course
    podcast demo film films interview"""
)
CITATION_WORDS = _words("per like la cf see by according vs versus")

COMMON_WORDS = _words(
    """a an the and or but nor so yet if then than that this these those there here where when while
    what which who whom whose why how i me my mine we us our you your he him his she her hers it its they
    them their one ones all any both each every either neither some many much more most few less least
    no not none nobody nothing everyone everybody everything someone somebody something anyone anything
    is are was were be been being am do does did done doing have has had having will would shall should
    can could may might must ought let let's it's that's what's there's here's he's she's i'm i've i'll
    i'd you're we're they're don't didn't won't can't isn't wasn't haven't hasn't
    in on at by for from to of off out over under up down into onto upon about above after again against
    along among around as before behind below beneath beside between beyond during except inside near
    outside past since through throughout till toward towards until via within without per
    also just only even still already almost always never often sometimes usually very really quite
    too well much now today tonight tomorrow yesterday later soon next last first second third new old
    good bad better best worse worst great big small little long short high low same other another
    yes ok okay hi hello thanks thank please sorry
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun
    january february march april may june july august september october november december jan feb mar
    apr jun jul aug sep sept oct nov dec
    christmas easter ramadan eid diwali hanukkah passover thanksgiving halloween xmas
    english spanish german french italian polish dutch turkish arabic british american european
    objective objectives advice learning learned learnt note notes practice practised practiced log
    check check-in checkin session sessions client clients patient supervisor supervision group peer
    consult consultation homework goal goals plan review week weeks month months day days year years
    hour hours minute minutes min mins time times morning afternoon evening night weekend
    feeling feelings felt hard rough tough stuck need needs want wants try tried trying
    use used using ask asked asking keep kept start started stop stopped work worked working
    question questions answer answers reading read watched listen listened talked talk
    mum mom dad mother father husband wife partner son daughter brother sister family parents
    friend friends boyfriend girlfriend kids children child baby teacher boss colleague
    therapist therapists counsellor psychiatrist gp nurse doctor
    zoom teams skype slack whatsapp google facetime youtube ehr
    internal proud worried glad happy sad angry tired anxious scared afraid
    summary update reminder agenda follow follow-up followed feedback consent
    name names named code codes therapy clinic service services team trust person people parent women
    men world body mind life school court council agency company employer university college hospital ward
    centre center charity church society institute association health questionnaire"""
)
CLINICAL_WORDS = _words(
    """socratic rogerian gestalt schema mindfulness exposure rupture repair alliance transference
    countertransference formulation conceptualisation conceptualization validation defusion acceptance
    compassion compassionate imagery chair empty two-chair motivational interviewing behavioural behavioral
    activation cognitive dialectical interpersonal psychodynamic psychoanalytic systemic narrative
    solution-focused person-centred person-centered humanistic existential integrative eclectic
    mentalization mentalizing mentalisation attachment trauma grief depression anxiety panic insomnia
    psychoeducation diary worksheet thought record records formulation hierarchy safety risk crisis
    deliberate feedback-informed outcome rating scale scales inventory questionnaire measure
    oars affirmations reflections summaries open closed miracle scaling externalising externalizing
    ors srs cbt dbt act mi emdr ptsd ocd gad ipt cft eft mbct cpt erp ifs"""
)

# What two or three capitals next to a person word stand for, rather than someone's initials ("client DNA'd").
ACRONYMS = CLINICAL_WORDS | _words(
    """mbt cat pe ba tf sft dit met tau rct ta bpd eupd adhd asd mdd sad ibs cfs me ms hiv aids std si sh od dv
    csa ace mse pcl mri ct eeg ecg ekg bmi iq bp dna ok gp nhs ae er icu ed hr it ai tv pc uk us usa eu un aa na
    phq sud wai oq tbc tba asap fyi ceo dm sms id dob mrn api url sdk ui ux pdf csv faq"""
)

# Authors and figures therapists cite. They are not flagged unless a title such as Mr or Mrs, or
# "my client …", says they are a person in the work.
AUTHORS = _words(
    """
    abbass adler ainsworth arntz aron atwood balint bandura bargmann barlow bateman beck beebe berg bernard
    binswanger bion bordin borkovec bowen bowlby brach briere bromberg bugental burns casement castonguay chow
    christensen clark courtois craske davanloo deurzen diclemente dreyfus dryden dudley dugas duncan ehlers
    elliott ellis epston erikson ericsson eubanks fairbairn falender ferenczi foa fonagy fosha frankl frawley
    freud fromm gendlin germer gilbert goodyear goss gottman grawe greenberg greenberger guidano guntrip haley
    hanh hawkins hayes heimberg hesse hill hofmann horney horvath hubble jacobson johnson jung kabat kabat-zinn
    kahneman kazdin kernberg klein klosko kohut kolb kolk kolts kornfield kübler kübler-ross kubler-ross kuyken
    lacan lachmann ladany ladouceur laing lambert lazarus leahy leichsenring levine linehan liotti luborsky lutz
    madanes maeschalck mahler mahoney main malan mccullough mcleod mearns meichenbaum miklowitz miller minuchin
    muran neenan neff norcross o'brien ogden ogles padesky paivio palazzoli pavlov perls piaget pinsof polster
    porges prescott prochaska rachman rapee resick rogers rollnick rothschild rousmaniere rowan safran salkovskis
    salzberg sandler sanislow satir schön schon schore schwartz segal seligman selvini sexton shafranske shapiro
    shazer shedler shohet siegel skinner spinelli stern stolorow strosahl sullivan teasdale tolin tronick trower
    truax tversky van veale vygotsky wachtel wampold wegner weishaar welford wells westen white winnicott wolpe
    yalom young zinker zinn
    """
)

# First names that are also everyday words; they count only when capitalised mid-sentence.
HAND_AMBIGUOUS_NAMES = _words(
    """will may june april august grace hope faith joy rose mark bill frank art dawn chase sunny summer autumn
    holly ivy iris lily daisy violet ruby pearl amber crystal jade hazel heather olive rob pat sue don gene
    guy jack drew hunter carter mason cooper taylor parker page brook river rain storm robin jay dean major
    sterling justice royal chance miles max rich lance wade reed cliff dale glen grant heath ray val nick
    kitty penny candy ginger honey sandy misty destiny trinity angel star sky harmony melody patience
    prudence constance verity charity mercy liberty precious blessing earnest bob sonny buddy victor
    carol basil bonnie jasmine jean noel ash dash sage eve"""
)

# A first-name list written for this module: common given names across the countries our users
# practise in, plus short forms and nicknames. Deliberately small; context rules catch the rest.
HAND_FIRST_NAMES = (
    _words(
        """
    aaron abby abdul abdullah abigail abraham ada adam adaeze adebayo adele adrian adriana agnes ahmad
    ahmed aidan aiden aileen aisha alan alana albert alberto aleksander aleksandra alex alexa alexander
    alexandra alexis alfie alfred ali alice alicia alina alison allison alma amanda amara amber amelia amina
    amir amit amy ana anand anastasia anders andrea andreas andrew andrzej andy aneta angela angelika
    angelo anika anita anja ann anna anne anne-marie annette annie anthony anton antonio anya arjun arnav
    arthur arturo ash asha ashley astrid audrey austin ava axel ayaan ayesha aylin ayo bae barbara barry
    basil bea beata beatrice beatriz becky bella ben benedict benjamin benji benny bernadette bernard beth
    bethany betty bianca bilal billy birgit bjorn björn blake bogdan bonnie brad bradley brandon brenda
    brendan brian bridget britney brooke bruno bryan caitlin caleb callum cameron camila camille candace
    cara carl carla carlos carmen carol caroline carolyn casey cassandra catherine cathy cecilia celine
    chantal charlie charles charlotte chen cheng cheryl chiara chidi chiamaka chinedu chinonso chioma
    chloe chris christian christina christine christopher chuka ciara cindy claire clara clare claudia
    claudio clemens colin colm connor conor craig cristina cynthia dagmar daisuke dan dana daniel daniela
    danielle danny daria darius darren dave david dawid debbie deborah declan deepak deepika denis denise
    dennis derek desmond diana diane diego dimitri dmitri dominic dominik donna doris dorothy duc dylan
    ebony eddie edgar edith edward edwin eileen elaine eleanor elena eli elif elijah elisa elisabeth
    eliza elizabeth ella ellen ellie eloise elsa emeka emil emilia emily emma emmanuel enrique eric erica
    erik erin esra esther ethan eugene eva evan evelyn ewa fabian farah farid fatima fatma fausto felix
    fernando filip finn fiona florian francesca francesco francis françois francois frankie franz freddie
    frederick frida gabriel gabriela gabriele gareth gary gavin gemma george georgia gerald gerhard giorgio
    giovanni giulia giuseppe gloria gordon graham greg gregory greta gustav hamid hana hannah hans harold
    haruki harriet harry hasan hassan heidi helen helena helga henrik henry hiroshi holger hugo hussein
    ian ibrahim ida ifeoma igor ilse imani imran ines inga ingrid irene irina isaac isabel isabella isabelle
    ishaan isla ismail ivan jacob jacqueline jade jake jakub jamal james jamie jan jana jane janet janice
    janina jasmine jason javier jean jeff jeffrey jennifer jenny jeremy jerome jess jesse jessica jim jimmy
    jo joanna joanne joao joe joel johan johann johanna john johnny jon jonas jonathan jordan jorge jose
    josé josef joseph josephine josh joshua joyce juan judith judy jules julia julian julie julien julio
    jun jurgen jürgen justin kai kamal kamila karen karim karin karl karolina kasia kasper kat kate
    katarzyna katharina katherine kathleen kathryn katie katja kay kayla keith kelly kemal ken kenji
    kenneth kerry kevin khadija khalid kim kimberly kirsten klaus kofi krishna kristina krzysztof kumar
    kurt kwabena kwame kyle lakshmi lara larry laura lauren laurence layla leah lena leo leon leonie leroy
    leslie liam lidia lila linda lindsay lisa liz liza lorenzo lorna louis louise luca lucas lucia lucía
    lucy ludwig luis luisa lukas luke lynn magda magdalena mahmoud maja malcolm malik mandy manuel manuela
    marcel marco marcus margaret margarita margot maria mariam marian marie marina mario marion marisa
    marta martha martin mary mateo mateusz mathias matilda matt matteo matthew matthias maureen maurice
    maxine maya megan mehmet mei melanie melissa mia michael michaela michal michał michel michelle miguel
    mika mike mila milan milena min mina miriam mohamed mohammad mohammed molly monica monika morgan
    muhammad murat mustafa nadia nadine nancy naomi natalia natalie natasha nathan neha neil nia nicholas
    nicola nicolas nicole niamh nigel nikhil nikita nikola nikolai nina noah noel nora norbert nour ngozi
    obinna oliver olivia olga oluwaseun omar oscar osei owen pablo paddy pamela paola paolo patricia
    patrick paul paula pauline pavel pedro peggy peter petra phil philip philippe phoebe pierre pietro
    piotr pooja prakash priya rachel rafael raj rajesh ralph ramesh rana randy raphael rashid raul rebecca
    regina reza ricardo richard rick riley rita rob robert roberta roberto rohan roisin róisín roland
    roman ronald rosa rosie ross roxana ruth ryan sabine sabrina sadie salma sam samantha samir samuel
    sandra sanjay sara sarah sasha saskia scott sean sebastian selin sergei sergio seán shannon sharon
    shauna sheila shirley sian siobhan simon simone sinead sita sofia sofie sonia sophia sophie stacy
    stefan stefanie stella stephanie stephen steve steven stuart sunil susan susanne suzanne sven svetlana
    sylvia tamara tanya tara tariq ted teresa terry thabo theo theresa thomas tiago tim timothy tina toby
    tom tomasz tommy toni tony tracy tyler ursula uwe valentina valerie vanessa vera veronica vicky victoria
    vijay vikram vincent viktor vivian vladimir walter wayne wei wendy wiebke will william wojciech wolfgang
    xavier yasmin yara yuki yusuf yvonne zahra zainab zara zeynep zoe zoë zofia
    """
    )
    | HAND_AMBIGUOUS_NAMES
)

# Faker first names that are also everyday English words ("Brain", "Journey", "Spring"): like the ambiguous
# names above they count only when capitalised mid-sentence. Found once by intersecting Faker's names with a
# dictionary (Debian's wamerican); names in the hand-written list are trusted and left out.
EVERYDAY_WORDS_IN_NAME_LISTS = _words(
    """
    abbey ace add admiral ah albino ale aline ally almond alpha alto angelic ani anon ante ants arch ares aria
    aspen astride atlas aura author azalea babe baptist barb barney baron beat beau bee belle bent beryl beta
    birdie bitten blaze bliss blossom bobby boga bogey bonny brain brandy bud bunk buster butch caddie cadence
    cal cam canal canyon cap caprice captain carmine cash celesta champ chancy chastity cherish chi chin china
    chip christen chuck cinnamon cleave clement colleen collie colonel colt comfort commodore con constant
    coral cord corona coy curt dahlia darling deb deforest dell delta derrick diamond dieter dimple dink dirk
    doc dock dodo doll dolly dot dotty dove dries dusty ebb echo ed eddy edit eider elder ell else ember
    emerald emery emir emit era ermine essence ester eta ether ever fairy fancy fanny fares fate fawn fed
    felicity feline fem fern finis fleet flint floor flora florin forest forum fount franc gage gal gale
    garnet garret gauge general genesis genie gorge governor greet grit grove gun gunner gurney gust handy
    hank harden harm harsh haven heaven hector hence henna herb hind homer hung hymen icy imam immaculate
    infant innocent ion jail jarred jasper jet jewel job joke journey julienne karma kick kit laddie lady
    lander lark lassie laurel lavender lawyer laze lea leafy lean leaner lemma lemon lien lies linden line
    link lisle lo loan lode lone loot lope lore lot lucky luster lute lyric mace made mads magnolia male manly
    mare marine marlin marquis marquise mars marshal mart marten martial marvel mat mate math mats matts
    maverick maxim maxima meadow media meg mentor merrily messiah meta metro mickey mile miner minor mist
    myrtle nacho nadir narcissus newt nil ninja nova novella octave odd opal oral orange ova owe paisley pansy
    parley paschal pastor pate patsy patty paw peace pearly pepper phoenix pier pink pinkie piper pleas
    pleasant pol poppy press princess prosper puck purity purl queen ransom raven reason red redden rein rhea
    rim roan roar rocky rod roger roll romaine rosemary rosette rosy rube rune rusty rut sable saga saint
    salami sally sander sari savanna savannah scarlet senna sera serenity serge server sever shad shade sibyl
    sierra silvan silver sim sincere sine sing skip sol sole sonata spring squire starling stonewall stoney
    stormy sunshine sylvan tab tad talon tan tawny tea theta tiara ties tilde tine tiny tone tor tore trace
    treasure true tutu unique unknown unnamed urban valid valves van veer velvet vernal vi viola viva wage
    waldo wash whit wilder willow windy wing wolfram woody worth yaw yoga zed zeta
    """
)

# Capitalised words that are not people: places and institutions that give their names to clinics,
# courses, scales and protocols ("the Columbia protocol", "the Stanford course", "moved to Leeds").
PLACES_AND_INSTITUTIONS = _words(
    """
    london manchester birmingham leeds liverpool sheffield bristol newcastle nottingham leicester coventry
    bradford cardiff swansea belfast glasgow edinburgh aberdeen dundee inverness oxford cambridge brighton
    york bath exeter plymouth southampton portsmouth norwich ipswich reading derby hull camden hackney
    islington brixton dublin cork galway limerick berlin hamburg munich münchen cologne köln frankfurt
    stuttgart düsseldorf leipzig dresden bremen hanover hannover vienna wien zurich zürich geneva genève
    basel bern lausanne paris lyon marseille toulouse nice lille bordeaux amsterdam rotterdam utrecht
    brussels antwerp copenhagen stockholm oslo helsinki madrid barcelona lisbon rome milan turin naples
    athens warsaw krakow kraków prague budapest new york boston chicago seattle denver toronto montreal
    vancouver ottawa melbourne brisbane perth auckland wellington mumbai delhi bangalore chennai lagos
    nairobi johannesburg cape town england scotland wales ireland britain germany austria switzerland france
    netherlands belgium denmark sweden norway finland spain portugal italy greece poland canada australia
    india nigeria ghana kenya america europe africa asia stanford columbia harvard yale princeton cornell
    maudsley tavistock priory beck freud institute nice iapt bacp babcp ukcp samaritans mind rethink
    hamilton kessler yerkes-dodson warwick-edinburgh camberwell hopkins mayo kaiser karolinska charité
    """
)


@dataclass(frozen=True)
class NameLists:
    first_names: frozenset[str]
    english_surnames: frozenset[str]


@cache
def name_lists() -> NameLists:
    """Read on first use, not on import: Faker's 80 locales take half a second to read, which a
    process that checks no text (`tick`) need not pay; `serve` reads them before it listens."""
    faker_first_names, english_surnames = _faker_names()
    # Faker's lists are broad (26,000 names from 80 locales) but hold surnames ("Brown", "Smith") and places; the
    # English surnames and the places go, so that "Brené Brown" or "the Columbia protocol" is not a client.
    first_names = HAND_FIRST_NAMES | (faker_first_names - english_surnames - PLACES_AND_INSTITUTIONS)
    return NameLists(first_names, english_surnames)


AMBIGUOUS_NAMES = HAND_AMBIGUOUS_NAMES | EVERYDAY_WORDS_IN_NAME_LISTS
# Lower-case words are looked up only in the hand-written list: Faker's lists hold too many everyday words.
LOWER_CASE_FIRST_NAMES = HAND_FIRST_NAMES - AMBIGUOUS_NAMES


def is_listed_name(word: str) -> bool:
    """Whether `word`, in any case, is a first name or an English surname the detector knows."""
    names = name_lists()
    return word.lower() in names.first_names or word.lower() in names.english_surnames
