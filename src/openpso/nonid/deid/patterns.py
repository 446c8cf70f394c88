"""Shape recognizers: dates, ages over 89, numbers, phones, addresses, rooms, e-mail, URLs.

Each recognizer is a function `(text) -> list[Span]` over compiled regular expressions, so
the whole set runs in C over the text with a little Python per match. The shapes come
from clinical and safety-report writing (`7/22`, `22-Jul`, `07/22/19`, `on the 3rd`,
`rm 4B`, `MRN 1234567`) and from HIPAA Safe Harbor's list of identifiers.

Times of day, days of the week and durations are not looked for: they are no date element
that identifies anyone, and shift and time of day matter to safety analysis (issue 14).
"""

from __future__ import annotations

from collections.abc import Callable

import regex as re

from openpso.nonid.deid.types import Span

Recognizer = Callable[[str], list[Span]]

_I = re.IGNORECASE

# ---------------------------------------------------------------- dates

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MON = _MONTH + r"\.?"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR4 = r"(?:1[89]\d\d|20\d\d)"
_YEAR = r"(?:1[89]\d\d|20\d\d|'\d\d|\d\d)"

_DATE_SHAPES = re.compile(
    # Every shape starts a word with a digit or a month: skipping other positions at once
    # is most of this pattern's speed.
    r"(?<![\p{L}\p{N}])(?=[\dJFMASONDjfmasond])(?:"
    + "|".join(
        (
            # 07/22/2019, 7-22-19, 7.22.19, 2019-07-22, 2019/7/22
            r"(?<![\d/.\-])\d{1,2}([/\-.])\d{1,2}\1(?:\d{4}|\d{2})(?![\d/\-]|\.\d)",
            rf"(?<![\d/.\-]){_YEAR4}([/\-.])\d{{1,2}}\2\d{{1,2}}(?![\d/\-]|\.\d)",
            # 22-Jul, 22-Jul-2019, 22 Jul 2019, 22nd of July, 3rd July
            rf"\b{_DAY}{_ORD}?(?:-|\s+(?:of\s+)?){_MON}(?:(?:-|,?\s+){_YEAR4}|-\d\d)?(?![a-z])",
            # Jul 22, July 22nd 2019, Jul-22, Jul 22 '19, July of 2019, July 2019, mid-July
            rf"\b{_MON}(?:-|\s+)(?:the\s+)?{_DAY}{_ORD}?(?:(?:,|\s)\s*(?:{_YEAR4}|'\d\d))?(?![\d:])",
            rf"\b{_MON}(?:,?\s+|\s+of\s+|-){_YEAR4}\b",
            # Oct '98, Sept ’04: a month and a two-digit year with its apostrophe
            rf"\b{_MON}\s*['’]\d\d(?![\d'’])",
            # 07/2019, 7/19 is handled below; 2019-07 (a month of a year)
            rf"(?<![\d/.\-])(?:0?[1-9]|1[0-2])/{_YEAR4}(?![\d/])",
        )
    )
    + ")",
    _I,
)
# Month names alone count only capitalised ("in March", "since January"); "May" and
# "March" only where a preposition or a number says they are months.
_MONTH_ALONE = re.compile(
    r"\b(?:January|February|April|June|July|August|September|October|November|December"
    r"|Jan|Feb|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b(?!-|\s*\d)"
    r"|(?<=\b(?:in|of|on|since|during|until|till|before|after|early|late|mid|by|last|next|this)\s)(?:May|March|Mar)\b"
    r"|(?<=\bmid-)(?:May|March)\b"
)
_NUMERIC_DAY = re.compile(r"(?<![\d/.\-:])(\d{1,2})/(\d{1,2})(?![\d/]|\.\d)")
_DASH_DAY = re.compile(r"(?<=\b(?:on|from|since|dated|until|of)\s)(\d{1,2})-(\d{1,2})(?![\d\-])", _I)
# What a `7/10` means when it is not a date: pain scores, muscle strength, tablets, fractions.
_NOT_A_DAY_BEFORE = re.compile(
    r"(?:\b(?:pain|scale|score|strength|motor|power|gcs|apgars?|rated|rates|graded|grade|level|x|times|bp|b/p"
    r"|pressure|grips?|mae|tof|train\s+of\s+four|psv|ps|cpap|peep|bipap|bims|cpss|lams|nihss|recalled|arm|leg|hand|[RL])"
    r"\W{0,3}(?:of\s+|was\s+|is\s+|at\s+)?"
    # "28 2/7 wk" (gestational age), "+3/3", "8 -> 5/10"
    r"|(?<![/\-.])\b\d{1,2}\s|\+|->\s*)$",
    _I,
)
_NOT_A_DAY_AFTER = re.compile(
    r"\s*(?:pain|strength|motor|tabs?|tablets?|caps?|ns\b|normal|dose|scale|bilat|extremit|mmhg|ratio|split|\+"
    r"|[RL]\b|uppers?|lowers?|prox|dist|hand|arm|leg|throughout|wks?\b|weeks?|words|days|mg\b|way\b|->"
    r"|sem\b|murmur|hsm|holosystolic|systolic|diastolic|crescendo|rub|gallop|reflex|dtr)",
    _I,
)
_DATE_CUE_BEFORE = re.compile(
    r"\b(?:on|since|dated|until|till|by|thru|through|adm(?:itted)?|seen|dos|due|next|last|d/c'?d?|discharged|occurred|happened)\s+$",
    _I,
)
_TIME_AFTER = re.compile(r"\s*(?:at|@)\s*\d{1,2}(?::\d\d|\s?[ap]\.?m\b)", _I)  # "3/10 at 2:49pm" (not "at 0800")
_ORDINAL_DAY = re.compile(
    rf"(?:(?<=\bon\s+the\s)|(?<=\b(?:on|by|since|until|till|from|before|after|of|the)\s))({_DAY}{_ORD})\b"
    r"(?!\s*(?:floor|dose|attempt|time|day|shift|grade|degree|trimester|rib|toe|finger|digit|ventricle|cranial"
    r"|line|try|round|stage|generation|person|visit|hour|week|month|year|level|cycle|unit|bag|vial|tab|stick|lumbar"
    r"|intercostal|nerve|percentile|and\s+\d|or\s+\d|[-–]\s*\d))",
    _I,
)
# A holiday is a date element (the day of a year). Capitalised, or in any case where the
# words can be nothing else ("xmas eve", "new year's day" in a note typed in lower case).
_HOLIDAY = re.compile(
    r"\b(?:Christmas(?:\s+(?:Eve|Day))?|Thanksgiving(?:\s+Day)?|New\s+Year'?s(?:\s+(?:Eve|Day))?|Easter(?:\s+Sunday)?"
    r"|Halloween|Independence\s+Day|Memorial\s+Day|Labor\s+Day|Veterans\s+Day|Valentine'?s\s+Day|Fourth\s+of\s+July)\b"
)
_HOLIDAY_ANY_CASE = re.compile(
    r"\b(?:x-?mas|christmas)(?:\s+(?:eve|day))?\b|\bnew\s+year['’]?s\s+(?:eve|day)\b|\bthanksgiving\s+day\b"
    r"|\bfourth\s+of\s+july\b|\bjuly\s+4th\b|\bhalloween\b",
    _I,
)
_HOLIDAY_WORDS = ("xmas", "x-mas", "christmas", "new year", "thanksgiving", "july", "halloween")
_UNIT_AFTER = (
    r"(?!\s*(?:mg|mcg|µg|ug|g|gm|grams?|kg|lbs?|ml|mL|cc|l|units?|u|iu|meq|mmol|mm|cm|m|ft|in|%|/|x\b|mg/|"
    r"calories|kcal|hrs?\b|hours|minutes|mins?|seconds|secs?|patients|beds|cases|events|reports|steps|times))"
)
# A year on its own is no identifier (Safe Harbor keeps years), and a four-digit number in a
# note is more often a time of day ("at 1930", "BMP sent 1800") than a year. Only a year of
# birth is taken: with an age over 89 it would tell the age.
_BIRTH_YEAR = re.compile(
    rf"(?<=\b(?:born|b\.|d\.?o\.?b\.?|year\s+of\s+birth|birth\s+year)\s*(?:in\s+|:\s*)?){_YEAR4}(?![\w\-/:]|\.\d)", _I
)


