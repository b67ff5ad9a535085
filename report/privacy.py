"""What the report may show: counts of 5 or more, and people's words only masked.

A count under 5 can point at one person ("2 people asked about X on Tuesday"), so the report
never shows one: `shown` is how every count is written, in tables and on charts, and `drawn` is
the height a chart may give it. `mask` is for the opt-in list of messages not understood.
"""

import re

SMALLEST_SHOWN = 5
FEWER = f"fewer than {SMALLEST_SHOWN}"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 7 or more digits, with the separators phone numbers are written with: +1 (713) 555-0100
PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
DIGITS = re.compile(r"\d+")
# where a sentence ends, but not after a title ("Dr. Smith" is one name)
SENTENCE_END = re.compile(r"(?<![DM]r\.)(?<!Mrs\.)(?<!Ms\.)(?<!Prof\.)(?<=[.!?])\s+")
# a capitalised word (a name, a place, a hospital); all capitals (NET, PRRT) are not names
CAPITALISED = re.compile(r"\b[A-Z][a-z'’]+\b")
# words written with a capital wherever they stand, that name nobody
ALWAYS_CAPITALISED = {"I'm", "I've", "I'll", "I'd"}


def shown(count: int) -> str:
    """A count as the report writes it: the number from 5, else "fewer than 5" (0 included)."""
    return f"{count:,}" if count >= SMALLEST_SHOWN else FEWER


def drawn(count: int) -> int:
    """A count as a chart may draw it: a bar under 5 would give its size away, so it is 0."""
    return count if count >= SMALLEST_SHOWN else 0


def _mask_names(sentence: str) -> str:
    first, _, rest = sentence.partition(" ")
    masked = CAPITALISED.sub(
        lambda word: word[0] if word[0] in ALWAYS_CAPITALISED else "[name]", rest
    )
    return f"{first} {masked}" if rest else first


def mask(text: str) -> str:
    """The message with e-mail addresses, phone numbers, other numbers and names-like words
    (capitalised, not starting a sentence) replaced by what they were."""
    text = EMAIL.sub("[e-mail]", text)
    text = PHONE.sub("[phone]", text)
    text = DIGITS.sub("[number]", text)
    return " ".join(_mask_names(sentence) for sentence in SENTENCE_END.split(text.strip()))
