"""The relevance set: queries a researcher types, with the demo entries each must return
(and must not return), worked out by hand from heritage/demo/entries.json and the
reference data, never by running search.

Entries are named by slug; a case's language says which translation (the English page
keeps the Vietnamese slug). Only public entries count: the set is run as an anonymous
visitor through the search page itself, on whichever backend the project is configured
with (tests/search/test_relevance.py for the database index,
tests/engines/test_search_relevance.py for a search node, bench/relevance.py for both).

Scores: recall@10 is the share of a case's must-return entries among its first ten
results, averaged over the cases; P@1 is the share of cases whose first result is the
case's `first` entry (or, without one, any must-return entry). A case that must return
nothing scores 1 on both when it returns nothing. Must-not-return entries and, for
group-name queries, entries of no group named, are hard failures, reported apart.

Typos: a search node matches them itself (fuzzy); the database index offers a "did you
mean" instead, so with `follow_suggestion` a case that finds nothing is scored on the
page its suggestion links to."""

import json
import unicodedata
from dataclasses import dataclass, field

# The public demo entries, by slug.
LONG_TONG = "long-tong-tay-tuyen-quang"
KHAU_VAI = "cho-tinh-khau-vai"
FIRE_DANCE = "nhay-lua-pa-then"
GAU_TAO = "gau-tao-hmong-lao-cai"
KATE = "kate-cham"
OK_OM_BOK = "ok-om-bok-khmer"
CHOL_CHNAM = "chol-chnam-thmay-khmer"
NEW_RICE = "mung-lua-moi-co-tu-hue"
CAP_SAC = "cap-sac-dao-tuyen-quang"
HEMP = "det-lanh-hmong-lung-tam"
ZENG = "det-zeng-ta-oi-a-luoi"
GUOL = "nha-guol-co-tu"
XOE = "xoe-thai"
GONGS = "cong-chieng-tay-nguyen"
LONG_HOUSE = "nha-dai-e-de"
THEN = "hat-then-tay-tuyen-quang"
SOONG_CO = "soong-co-san-chay"
MUONG_EPIC = "de-dat-de-nuoc-muong"
DAM_SAN = "khan-dam-san-e-de"
BRU_WORDS = "tu-vung-bru-van-kieu"
# Not public: never in an anonymous visitor's results.
DAO_PRAYER = "bai-cung-cap-sac-dao"
GUOL_MEMORIES = "ky-uc-nha-guol-co-tu"

HMONG_ENTRIES = (GAU_TAO, HEMP, KHAU_VAI)
DAO_ENTRIES = (CAP_SAC, KHAU_VAI)
CO_TU_ENTRIES = (NEW_RICE, GUOL)
E_DE_ENTRIES = (LONG_HOUSE, DAM_SAN)
KHMER_ENTRIES = (OK_OM_BOK, CHOL_CHNAM)
TUYEN_QUANG_ENTRIES = (LONG_TONG, KHAU_VAI, FIRE_DANCE, CAP_SAC, HEMP, THEN, SOONG_CO)

TOP = 10


@dataclass(frozen=True)
class Case:
    query: str
    # What the case shows (issue 13's failure it covers, or the feature).
    about: str
    must: tuple[str, ...] = ()
    # The single best entry, when there is one.
    first: str | None = None
    must_not: tuple[str, ...] = ()
    # For a query that is a group name: every result must belong to one of these groups.
    groups: frozenset[str] | None = None
    language: str = "vi"
    filters: dict[str, str] = field(default_factory=dict)
    # A misspelling: the database index is scored on its "did you mean".
    typo: bool = False

    @property
    def key(self) -> str:
        extra = "".join(f" [{name}={value}]" for name, value in self.filters.items())
        return f"/{self.language}/ {self.query!r}{extra}"


def _groups(*codes: str) -> frozenset[str]:
    return frozenset(codes)


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