def dates(text: str) -> list[Span]:
    # A full stop after "15-Jan." ends the sentence as often as the abbreviation; it tells nothing.
    found = [
        Span(m.start(), m.end() - m.group().endswith("."), "DATE", "date-shape") for m in _DATE_SHAPES.finditer(text)
    ]
    found += [Span(m.start(), m.end(), "DATE", "month") for m in _MONTH_ALONE.finditer(text)]
    for m in _NUMERIC_DAY.finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        if not (1 <= first <= 12 and 1 <= second <= 31):
            continue
        if _NOT_A_DAY_BEFORE.search(text, max(0, m.start() - 24), m.start()) or _NOT_A_DAY_AFTER.match(
            text, m.end(), m.end() + 16
        ):
            continue
        if (
            second == 10
            and first <= 10
            and not _DATE_CUE_BEFORE.search(text, max(0, m.start() - 16), m.start())
            and not _TIME_AFTER.match(text, m.end())
        ):
            continue  # "c/o HA 5/10", "10/10 since last night": a score out of ten, unless "on 5/10"
        found.append(Span(m.start(), m.end(), "DATE", "month/day"))
    for m in _DASH_DAY.finditer(text):
        if 1 <= int(m.group(1)) <= 12 and 1 <= int(m.group(2)) <= 31:
            found.append(Span(m.start(), m.end(), "DATE", "month-day"))
    found += [Span(m.start(1), m.end(1), "DATE", "ordinal-day") for m in _ORDINAL_DAY.finditer(text)]
    found += [Span(m.start(), m.end(), "DATE", "holiday") for m in _HOLIDAY.finditer(text)]
    folded = text.lower()
    if any(word in folded for word in _HOLIDAY_WORDS):  # a cheap test first: most notes name no holiday
        found += [Span(m.start(), m.end(), "DATE", "holiday") for m in _HOLIDAY_ANY_CASE.finditer(text)]
    found += [Span(m.start(), m.end(), "DATE", "birth-year") for m in _BIRTH_YEAR.finditer(text)]
    return found


# ---------------------------------------------------------------- ages over 89

# Safe Harbor: every age over 89 is aggregated into "90+", in whatever form it is written —
# digits, words ("ninety-two", "one hundred and one"), a decade of life ("in her 90s"), a
# birthday ("94th birthday"), or a number standing alone beside the person ("Patient, 104,
# fell"). Bare numbers need such a cue, so doses, vital signs, scores and room numbers stay.
_DIGITS = r"(?<![\d.,/:\-])(?:9\d|1[0-2]\d)(?![\d/%]|[.,]\d)"
_UNITS = r"(?:one|two|three|four|five|six|seven|eight|nine)"
_WORDS = (
    rf"\b(?:ninety(?:[\s\-]?{_UNITS})?"
    rf"|(?:one\s+)?hundred(?:\s+(?:and\s+)?(?:twenty(?:[\s\-]?{_UNITS})?|ten|eleven|twelve|thirteen|fourteen"
    rf"|fifteen|sixteen|seventeen|eighteen|nineteen|{_UNITS}))?)\b"
)
_AGE_NUMBER = rf"(?:{_DIGITS}|{_WORDS})"
_PERSON = (
    r"(?:patient|pt|resident|client|woman|man|female|male|lady|gentleman|veteran|widow|widower|mother|father"
    r"|husband|wife|sister|brother|mom|dad|grandmother|grandfather|res|she|he)"
)
_AGES = re.compile(
    "|".join(
        (
            # 93 y/o, 93 yo, 93yo, 93 yr old, 93-year-old, ninety-two year old, 102 yrs old
            rf"({_AGE_NUMBER})(?=\s*(?:-|\s)?\s*(?:years?|yrs?|y)\.?\s*(?:-|\s)?\s*(?:old|o\.?\b|/o\b))",
            rf"({_AGE_NUMBER})(?=\s*(?:yo|y/o|y\.o\.?|yr|yrs|y|yo[mf])\b)",
            rf"({_AGE_NUMBER})(?=\s*(?:years|yrs)\s+(?:of\s+age|young))",
            # 92F, 95 M, 91 male
            rf"({_DIGITS})(?=\s?(?:[MF]|male|female|man|woman|M/F)\b)",
            # age 102, aged ninety-eight, Age: 100, age of 95
            rf"(?<=\b(?:age|aged|ages)(?:\s*[:=]\s*|\s+(?:of\s+|is\s+|was\s+)?))({_AGE_NUMBER})",
            # standing alone beside the person: "Patient, 104, fell", "Mrs. K, 97, refused", "patient (98)"
            rf"(?<=\p{{L}}\.?,\s{{1,3}})({_AGE_NUMBER})(?=\s*,\s*\p{{L}})",
            rf"(?<=\b{_PERSON}\s*\(|\((?:also|now|aged?)\s+)({_AGE_NUMBER})(?=\))",
            rf"(?<=\b{_PERSON}\.?\s+)({_DIGITS})(?=\s*,\s*\p{{L}})",
            # "pt jane roe, 92.", "Yes, 91 and sharp as a tack", "yes, 90 as of last week"
            rf"(?<=\p{{L}}{{2}},\s{{1,3}})({_AGE_NUMBER})(?=\s*(?:[.;](?!\d)|\s(?:and|but|as\s+of)\b))",
            # "turned 100 last week" (not "turned 90 degrees")
            rf"(?<=\bturn(?:ed|s|ing)\s+)({_AGE_NUMBER})(?!\s*(?:degrees?|deg\b|°|%|times|x\b|min|sec|hours?|hrs?))",
            # "She is 91.", "He turned 100 last week", "the patient was 95 and lived alone"
            rf"(?<=\b{_PERSON}\s+(?:is|was|turned|turns|just\s+turned|will\s+be)\s+)({_AGE_NUMBER})"
            r"(?=\s*(?:[.;!)]|,(?!\s*\d)|$|\s+(?:and|but|today|now|this|last|next|in|on\s+(?:her|his)\s+birthday)\b))",
            # a decade of life: "in her 90s", "his late nineties", "mid-90s" (not "the late 90s": a decade of years)
            r"(?<=\b(?:his|her|their)\s+(?:(?:early|mid|late)[\s\-]*)?)(9[0O]'?s|nineties|100s)\b",
            r"(?<!\bthe\s+(?:early|mid|late)[\s\-]*)(?<=\b(?:early|mid|late)[\s\-]?)(90'?s|nineties)\b",
            # her 94th birthday
            rf"({_DIGITS}(?:st|nd|rd|th))(?=\s+birthday)",
            r"\b(nonagenarian|centenarian|supercentenarian)s?\b",
        )
    ),
    _I,
)