CASES: list[Case] = [
    # Group names, accented, folded, other names and exonyms: only that group's entries.
    Case(
        "Thổ",
        "other name of the Tày, the Khmer and the Thổ",
        (LONG_TONG, THEN, *KHMER_ENTRIES),
        must_not=(MUONG_EPIC, XOE),
        groups=_groups("tay", "khmer", "tho"),
    ),
    Case(
        "tho",
        "folded whole name; not Phú Thọ",
        (LONG_TONG, THEN, *KHMER_ENTRIES),
        must_not=(MUONG_EPIC,),
        groups=_groups("tay", "khmer", "tho"),
    ),
    Case("Mán", "exonym of the Dao", DAO_ENTRIES, must_not=(DAO_PRAYER, SOONG_CO), groups=_groups("dao")),
    Case("Katu", "other name of the Cơ Tu", CO_TU_ENTRIES, must_not=(GUOL_MEMORIES,), groups=_groups("co-tu")),
    Case("Yao", "English other name of the Dao", DAO_ENTRIES, groups=_groups("dao")),
    Case("Kinh", "no Kinh entry in the demo", (), groups=_groups("kinh")),
    Case("Mèo", "older name of the H'Mông", HMONG_ENTRIES, groups=_groups("hmong")),
    Case("Mông", "other name of the H'Mông", HMONG_ENTRIES, groups=_groups("hmong")),
    Case("H'Mông", "group name with an apostrophe", HMONG_ENTRIES, groups=_groups("hmong")),
    Case(
        "Tày",
        "the Tày, and an other name of the Thái",
        (LONG_TONG, THEN, XOE),
        must_not=(MUONG_EPIC,),
        groups=_groups("tay", "thai"),
    ),
    Case(
        "Tày",
        "facet filter with a group name: not the Mường epic through Phú Thọ",
        (THEN,),
        first=THEN,
        must_not=(MUONG_EPIC,),
        groups=_groups("tay", "thai"),
        filters={"type": "recording"},
    ),
    Case("Tống", "other name of the Pà Thẻn", (FIRE_DANCE,), first=FIRE_DANCE, groups=_groups("pa-then")),
    Case("Đê", "other name of the Ê Đê; never 'để'", E_DE_ENTRIES, must_not=(NEW_RICE,), groups=_groups("e-de")),
    Case(
        "Mọi",
        "older name of the Mường; never 'mọi người'",
        (MUONG_EPIC,),
        first=MUONG_EPIC,
        must_not=(XOE, CHOL_CHNAM),
        groups=_groups("muong"),
    ),
    Case("Hạ", "other name of the Cơ Tu", CO_TU_ENTRIES, groups=_groups("co-tu")),
    Case("Động", "other name of the Dao; never 'cộng đồng'", DAO_ENTRIES, must_not=(LONG_TONG,), groups=_groups("dao")),
    Case(
        "Khmer",
        "group name that is also in other entries' text",
        KHMER_ENTRIES,
        must_not=(BRU_WORDS,),
        groups=_groups("khmer"),
    ),
    Case(
        "Ê Đê",
        "two-word group name; not the gong culture that names them",
        E_DE_ENTRIES,
        must_not=(GONGS,),
        groups=_groups("e-de"),
    ),
    Case("Rhade", "exonym of the Ê Đê", E_DE_ENTRIES, groups=_groups("e-de")),
    Case("Chàm", "other name of the Chăm", (KATE,), first=KATE, groups=_groups("cham")),
    Case("pa then", "folded two-word group name", (FIRE_DANCE,), first=FIRE_DANCE, groups=_groups("pa-then")),
    Case("Sán Chay", "group name", (SOONG_CO,), first=SOONG_CO, groups=_groups("san-chay")),
    Case("Dao", "group name", DAO_ENTRIES, must_not=(DAO_PRAYER,), groups=_groups("dao")),
    Case("Hmong", "English group name", HMONG_ENTRIES, groups=_groups("hmong"), language="en"),
    Case("Yao", "English exonym", DAO_ENTRIES, groups=_groups("dao"), language="en"),
    Case("Katu", "English exonym", CO_TU_ENTRIES, groups=_groups("co-tu"), language="en"),
    Case("Rhade", "English exonym", E_DE_ENTRIES, groups=_groups("e-de"), language="en"),
    # A folded group name inside a longer query is an ordinary word.
    Case("mong uoc binh an", "'mong' is to wish, not the H'Mông", (FIRE_DANCE,), first=FIRE_DANCE, must_not=(HEMP,)),
    Case(
        "cồng chiêng Ê Đê",
        "the Ê Đê's gongs first; never the Cơ Tu festival through 'để'",
        (LONG_HOUSE, GONGS),
        first=LONG_HOUSE,
        must_not=(NEW_RICE,),
    ),
    Case("lua moi", "'moi' is new, not the Mường (Mọi)", (NEW_RICE,), first=NEW_RICE, must_not=(MUONG_EPIC,)),
    Case("Ha Giang", "'ha' is Hà Giang, not the Cơ Tu (Hạ)", (KHAU_VAI, FIRE_DANCE, HEMP), must_not=CO_TU_ENTRIES),
    Case("xuong dong", "'dong' is the field, not the Dao (Động)", (LONG_TONG,), first=LONG_TONG, must_not=(CAP_SAC,)),
    Case("Nam Dong", "a place, not the Dao", CO_TU_ENTRIES, must_not=(CAP_SAC,)),
    Case(
        "long tong",
        "the Lồng tồng festival, not the Pà Thẻn (Tống)",
        (LONG_TONG,),
        first=LONG_TONG,
        must_not=(FIRE_DANCE,),
    ),
    # NFD input (letters and combining marks apart).
    Case(_nfd("Lễ hội Lồng tồng"), "NFD", (LONG_TONG,), first=LONG_TONG),
    Case(_nfd("Ê Đê"), "NFD group name", E_DE_ENTRIES, groups=_groups("e-de")),
    Case(_nfd("nhà Gươl"), "NFD", (GUOL, NEW_RICE), first=GUOL),
    # ISO 639-3 codes and language names.
    Case("tyz", "ISO 639-3 code", (LONG_TONG, THEN)),
    Case("mtq", "ISO 639-3 code of a recording's language", (MUONG_EPIC,), first=MUONG_EPIC),
    Case(
        "ktv", "ISO 639-3 code; the restricted interview stays hidden", (GUOL,), first=GUOL, must_not=(GUOL_MEMORIES,)
    ),
    Case("rad", "ISO 639-3 code", (DAM_SAN,), first=DAM_SAN),
    Case("khm", "ISO 639-3 code", KHMER_ENTRIES),
    Case("Tiếng Mường", "language name (vi)", (MUONG_EPIC,), first=MUONG_EPIC),
    Case("Tiếng Khmer", "language name (vi)", KHMER_ENTRIES),
    Case("Eastern Katu", "language name (en)", (GUOL,), first=GUOL, language="en"),
    Case("Eastern Cham", "language name (en)", (KATE,), first=KATE, language="en"),
    Case("Tiếng Cao Lan", "language name (vi)", (SOONG_CO,), first=SOONG_CO),
    # Typos: fuzzy on a node, "did you mean" on the database index.
    Case("Đam Sam", "typo of Đam San", (DAM_SAN,), first=DAM_SAN, typo=True),
    Case("hemp weavng", "typo", (HEMP,), first=HEMP, language="en", typo=True),
    Case("Chol Chnam Thmai", "typo, without marks", (CHOL_CHNAM,), first=CHOL_CHNAM, typo=True),
    Case("fire dnce", "typo", (FIRE_DANCE,), first=FIRE_DANCE, language="en", typo=True),
    # Syntax.
    Case('"Chôl Chnăm"', "phrase", (CHOL_CHNAM,), first=CHOL_CHNAM),
    Case('"nhảy lửa"', "phrase", (FIRE_DANCE,), first=FIRE_DANCE),
    Case("Katê OR Khmer", "OR", (KATE, *KHMER_ENTRIES)),
    Case("Khmer -Chôl", "exclusion", (OK_OM_BOK,), must_not=(CHOL_CHNAM,)),
    Case('Khmer -"Chôl Chnăm"', "excluded phrase", (OK_OM_BOK,), must_not=(CHOL_CHNAM,)),
    Case("Katê 🎉", "emoji is no term", (KATE,), first=KATE),
    Case('"Katê', "stray quote", (KATE,), first=KATE),
    Case('lễ hội "Lồng tồng', "unpaired quote", (LONG_TONG,), first=LONG_TONG),
    # English stemming on /en/.
    Case("moon worship festivals", "English stemming", (OK_OM_BOK,), first=OK_OM_BOK, language="en"),
    Case("gong ensembles", "English stemming", (GONGS,), first=GONGS, language="en"),
    Case("epics", "English stemming", (MUONG_EPIC, DAM_SAN), language="en"),
    # Transcript text (caption lines).
    Case("chưa phân chia", "transcript only", (MUONG_EPIC,), first=MUONG_EPIC),
    Case("uống chén nước", "transcript only", (SOONG_CO,), first=SOONG_CO),
    Case("rich and mighty chief", "transcript only (en)", (DAM_SAN,), first=DAM_SAN, language="en"),
    Case("cup of water", "transcript only (en)", (SOONG_CO,), first=SOONG_CO, language="en"),
    # Places and provinces.
    Case("Đắk Lắk", "province", E_DE_ENTRIES),
    Case("Huế", "province", (NEW_RICE, ZENG, GUOL)),
    Case("Lào Cai", "province; 'Lào' is also a group name", (GAU_TAO, XOE)),
    Case("tuyen quang", "province, folded", TUYEN_QUANG_ENTRIES),
    Case("Vinh Long", "province (en)", (CHOL_CHNAM, OK_OM_BOK), language="en"),
    Case("Phú Thọ", "province; not the Thổ", (MUONG_EPIC,), first=MUONG_EPIC, must_not=(LONG_TONG,)),
    # Vietnamese typed without tone marks.
    Case("le hoi long tong", "tone-less", (LONG_TONG,), first=LONG_TONG),
    Case("nghe det vai lanh", "tone-less", (HEMP,), first=HEMP),
    Case("nha dai", "tone-less", (LONG_HOUSE, GONGS, DAM_SAN), first=LONG_HOUSE),
    Case("khau vai", "tone-less", (KHAU_VAI,), first=KHAU_VAI),
    # Titles, exact and partial.
    Case("Nghệ thuật Xòe Thái", "exact title", (XOE,), first=XOE),
    Case("Không gian văn hóa Cồng chiêng Tây Nguyên", "exact title", (GONGS,), first=GONGS),
    Case("Soọng cô", "partial title", (SOONG_CO,), first=SOONG_CO),
    Case("Gầu Tào", "partial title", (GAU_TAO,), first=GAU_TAO),
    Case("The long house of the Ê Đê", "exact title (en)", (LONG_HOUSE,), first=LONG_HOUSE, language="en"),
    Case("Khâu Vai love market", "exact title (en)", (KHAU_VAI,), first=KHAU_VAI, language="en"),
    Case("Zèng", "partial title", (ZENG,), first=ZENG),
    # Entry types.
    Case("sử thi", "entry type filter", (MUONG_EPIC, DAM_SAN), filters={"type": "recording"}),
    Case("mùa xuân", "entry type filter", (LONG_TONG, FIRE_DANCE, GAU_TAO), filters={"type": "festival"}),
    Case("dệt", "entry type filter", (HEMP, ZENG), filters={"type": "custom"}),
]