# Every age `_AGES` finds holds one of these (a number from 90 to 129 or "9O", "ninet…", "hundred",
# "…centenarian"), under the same flags; most notes hold none, and this test costs a fraction
# of the pattern, whose look-behinds are tried at every position.
_AGE_HINT = re.compile(r"9[\dO]|1[0-2]\d|ninet|hundred|nonagenarian|centenarian", _I)


def ages(text: str) -> list[Span]:
    if not _AGE_HINT.search(text):
        return []
    spans: list[Span] = []
    for m in _AGES.finditer(text):
        group = next(i for i in range(1, (m.lastindex or 0) + 1) if m.group(i))
        spans.append(Span(m.start(group), m.end(group), "AGE", "age"))
    return spans


# ---------------------------------------------------------------- phones, e-mail, web

_PHONE = re.compile(
    r"(?<![\w+\-/.])(?:\+?1[\s.\-]?)?(?:\(\s?[2-9]\d{2}\s?\)|[2-9]\d{2})[\s.\-]?\d{3}[\s.\-]?\d{4}(?![\w\-/]|\.\d)"
)
# Numbers written with a two- or three-digit area code in brackets, as most countries do ("(71) 4233-6306").
_PHONE_BRACKETED = re.compile(r"(?<![\w)])\(\d{2,3}\)\s?\d{3,5}[\s\-.]?\d{3,4}(?![\w\-]|\.\d)")
_PHONE_LOCAL = re.compile(
    r"(?<=\b(?:phone|tel|telephone|cell|mobile|fax|pager|beeper|call|called|calling|ext|extension|number|#|at)\W{1,3})"
    r"[2-9]\d{2}[\-.]\d{4}\b",
    _I,
)
# "555-0147" with no area code and no cue: three digits, a dash, four digits is how a local
# number is written; ranges of values have a dash too but not this shape ("100-110", "0700-1900").
_PHONE_SEVEN = re.compile(r"(?<![\w\-/.:])[2-9]\d{2}-\d{4}(?![\w\-/:]|\.\d)")
# Numbers in other countries' groupings ("0612 44 87 10", "+44 (0)20 7946 0958"): a plus and a
# country code, or a phone word just before, and at least seven digits in groups.
_PHONE_GROUPS = r"\(?\d[\d\h().\-]{5,20}\d(?:\h?(?:x|ext\.?)\h?\d{1,5})?"
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}[\h.\-]?" + _PHONE_GROUPS + r"(?![\w\-]|\.\d)")
_PHONE_CUED = re.compile(
    r"\b(?:phone|tel|telephone|cell|cellphone|mobile|fax|desk|pager|call\h+(?:me\h+)?(?:at|on)"
    r"|reach\h+(?:me\h+)?(?:at|on)|text\h+(?:me\h+)?(?:at|on)|messages\h+to|answering\h+at)\h?[:#]?\h{0,3}"
    r"(" + _PHONE_GROUPS + r")(?![\w\-/:]|\.\d)",
)
# The same written before its kind: "0612 44 87 10 office", "(555) 201 4477 mobile". The kind
# word is looked for first and the number just before it, which is cheaper than trying a number
# at every digit.
_PHONE_KIND = re.compile(r"\b(?:office|fax|mobile|cell|home|work)\b")
_PHONE_BEFORE_KIND = re.compile(r"(?<![\w+\-/.:])\+?(" + _PHONE_GROUPS + r")\h?-?\h?$")


def _phone_digits(value: str) -> bool:
    """Seven to fifteen digits (ITU E.164's longest), so scores, doses and times stay."""
    return 7 <= sum(ch.isdigit() for ch in value) <= 15


_EXTENSION = re.compile(
    r"\b(?:ext|extension|x|pager|beeper|pgr|pg|vocera|spectralink|phone|tel|cell|fax)\.?\s*(?:#|no\.?|number)?\s*:?\s*"
    r"(\d{3,6})(?![\d\-.:/]|\s*(?:mg|ml|units|%))",
    _I,
)
# Possessive quantifiers and a start anchored at the beginning of a run keep these linear on
# hostile input ("1.1.1.1…", "@@@@…"), where plain backtracking would go quadratic or worse.
_EMAIL = re.compile(r"(?<![\w.%+\-])[\w.%+\-]++@[\w\-]++(?:\.[\w\-]++)*+(?<=\.[a-z]{2,})\b", _I)
_URL = re.compile(
    r"\b(?:https?://|ftp://|www\.)[^\s<>\"')\]]++|"
    r"(?<![\w.\-])(?:[a-z0-9][a-z0-9\-]{0,62}+\.)++"
    r"(?<=\.)(?:com|org|net|edu|gov|mil|int|io|us|info|biz|health|care|co|uk|ca)\b"
    r"(?:/[^\s<>\"')\]]*+)?",
    _I,
)
_IPV4 = re.compile(r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?![\d.]\d)")
_IPV6 = re.compile(r"\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|\b(?:[0-9a-f]{1,4}:){1,6}:[0-9a-f]{1,4}\b", _I)


def _trimmed_end(text: str, start: int, end: int) -> int:
    """A number's end without the spaces, full stops or brackets it may have taken at its end."""
    while end > start and text[end - 1] in " \t.-(":
        end -= 1
    return end


def contacts(text: str) -> list[Span]:
    found = [Span(m.start(), m.end(), "PHONE", "phone") for m in _PHONE.finditer(text)]
    found += [Span(m.start(), m.end(), "PHONE", "phone-local") for m in _PHONE_LOCAL.finditer(text)]
    found += [Span(m.start(), m.end(), "PHONE", "phone-local") for m in _PHONE_SEVEN.finditer(text)]
    found += [Span(m.start(), m.end(), "PHONE", "phone") for m in _PHONE_BRACKETED.finditer(text)]
    if "+" in text:
        found += [
            Span(m.start(), _trimmed_end(text, m.start(), m.end()), "PHONE", "phone-grouped")
            for m in _PHONE_INTERNATIONAL.finditer(text)
            if _phone_digits(m.group())
        ]
    # The cue words are matched in the lower-cased text (same offsets), which runs faster than a
    # case-blind pattern; where lowering changes the length ("İ"), in the text as written.
    folded = text.lower()
    if len(folded) != len(text):
        folded = text
    found += [
        Span(m.start(1), _trimmed_end(text, m.start(1), m.end(1)), "PHONE", "phone-grouped")
        for m in _PHONE_CUED.finditer(folded)
        if _phone_digits(m.group(1))
    ]
    for kind in _PHONE_KIND.finditer(folded):
        number = _PHONE_BEFORE_KIND.search(text, max(0, kind.start() - 32), kind.start())
        if number and _phone_digits(number.group(1)):
            start = number.start() if text[number.start()] == "+" else number.start(1)
            found.append(Span(start, _trimmed_end(text, start, number.end(1)), "PHONE", "phone-grouped"))
    found += [Span(m.start(1), m.end(1), "PHONE", "extension") for m in _EXTENSION.finditer(text)]
    found += [Span(m.start(), m.end(), "EMAIL", "email") for m in _EMAIL.finditer(text)]
    for m in _URL.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?":
            end -= 1
        found.append(Span(m.start(), end, "URL", "url"))
    found += [Span(m.start(), m.end(), "URL", "ip") for m in _IPV4.finditer(text)]
    found += [Span(m.start(), m.end(), "URL", "ip") for m in _IPV6.finditer(text)]
    return found