@dataclass
class Answer:
    found: list[str]
    groups: list[list[str]]
    # The "did you mean" followed, when the page found nothing.
    suggestion: str | None = None


@dataclass
class Score:
    case: Case
    answer: Answer

    @property
    def top(self) -> list[str]:
        return self.answer.found[:TOP]

    @property
    def recall(self) -> float:
        if not self.case.must:
            return float(not self.answer.found)
        return sum(slug in self.top for slug in self.case.must) / len(self.case.must)

    @property
    def first_right(self) -> bool:
        if not self.case.must:
            return not self.answer.found
        if not self.answer.found:
            return False
        return self.answer.found[0] == self.case.first if self.case.first else self.answer.found[0] in self.case.must

    @property
    def forbidden(self) -> list[str]:
        """Entries that must not come back and did: named ones, and for a group-name
        query those of no group it names."""
        wrong = [slug for slug in self.answer.found if slug in self.case.must_not]
        if self.case.groups is not None:
            wrong += [
                slug
                for slug, codes in zip(self.answer.found, self.answer.groups, strict=True)
                if not self.case.groups & set(codes) and slug not in wrong
            ]
        return wrong

    def describe(self) -> str:
        parts = [f"{self.case.key} ({self.case.about}): recall@10 {self.recall:.2f}, P@1 {int(self.first_right)}"]
        missing = [slug for slug in self.case.must if slug not in self.top]
        if missing:
            parts.append(f"missing {missing}")
        if self.forbidden:
            parts.append(f"must not return {self.forbidden}")
        if not self.first_right:
            parts.append(f"first {self.answer.found[:1]}, expected {self.case.first or self.case.must}")
        if self.answer.suggestion:
            parts.append(f"scored on its suggestion {self.answer.suggestion!r}")
        return "; ".join(parts)