# ---------------------------------------------------------------- record and other numbers

_VALUE = r"([A-Z0-9][A-Z0-9\-/]*\d[A-Z0-9\-]*|\d[A-Z0-9\-]*)"
_LABEL_SEP = r"\s*(?:#|no\.?|num(?:ber)?\.?|id|:)?\s*(?:#|:|is|was|of)?\s*"
_RECORD_LABELS = re.compile(
    r"\b(?:MRN|MR|MR\s?#|med(?:ical)?\s+rec(?:ord)?s?|record|acct|account|encounter|enc|FIN|CSN|HAR|visit|admission"
    r"|member|subscriber|policy|medicare|medicaid|insurance|health\s+plan|beneficiary|claim|chart|patient\s+id|pt\s+id"
    r"|hospital\s+(?:number|no))\b" + _LABEL_SEP + _VALUE,
    _I,
)
_ID_LABELS = re.compile(
    r"\b(?:SSN|SS#|social\s+security|DL|driver'?s?\s+licen[cs]e|licen[cs]e|lic|NPI|DEA|UPIN|serial|S/N|SN|lot|UDI"
    r"|device\s+id|VIN|plate|licen[cs]e\s+plate|badge|employee|staff\s+id|certificate|cert|run|PCR|incident|case"
    r"|ticket|event|report|accession|specimen|requisition|order|rx|prescription|tracking|unit|donor|ISBT|tag|asset"
    r"|passport|MDR|complaint|reference|ref|confirmation|invoice|pin|subject|study|participant|kit|inmate|job)\b"
    + _LABEL_SEP
    + _VALUE,
    _I,
)
_PLATE = re.compile(
    r"\b(?:plate|tag|licen[cs]e\s+plate|registration)\b\s*(?:#|no\.?|number)?\s*:?\s*"
    r"(?-i:((?=[A-Z0-9\s\-]*\d)(?=[A-Z0-9\s\-]*[A-Z])[A-Z0-9]{3,4}[\s\-]?[A-Z0-9]{2,4}))\b",
    _I,
)
# "#5120" after a name or in brackets: a badge, an interpreter's or a store's number. Short
# ones ("#8 Shiley", "#2 of 3") are sizes and counts.
_HASH_NUMBER = re.compile(r"(?<![\w&#])#\s?(\d{3,})(?![\d.,]\d|\s*(?:mg|mcg|ml|units|fr|french)\b)", _I)
# "#120" after a prescription is the quantity dispensed.
_QUANTITY_BEFORE = re.compile(
    r"\b(?:mg|mcg|tabs?|tablets?|caps?|capsules?|daily|bid|tid|qid|prn|qty|disp(?:ense)?|quantity|\d+/\d+)\b\W*$", _I
)
_ID_WORD = re.compile(r"(?-i:\bID)\s*(?:#|no\.?)?\s*:?\s*(\d{3,}[A-Z0-9\-]*)\b")
_SSN = re.compile(r"(?<![\d\-])\d{3}-\d{2}-\d{4}(?![\d\-])")
_CARD = re.compile(r"(?<![\d\-])(?:\d[ \-]?){12,18}\d(?![\d\-])")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b")
# Any other token carrying five or more digits is read as a number that identifies
# something (record, accession, serial, lot), unless a unit of measure follows it.
_LONG_NUMBER = re.compile(r"(?<![\w.\-])(?=(?:[A-Z\-]*\d){5})[A-Z0-9][A-Z0-9\-]*(?![\w\-]|\.\d)" + _UNIT_AFTER, _I)
# Two numbers of up to four digits joined by a dash; "555-0147" (three and four digits) is a phone number.
_RANGE = re.compile(r"(?!\d{3}-\d{4}$)\d{1,4}s?-\d{1,4}s?")
_NDC_BEFORE = re.compile(r"\bNDC\W{0,3}$", _I)
# Words a record label can be followed by that are not its value ("MRN not available").
_NOT_VALUES = frozenset({"unknown", "none", "na", "n/a", "pending"})


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def numbers(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _RECORD_LABELS.finditer(text):
        if m.group(1).lower() not in _NOT_VALUES and sum(ch.isdigit() for ch in m.group(1)) >= 3:
            found.append(Span(m.start(1), m.end(1), "MRN", "record-label"))
    for m in _ID_LABELS.finditer(text):
        value = m.group(1)
        if value.lower() not in _NOT_VALUES and sum(ch.isdigit() for ch in value) >= 3:
            found.append(Span(m.start(1), m.end(1), "ID", "id-label"))
    found += [Span(m.start(1), m.end(1), "ID", "plate") for m in _PLATE.finditer(text)]
    for m in _HASH_NUMBER.finditer(text):
        if not _QUANTITY_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            found.append(Span(m.start(1), m.end(1), "ID", "number-sign"))
    found += [Span(m.start(1), m.end(1), "ID", "id-label") for m in _ID_WORD.finditer(text)]
    found += [Span(m.start(), m.end(), "ID", "ssn") for m in _SSN.finditer(text)]
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            found.append(Span(m.start(), m.end(), "ID", "card"))
    found += [Span(m.start(), m.end(), "ID", "iban") for m in _IBAN.finditer(text)]
    for m in _LONG_NUMBER.finditer(text):
        if _RANGE.fullmatch(m.group()) or _NDC_BEFORE.search(text, max(0, m.start() - 8), m.start()):
            continue  # "HR 100-110", "0700-1900" (a shift), a drug's NDC: no one is identified
        found.append(Span(m.start(), m.end(), "ID", "long-number"))
    return found


# ---------------------------------------------------------------- rooms and beds

_ROOM_NUMBER = r"(?-i:\d+[A-Z]?(?:[\-/]\d*[A-Z0-9]+)?|[A-Z]\d+[A-Z]?(?:-\d+)?|\d[A-Z]-\d{2,4})"
_ROOM = re.compile(
    r"\b(?:room|rm|rms|rooms|bed|beds|bay|bdrm|cubicle|stretcher|suite|ste|apt|apartment|chair|isolette|crib"
    r"|bassinet|cell)\b\.?\s*(?:#|no\.?|number)?\s*:?\s*"
    # "rms 204, 207 and 211" (not "rm 109, 87 yo")
    rf"({_ROOM_NUMBER}(?:\s*(?:,|and|&)\s*(?!\d+\s*(?:y|%|mg|kg|lb))(?={_ROOM_NUMBER}\b){_ROOM_NUMBER})*"
    r"|(?-i:[A-Z])(?![a-z/]))\b",
    _I,
)
_ONE_ROOM = re.compile(_ROOM_NUMBER)
# Where a person is, written without the word "room": "res in 312", "pt in 6S-221", "moved to 514A".
_ROOM_BY_PLACE = re.compile(
    r"(?<=\b(?:pt|patient|res|resident)\s+in\s+)(?-i:\d{3,4}[A-F]?\b|\d[A-Z]-\d{2,4}\b)"
    r"|(?<=\b(?:moved|transferred|from|to)\s+(?:pt\s+)?(?:from\s+|to\s+)?)(?-i:\d{3,4}[A-F])\b",
    _I,
)


def rooms(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _ROOM.finditer(text):
        if m.group(1).isalpha():
            found.append(Span(m.start(1), m.end(1), "ROOM", "room"))
            continue
        # "rms 204, 207 and 211": each number its own span, the words between them kept
        found += [Span(n.start(), n.end(), "ROOM", "room") for n in _ONE_ROOM.finditer(text, m.start(1), m.end(1))]
    found += [Span(m.start(), m.end(), "ROOM", "room") for m in _ROOM_BY_PLACE.finditer(text)]
    return found


# ---------------------------------------------------------------- addresses

_STREET_SUFFIX = (
    r"(?:street|st|avenue|ave|av|road|rd|drive|dr|lane|ln|boulevard|blvd|court|ct|circle|cir|place|pl|way|pike|highway|hwy"
    r"|parkway|pkwy|terrace|terr|ter|trail|trl|square|sq|route|rte|turnpike|tpke|alley|aly|row|loop|crossing|xing|run|path"
    r"|plaza|plz|expressway|expy|freeway|fwy|heights|hts|point|pt|ridge|bend|creek|hollow|walk|mews|close|crescent)"
)
_UNIT = r"(?:\s*,?\s*(?:apt|apartment|unit|suite|ste|#|fl|floor|bldg|building|rm|room)\.?\s*#?\s*[A-Z0-9\-]+)?"
_CAP_WORDS = r"(?:\p{Lu}[\p{L}'\-]+\.?\s+){0,4}"
# Street words are capitalised ("55 Fruit Street", "12 N. Oak Ave"); "6 weeks with Dr." is no address.
_STREET = re.compile(
    rf"(?<![\w\-/.:])\d{{1,6}}[A-Z]?(?:-\d+)?\s+(?:[NSEW]\.?\s+|(?i:north|south|east|west)\s+)?{_CAP_WORDS}"
    # "… Surgeon Dr. Sorensen": "Dr." before a name is a title, not a drive
    rf"(?:\p{{Lu}}[\p{{L}}'\-]+|\d+(?i:st|nd|rd|th))\s+(?!(?i:dr)\.?\s+\p{{Lu}})(?i:{_STREET_SUFFIX})\b\.?"
    rf"(?:\s+[NSEW]{{1,2}}\b\.?)?"
    rf"(?i:{_UNIT})"
    rf"|(?i:\b(?:p\.?\s?o\.?\s+box|box)\s+\d+)",
)
# After a street: ", Town Name" and ", ST 12345" or ", State 12345"
_TOWN_TAIL = re.compile(
    r"(?:,|\n)\s*(?:[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+){0,3})(?:\s*,\s*(?:[A-Z]{2}|[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?))?"
    r"(?:\s+\d{5}(?:-\d{4})?)?"
)
_ZIP = re.compile(
    r"(?<=\b(?:AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC"
    r"|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR)\s)\d{5}(?:-\d{4})?\b"
    r"|(?<=\b(?:zip|zipcode|zip\scode|postal\scode)\s)\d{5}(?:-\d{4})?\b"
    r"|(?<=\b(?:zip|zipcode):\s)\d{5}(?:-\d{4})?\b"
)
# After a postal-code label any country's shape counts: "zip code is 0216", "Postcode: 7412 SL",
# "postal code K1A 0B1", "ZIP: 394 13".
_POSTAL_CUED = re.compile(
    r"(?<=\b(?i:zip|zipcode|zip\h+code|postal\h+code|postcode|post\h+code)(?:\h*:|\h+(?i:is|was))?\h{1,3})"
    r"(?:\p{Lu}\d\p{Lu}\h?\d\p{Lu}\d|\d{3,5}(?:[\h\-]\d{2,4}|\h\p{Lu}{2})?)(?![\w\-])"
)


_POSTAL_WORDS = ("zip", "postal", "postcode", "post code")
_LEADING_NUMBER = re.compile(r"(?<![\w\-/.:,])\d{1,6}\h$")


def addresses(text: str) -> list[Span]:
    found: list[Span] = []
    for m in _STREET.finditer(text):
        start, end = m.start(), m.end()
        lead = _LEADING_NUMBER.search(text, max(0, start - 8), start)
        if lead:
            start = lead.start()  # "0896 69 Farnell St": a building or box number before the house number
        tail = _TOWN_TAIL.match(text, end)
        if tail:
            end = tail.end()
        found.append(Span(start, end, "ADDRESS", "street"))
    found += [Span(m.start(), m.end(), "ADDRESS", "zip") for m in _ZIP.finditer(text)]
    folded = text.lower()
    if any(
        word in folded for word in _POSTAL_WORDS
    ):  # the look-behind is tried at every position: only where a label is
        found += [Span(m.start(), m.end(), "ADDRESS", "zip") for m in _POSTAL_CUED.finditer(text)]
    return found


SHAPES: tuple[Recognizer, ...] = (dates, ages, contacts, numbers, rooms, addresses)


def shapes(text: str) -> list[Span]:
    found: list[Span] = []
    for recognizer in SHAPES:
        found += recognizer(text)
    return found