@dataclass
class Summary:
    scores: list[Score]

    @property
    def recall(self) -> float:
        return sum(score.recall for score in self.scores) / len(self.scores)

    @property
    def precision_at_1(self) -> float:
        return sum(score.first_right for score in self.scores) / len(self.scores)

    @property
    def failures(self) -> list[Score]:
        return [score for score in self.scores if score.recall < 1 or not score.first_right or score.forbidden]

    @property
    def forbidden(self) -> list[Score]:
        return [score for score in self.scores if score.forbidden]

    def report(self) -> str:
        lines = [f"{len(self.scores)} queries: recall@10 {self.recall:.3f}, P@1 {self.precision_at_1:.3f}"]
        lines += [score.describe() for score in self.failures]
        return "\n".join(lines)


def ask(client, case: Case, follow_suggestion: bool) -> Answer:
    """The search page's results for the case, as the client's visitor."""
    response = client.get(f"/{case.language}/search/", {"q": case.query, **case.filters})
    assert response.status_code == 200, (case.key, response.status_code)
    answer = _answer(response)
    if follow_suggestion and case.typo and not answer.found and response.context.get("suggestion"):
        suggestion = response.context["suggestion"]
        followed = client.get(f"/{case.language}/search/", {"q": suggestion, **case.filters})
        answer = _answer(followed)
        answer.suggestion = suggestion
    return answer


def _answer(response) -> Answer:
    results = list(response.context["results"] or [])
    return Answer(
        found=[result.entry.slug for result in results],
        groups=[sorted(group.code for group in result.entry.ethnic_groups.all()) for result in results],
    )


def run(client, follow_suggestion: bool, cases: list[Case] = CASES) -> Summary:
    return Summary([Score(case, ask(client, case, follow_suggestion)) for case in cases])


def answers_json(follow_suggestion: bool) -> str:
    """Every case's answer as JSON, from an anonymous visitor's client, for a project run
    in another process (a search node's)."""
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    return json.dumps([ask(client, case, follow_suggestion).__dict__ for case in CASES])


def summary_from_json(text: str) -> Summary:
    return Summary([Score(case, Answer(**answer)) for case, answer in zip(CASES, json.loads(text), strict=True)])
