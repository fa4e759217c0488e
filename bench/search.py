"""Search at archive scale: bulk indexing throughput and query latency on each backend, side by side:
the search nodes (Elasticsearch 8, OpenSearch 2) and the database backend (SQLite FTS5).

Run with `make bench-search` (no database or node needed; `--entries 2000` for a quick try;
`--backends elasticsearch opensearch database`, all three by default). Everything lives in one
temporary folder, removed at the end; each node engine's node is started for its backend alone
(tests/engines/elasticsearch.py `running_search_node`: Elasticsearch 8.19 and OpenSearch 2.19
from Maven Central), so one JVM runs at a time.

1. The archive: a throwaway project (`config.settings.test`, its own SQLite database and media
   folder, as tests/engines/archive_project.py does) is migrated, so it has the reference data
   (54 ethnic groups, 34 provinces, 80 languages), and gets the demo site tree and the 22 demo
   entry pairs (`load_demo_content` without audio or video). Then `--entries` generated entries
   are written in bulk, half Vietnamese, half their English translations (same
   `translation_key`): 40 % festivals, 30 % customs, 30 % language recordings under the six
   listing pages. Page rows are inserted directly with treebeard paths, depths and `numchild`
   computed here (`add_child` would take hours), then the entry and type rows with
   `executemany`, and the relations with `bulk_create`: ethnic groups, a place (the group's
   province) with a village name as recorded, tags, content languages. Text comes from word
   lists: festival, custom and genre names with the groups that hold them, villages, months,
   instruments, offerings, games, people, in Vietnamese with tone marks and in English.
   Every recording, 30 % of festivals and 10 % of customs have an audio or video block whose
   transcript is 4 to 8 caption lines; the recording's `MediaAsset` gets two `CaptionTrack`
   rows (Vietnamese and English cues), shared by both pages as in the demo, so the lines are
   indexed the way `EntryPage.folded_text()` gathers them. One line of the caption pool holds
   the transcript query's words, which no other text uses (checked before writing).
2. Each backend in its own process with its own settings (the engine's `settings(url)`:
   `ELASTICSEARCH_URL` or `OPENSEARCH_URL`, neither for the database) and its own copy of
   the database: `manage.py update_index --backend default` timed as a whole (all indexed
   models; generated entries / wall time gives entries/s), then the queries.
3. Queries, interleaved round by round after warm-up rounds. "Search" is what `/search/`
   computes before rendering: `search.query.result_page` on the entries an anonymous visitor
   may see in that language (`visible_to(EntryPage.objects.filter(locale=...), AnonymousUser())`),
   with the query's group and province filters: the first page of 20 ids, the total and the
   facet counts. On the node that is one request (access, filters, counts and the page) and
   one SQL check of the page's ids; on the database index, every match ranked in one FTS5
   query, then filtered and counted in SQL. `--backends database` measures the database index
   alone (no node started) and writes only its section. "GET" is the whole
   `/<lang>/search/?q=...` page through Django's test client (search, loading the page's
   entries, snippets, caption lines, template).
   A search node that fails over to the database index is an error here, not a result.

Prints Markdown tables, one column pair per backend, with issue 13's targets (on a node: search
p95 at most 50 ms and whole page p95 at most 150 ms; the database's in `database_targets`), and
rewrites the "Search" sections of docs/benchmarks.md. `--report` saves the measurements;
`--from-report a.json --from-report b.json` writes the sections from saved runs, each backend's
results from the newest run that has them, so engines measured separately share one table."""

import argparse
import json
import logging
import os
import random
import re
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.report import DOCS, cpu_model, findings_block, paragraph, publish  # noqa: E402

ENTRIES = 100_000
REPEATS = 50
GET_REPEATS = 20
WARMUP = 5
CALL_LIMIT_SECONDS = 10.0
BUDGET_SECONDS = 60.0
MIN_SAMPLES = 3
PAGE_SIZE = 20
# Issue 13, on a search node at 100,000 entries: p95 of the backend call and of the whole page, in ms.
TARGET_P95_MS = 50.0
TARGET_PAGE_P95_MS = 150.0
SEED = 20261125
BATCH_PAIRS = 2500
SAMPLE_CHUNK = 1000
WORKER_TIMEOUT = 4 * 3600
SECTION_TITLE = "## Search"
DATABASE_SECTION_TITLE = "## Search on the database backend"
# The embedded default (issue 13): p95 of the backend call and of the whole page, in ms, up
# to this many entries.
DATABASE_TARGETS = ((20_000, 150.0, 250.0), (ENTRIES + 1_000, 1000.0, 1000.0))
TEMPORARY_PREFIX = "bench-search-"
# A 512 MB node (the tests' default) trips its memory circuit breaker (429) when 100,000 entries are bulk-indexed.
NODE_HEAP = "1g"
BACKENDS = ("elasticsearch", "opensearch", "database")
# Names of the engines as GET / reports them (`version.distribution`, absent on Elasticsearch).
ENGINE_NAMES = {"elasticsearch": "Elasticsearch", "opensearch": "OpenSearch", "database": "database"}


@dataclass(frozen=True)
class Query:
    name: str
    language: str
    text: str
    filters: dict[str, str] = field(default_factory=dict)


QUERIES = (
    Query("folded", "vi", "le hoi long tong"),
    Query("exact", "vi", "Lễ hội Lồng Tồng"),
    Query("faceted", "vi", "lễ hội cầu mùa", {"group": "tay", "province": "cao-bang"}),
    Query("transcript", "vi", "chim gáy kêu"),
    Query("English", "en", "new rice festival"),
)
TRANSCRIPT_QUERY = "transcript"


# --- word lists ---------------------------------------------------------------------------------
# (Vietnamese, English, ...) pairs; `None` for groups means any group.

FESTIVALS = [
    ("Lồng tồng", "Lồng tồng", ["tay", "nung"], 0),
    ("Gầu Tào", "Gầu Tào", ["hmong"], 0),
    ("mừng lúa mới", "New rice", ["co-tu", "ba-na", "gia-rai", "e-de", "xo-dang", "mnong", "thai", "kho-mu"], 9),
    ("Katê", "Katê", ["cham"], 6),
    ("Ok Om Bok", "Ok Om Bok", ["khmer"], 9),
    ("Chôl Chnăm Thmây", "Chôl Chnăm Thmây", ["khmer"], 2),
    ("nhảy lửa", "Fire dance", ["pa-then", "dao"], 9),
    ("Roóng poọc", "Roóng poọc", ["giay"], 0),
    ("Kin pang then", "Kin pang then", ["thai"], 2),
    ("xuống đồng", "Going down to the fields", ["muong", "tay", "nung", "san-diu"], 0),
    ("cầu mưa", "Rain prayer", ["co-ho", "ra-glai", "chu-ru", "ma"], 3),
    ("đâm trâu", "Buffalo sacrifice", ["ba-na", "gia-rai", "co-tu", "xo-dang", "hre"], 1),
    ("bỏ mả", "Grave abandonment", ["gia-rai", "ba-na"], 11),
    ("Tết nhảy", "Jumping New Year", ["dao"], 11),
    ("Pồn pôông", "Pồn pôông", ["muong"], 0),
    ("cúng rừng", "Forest offering", ["ha-nhi", "lo-lo", "dao", "phu-la"], 1),
    ("cơm mới", "New rice meal", ["tay", "nung", "san-chay", "giay"], 8),
    ("Nàng Hai", "Nàng Hai moon", ["tay"], 7),
    ("Xên bản", "Village spirit offering", ["thai", "lao", "lu"], 3),
    ("cầu mùa", "Harvest prayer", ["tay", "nung", "dao", "san-chay", "hmong", "muong"], 1),
]
CUSTOMS = [
    ("Lễ cấp sắc", "Cấp sắc ordination ritual", "life_cycle", ["dao", "san-chay", "san-diu"]),
    ("Nghề dệt thổ cẩm", "Brocade weaving", "crafts", None),
    ("Nhà sàn", "Stilt house", "architecture", ["thai", "tay", "nung", "muong", "e-de"]),
    ("Nhà rông", "Rông communal house", "architecture", ["ba-na", "xo-dang", "gia-rai", "gie-trieng"]),
    ("Tục cưới hỏi", "Wedding customs", "life_cycle", None),
    ("Lễ đặt tên cho trẻ", "Child naming ceremony", "life_cycle", None),
    ("Nghề rèn", "Blacksmithing", "crafts", ["hmong", "nung", "kho-mu"]),
    ("Rượu cần", "Jar wine", "cuisine", ["e-de", "mnong", "ba-na", "muong", "co-ho"]),
    ("Xôi ngũ sắc", "Five-colour sticky rice", "cuisine", ["tay", "nung", "thai", "giay"]),
    ("Trang phục truyền thống", "Traditional costume", "costume", None),
    ("Nghề nhuộm chàm", "Indigo dyeing", "crafts", ["hmong", "dao", "giay", "pa-then"]),
    ("Luật tục", "Customary law", "social", ["e-de", "mnong", "gia-rai"]),
    ("Thuốc nam", "Herbal medicine", "medicine", ["dao", "tay", "hmong"]),
    ("Múa xòe", "Xòe dance", "music_dance", ["thai"]),
    ("Nghệ thuật cồng chiêng", "Gong music", "music_dance", ["ba-na", "gia-rai", "e-de", "mnong", "xo-dang"]),
    ("Canh tác nương rẫy", "Swidden farming", "farming", None),
    ("Ruộng bậc thang", "Terraced rice fields", "farming", ["hmong", "dao", "ha-nhi", "giay"]),
    ("Thờ cúng tổ tiên", "Ancestor worship", "beliefs", None),
    ("Nghề đan lát", "Basketry", "crafts", None),
    ("Nghề làm giấy bản", "Bản paper making", "crafts", ["dao"]),
]
RECORDINGS = [
    ("Hát then", "Then singing", "song", ["tay", "nung"]),
    ("Hát lượn", "Lượn singing", "song", ["tay"]),
    ("Hát sli", "Sli singing", "song", ["nung"]),
    ("Hát ru", "Lullaby", "song", None),
    ("Dân ca giao duyên", "Courtship song", "song", None),
    ("Truyện cổ", "Folk tale", "tale", None),
    ("Sử thi", "Epic", "epic", ["e-de", "ba-na", "mnong", "muong"]),
    ("Bài cúng", "Prayer", "prayer", None),
    ("Trò chuyện bên bếp lửa", "Fireside conversation", "conversation", None),
    ("Danh sách từ vựng", "Word list", "word_list", None),
    ("Lịch sử truyền miệng", "Oral history", "oral_history", None),
]
MONTHS = [
    ("tháng Giêng", "the first lunar month"),
    ("tháng Hai", "the second lunar month"),
    ("tháng Ba", "the third lunar month"),
    ("tháng Tư", "the fourth lunar month"),
    ("tháng Năm", "the fifth lunar month"),
    ("tháng Sáu", "the sixth lunar month"),
    ("tháng Bảy", "the seventh lunar month"),
    ("tháng Tám", "the eighth lunar month"),
    ("tháng Chín", "the ninth lunar month"),
    ("tháng Mười", "the tenth lunar month"),
    ("tháng Mười một", "the eleventh lunar month"),
    ("tháng Chạp", "the twelfth lunar month"),
]
INSTRUMENTS = [
    ("đàn tính", "tính lute"),
    ("khèn", "khèn pipes"),
    ("cồng chiêng", "gongs"),
    ("trống da", "skin drums"),
    ("sáo trúc", "bamboo flute"),
    ("đàn đá", "stone lithophone"),
    ("kèn lá", "leaf horn"),
]
OFFERINGS = [
    ("xôi ngũ sắc", "five-colour sticky rice"),
    ("gà luộc", "boiled chicken"),
    ("rượu cần", "jar wine"),
    ("bánh chưng", "square rice cakes"),
    ("thịt lợn", "pork"),
    ("cá nướng", "grilled fish"),
    ("trầu cau", "betel and areca"),
]
GAMES = [
    ("ném còn", "throwing the còn ball"),
    ("kéo co", "tug of war"),
    ("đánh yến", "feather shuttlecock"),
    ("đánh quay", "top spinning"),
    ("bắn nỏ", "crossbow shooting"),
    ("đua thuyền", "boat racing"),
    ("đi cà kheo", "stilt walking"),
]
FAMILY_NAMES = ["Hoàng", "Nông", "Lục", "Ma", "Giàng", "Vàng", "Lò", "Sùng", "Hà", "Lương", "Triệu", "Bàn", "Đinh"]
FAMILY_NAMES += ["Quách", "Thạch", "Danh", "Ksor", "Rơ Châm", "Y", "Bhríu", "Hồ", "Lầu", "Tẩn"]
GIVEN_NAMES = ["Văn Páo", "Thị Mai", "Seo Lử", "A Dính", "Văn Thắng", "Thị Nhung", "Mí Sính", "Thị Hoa"]
GIVEN_NAMES += ["Văn Sơn", "Phin", "Blếch", "Kim Sang", "Thị Lan", "Chỉn", "Thị Dung", "Văn Tài", "Pả", "H'Loan"]
VILLAGE_SYLLABLES = "Nà Hang Khuổi Phiêng Nặm Pác Cốc Lũng Tả Sín Kon Klor Ako Dhông Tơ Nưng Pá Vầy Sủ Lìn".split()
VILLAGE_SYLLABLES += "Thầu Mã Pì Lèng Tân Trào Bó Mười Đồng Văn Vạc Chải Xà Phìn Sà Khun Há Tùng Lạn Hin".split()
VILLAGE_KINDS = {
    "north": ["bản", "thôn", "làng"],
    "highlands": ["buôn", "plei", "làng"],
    "south": ["phum", "sóc", "ấp"],
}
HIGHLANDS = {"gia-lai", "dak-lak", "lam-dong", "quang-ngai", "khanh-hoa"}
SOUTH = {"can-tho", "vinh-long", "an-giang", "ca-mau", "dong-thap", "tay-ninh", "dong-nai", "ho-chi-minh"}
TAGS = ["nông nghiệp", "cầu mùa", "mùa xuân", "tín ngưỡng", "nghi lễ", "dân ca", "cồng chiêng", "trang phục"]
TAGS += ["nghề thủ công", "kiến trúc", "ẩm thực", "vòng đời", "ngôn ngữ", "di sản unesco", "văn học dân gian"]
TAGS += ["giao duyên", "âm nhạc", "tư liệu hóa", "già làng", "vùng cao"]

SUMMARIES = {
    "festival": [
        (
            "{Name} là lễ hội của người {group} ở {village}, {province}, diễn ra vào {month}.",
            "{Name_en} is a festival of the {group} in {village}, {province}, held in {month_en}.",
        ),
        (
            "Lễ hội {name} của người {group} cầu mong mùa màng tươi tốt và bản làng bình an.",
            "The {name_en} festival of the {group} asks for good crops and a peaceful village.",
        ),
        (
            "Ghi chép về lễ hội {name} năm {year} tại {village}, với phần lễ và phần hội.",
            "Notes on the {name_en} festival of {year} in {village}, its rites and its games.",
        ),
    ],
    "custom": [
        (
            "{Name} của người {group} ở {province}, theo lời kể của {elder}.",
            "{Name_en} of the {group} in {province}, as told by {elder}.",
        ),
        (
            "Tư liệu về {name} của người {group}: cách làm, ý nghĩa và những thay đổi gần đây.",
            "A record of {name_en} among the {group}: how it is done, what it means and how it has changed.",
        ),
    ],
    "recording": [
        (
            "{Name} của người {group}, do {elder} trình bày tại {village} năm {year}.",
            "{Name_en} of the {group}, performed by {elder} in {village} in {year}.",
        ),
        (
            "Bản ghi {name} bằng tiếng {language}, có lời phiên âm và bản dịch tiếng Việt.",
            "A recording of {name_en} in {language_en}, with a transcription and a Vietnamese translation.",
        ),
    ],
}
SENTENCES = {
    "festival": [
        (
            "Lễ hội được tổ chức vào {month}, trước khi bắt đầu vụ cày cấy mới.",
            "The festival is held in {month_en}, before the new planting season begins.",
        ),
        (
            "Phần lễ gồm các nghi thức dâng {offering} lên các vị thần của bản.",
            "The ceremony consists of offering {offering_en} to the village deities.",
        ),
        (
            "Thầy cúng đọc bài khấn cầu mưa thuận gió hòa, mùa màng tươi tốt.",
            "The ritual master recites a prayer for favourable weather and good crops.",
        ),
        (
            "Phần hội có nhiều trò chơi dân gian, nổi bật là {game}.",
            "The festive part has many folk games, above all {game_en}.",
        ),
        (
            "Tiếng {instrument} vang lên suốt ngày hội, người già và trẻ nhỏ cùng tham gia.",
            "The sound of the {instrument_en} carries through the day; old and young take part.",
        ),
        (
            "Năm {year}, lễ hội ở {village} thu hút đông đảo bà con từ các xã lân cận.",
            "In {year} the festival in {village} drew many people from the neighbouring communes.",
        ),
        (
            "Mâm lễ thường có {offering} và các sản vật nông nghiệp của địa phương.",
            "The offering trays usually hold {offering_en} and local farm produce.",
        ),
        (
            "Ngày cụ thể do già làng {elder} cùng các dòng họ trong bản quyết định.",
            "The exact day is set by the elder {elder} together with the village lineages.",
        ),
        (
            "Lễ hội là dịp để cộng đồng người {group} ở {province} gặp gỡ và trao đổi.",
            "The festival is an occasion for the {group} community of {province} to meet and trade.",
        ),
    ],
    "custom": [
        (
            "Theo {elder}, nghề này được truyền từ đời ông bà qua nhiều thế hệ.",
            "According to {elder}, the practice has been handed down over many generations.",
        ),
        (
            "Người {group} ở {village} vẫn giữ cách làm truyền thống, dù nhiều công đoạn đã thay đổi.",
            "The {group} of {village} keep the traditional way, though many steps have changed.",
        ),
        (
            "Vào {month}, các gia đình chuẩn bị {offering} để mời họ hàng và khách quý.",
            "In {month_en} families prepare {offering_en} for relatives and honoured guests.",
        ),
        (
            "Hoa văn và màu sắc thể hiện quan niệm về vũ trụ và tổ tiên của người {group}.",
            "Patterns and colours express the {group} view of the cosmos and of the ancestors.",
        ),
        (
            "Tư liệu được ghi lại năm {year} tại {village}, {province}.",
            "The material was recorded in {year} in {village}, {province}.",
        ),
        (
            "Phụ nữ và nam giới đảm nhận những phần việc khác nhau trong cộng đồng.",
            "Women and men take on different parts of the work in the community.",
        ),
        (
            "Ngày nay, lớp trẻ học lại nghề qua các lớp truyền dạy của xã.",
            "Today young people learn the craft again in classes run by the commune.",
        ),
    ],
    "recording": [
        (
            "Bản ghi được thực hiện năm {year} tại nhà của {elder} ở {village}.",
            "The recording was made in {year} at the home of {elder} in {village}.",
        ),
        (
            "Người trình bày dùng tiếng {language}, có tiếng {instrument} đệm.",
            "The performer uses {language_en}, accompanied by the {instrument_en}.",
        ),
        (
            "Lời phiên âm và bản dịch do cán bộ văn hóa xã cùng người nói kiểm tra.",
            "The transcription and translation were checked by the commune's cultural officer with the speaker.",
        ),
        (
            "Đây là một trong số ít bản ghi {name} còn lại ở {province}.",
            "This is one of the few recordings of {name_en} left in {province}.",
        ),
        (
            "Nội dung nói về đời sống, lao động và tình cảm của người {group}.",
            "It speaks of the life, work and feelings of the {group}.",
        ),
        (
            "Người nghe trong bản thường hát đối lại vào cuối mỗi đoạn.",
            "Listeners in the village often sing back at the end of each part.",
        ),
    ],
}
# Caption lines (Vietnamese, English). Only the first holds the transcript query's words.
CUES = [
    (
        "Chim gáy kêu trên nương, gọi mùa mưa về bản.",
        "The turtle dove calls over the hill field, calling the rains home.",
    ),
    ("Tiếng đàn ngân lên mở đường cho tổ tiên về.", "The lute sounds to open the way for the ancestors."),
    ("Xin mời tổ tiên về chứng giám lễ vật.", "We invite the ancestors to come and witness the offerings."),
    ("Cầu cho bản làng một năm bình an.", "May the village have a peaceful year."),
    ("Khách từ xa tới, mời vào nhà uống chén nước.", "Guests from afar, please come in for a cup of water."),
    ("Đêm nay ta hát cho nhau nghe đến sáng.", "Tonight let us sing to each other until dawn."),
    ("Thuở ấy trời đất còn chưa phân chia.", "In that time heaven and earth were not yet separated."),
    ("Rồi đất được sinh ra, nước được sinh ra.", "Then the earth was born, and the water was born."),
    ("Hỡi các con cháu, hãy ngồi quanh bếp lửa.", "Children and grandchildren, sit around the fire."),
    ("Tiếng chiêng của chàng vang khắp núi rừng.", "The sound of his gongs echoed through the forests."),
    ("Hồi đó cả làng cùng lên rừng chọn gỗ.", "Back then the whole village went to the forest for timber."),
    ("Mỗi nhà góp công, góp gạo để dựng nhà chung.", "Every household gave labour and rice for the common house."),
    ("Em đi lấy nước bên suối, anh chờ ở đầu cầu.", "I fetch water at the stream, you wait at the bridge."),
    ("Lúa chín vàng đồi, ai về gặt cùng em.", "The rice is ripe on the hill, who will harvest with me."),
    ("Con ngủ cho ngoan, mẹ lên nương hái rau.", "Sleep well, child, mother goes up to pick greens."),
    ("Ngày xưa có hai anh em mồ côi.", "Long ago there were two orphaned brothers."),
    ("Người anh tham lam, người em hiền lành.", "The elder was greedy, the younger was kind."),
    ("Từ một: 'một', người nói đọc hai lần.", "Word one: 'one', said twice by the speaker."),
    ("Từ hai: 'nước', người nói đọc hai lần.", "Word two: 'water', said twice by the speaker."),
    ("Ông bà dặn con cháu giữ lấy tiếng mẹ đẻ.", "The grandparents told us to keep our mother tongue."),
    ("Trăng lên đỉnh núi, trai gái hẹn hò.", "The moon rises over the peak, young people meet."),
    ("Rượu cần đã cắm, mời cả làng cùng uống.", "The jar wine is open, the whole village is invited."),
    ("Mùa này nước lũ về sớm, phải làm lại ruộng.", "This season the floods came early, the fields had to be redone."),
    ("Thầy cúng rung chuông, gọi vía người ốm.", "The ritual master rings the bell to call back the sick one's soul."),
]


def fold(text: str) -> str:
    from heritage.folding import fold as archive_fold

    return archive_fold(text)


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", fold(text)))


def transcript_only_words() -> set[str]:
    """The transcript query's words, which must appear in no other generated text."""
    query = next(query for query in QUERIES if query.name == TRANSCRIPT_QUERY)
    return words(query.text)


# --- generating the archive (worker "generate") ------------------------------------------------


@dataclass
class Vocabulary:
    groups: dict  # code → EthnicGroup
    provinces: dict  # code → Place
    regions: dict  # group code → [province codes]
    languages: dict  # group code → [Language]
    tags: list
    any_language: object


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY_NAMES)} {rng.choice(GIVEN_NAMES)}"


def _village(rng: random.Random, province_code: str) -> str:
    region = "highlands" if province_code in HIGHLANDS else "south" if province_code in SOUTH else "north"
    return f"{rng.choice(VILLAGE_KINDS[region])} {rng.choice(VILLAGE_SYLLABLES)} {rng.choice(VILLAGE_SYLLABLES)}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _pair(rng: random.Random, vocabulary: Vocabulary) -> dict:
    """One entry in both languages: the values a Vietnamese page and its translation differ in,
    and what they share."""
    roll = rng.random()
    kind = "festival" if roll < 0.4 else "custom" if roll < 0.7 else "recording"
    if kind == "festival":
        name, name_en, group_codes, month = rng.choice(FESTIVALS)
        extra = {"frequency": rng.choice(["yearly", "yearly", "yearly", "every_few_years", "irregular"])}
    else:
        name, name_en, code, group_codes = rng.choice(CUSTOMS if kind == "custom" else RECORDINGS)
        month = rng.randrange(12)
        extra = {"category": code} if kind == "custom" else {"genre": code}
    group_codes = [code for code in (group_codes or []) if code in vocabulary.groups] or list(vocabulary.groups)
    groups = [vocabulary.groups[rng.choice(group_codes)]]
    if rng.random() < 0.15:
        groups.append(vocabulary.groups[rng.choice(list(vocabulary.groups))])
    groups = list(dict.fromkeys(groups))
    regions = vocabulary.regions.get(groups[0].code) or list(vocabulary.provinces)
    province = vocabulary.provinces[rng.choice(regions)]
    village = _village(rng, province.code)
    year = rng.randrange(1965, 2026)
    languages = vocabulary.languages.get(groups[0].code) or [vocabulary.any_language]
    language = rng.choice(languages)
    instrument, instrument_en = rng.choice(INSTRUMENTS)
    offering, offering_en = rng.choice(OFFERINGS)
    game, game_en = rng.choice(GAMES)
    slots = {
        "name": name,
        "Name": _capitalised(name),
        "name_en": name_en,
        "Name_en": _capitalised(name_en),
        "group": groups[0].name_vi,
        "province": province.name_vi,
        "village": village,
        "month": MONTHS[month][0],
        "month_en": MONTHS[month][1],
        "year": year,
        "elder": _person(rng),
        "instrument": instrument,
        "instrument_en": instrument_en,
        "offering": offering,
        "offering_en": offering_en,
        "game": game,
        "game_en": game_en,
        "language": language.name_vi.removeprefix("Tiếng "),
        "language_en": language.name_en,
    }
    where = f" ở {village}" if rng.random() < 0.5 else ""
    where_en = f" in {village}" if where else ""
    if kind == "festival":
        titles = (
            f"Lễ hội {name} của người {slots['group']}{where}",
            f"{name_en} festival of the {slots['group']}{where_en}",
        )
    elif kind == "custom":
        titles = (f"{name} của người {slots['group']}{where}", f"{name_en} of the {slots['group']}{where_en}")
    else:
        titles = (
            f"{name} của người {slots['group']} ({village}, {year})",
            f"{name_en} of the {slots['group']} ({village}, {year})",
        )
    summary = rng.choice(SUMMARIES[kind])
    sentences = rng.sample(SENTENCES[kind], len(SENTENCES[kind]))
    paragraphs = [sentences[start::3] for start in range(3)]
    has_media = kind == "recording" or rng.random() < (0.3 if kind == "festival" else 0.1)
    cues = rng.sample(CUES, rng.randrange(4, 9)) if has_media else []
    documented = date(year, rng.randrange(1, 13), rng.randrange(1, 29)) if rng.random() < 0.8 else None
    published = datetime(2023, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(3 * 365 * 86400))
    return {
        "kind": kind,
        "titles": titles,
        "summaries": tuple(template.format(**slots) for template in summary),
        "bodies": tuple([" ".join(sentence[i].format(**slots) for sentence in p) for p in paragraphs] for i in (0, 1)),
        "native_title": name if kind != "custom" else "",
        "native_title_language": language,
        "groups": groups,
        "province": province,
        "place_as_recorded": f"{village}, {province.name_vi}",
        "tags": rng.sample(vocabulary.tags, rng.randrange(1, 4)),
        "content_languages": [language] if kind == "recording" else [],
        "cues": cues,
        "media_type": "audio" if kind == "recording" and rng.random() < 0.7 else "video",
        "documented_on": documented,
        "published": published,
        "licence": rng.choice(["cc-by-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "in-copyright-educational"]),
        "attribution": f"{_person(rng)}, Phòng Văn hóa {province.name_vi}",
        "extra": extra,
        "translation_key": uuid.UUID(int=rng.getrandbits(128), version=4),
    }


def _vocabulary() -> Vocabulary:
    from taggit.models import Tag

    from heritage.models import EthnicGroup, Language, Place

    groups = {group.code: group for group in EthnicGroup.objects.prefetch_related("regions").order_by("number")}
    provinces = {place.code: place for place in Place.objects.filter(kind__in=["province", "city"]).order_by("code")}
    regions = {
        code: [place.code for place in group.regions.all() if place.code in provinces] for code, group in groups.items()
    }
    languages: dict[str, list] = {}
    for language in Language.objects.prefetch_related("ethnic_groups").order_by("code"):
        for group in language.ethnic_groups.all():
            languages.setdefault(group.code, []).append(language)
    tags = [Tag.objects.get_or_create(name=name)[0] for name in TAGS]
    return Vocabulary(groups, provinces, regions, languages, tags, Language.objects.get(code="vie"))


def check_transcript_words(vocabulary: Vocabulary) -> None:
    """The transcript query must find entries through their caption lines only."""
    texts = [text for table in (FESTIVALS, CUSTOMS, RECORDINGS) for row in table for text in row[:2]]
    for pool in (MONTHS, INSTRUMENTS, OFFERINGS, GAMES, *SUMMARIES.values(), *SENTENCES.values()):
        texts += [text for row in pool for text in row]
    texts += (
        FAMILY_NAMES
        + GIVEN_NAMES
        + VILLAGE_SYLLABLES
        + TAGS
        + [kind for kinds in VILLAGE_KINDS.values() for kind in kinds]
    )
    for group in vocabulary.groups.values():
        texts += [group.name_vi, group.name_en, group.other_names]
    texts += [f"{place.name_vi} {place.name_en}" for place in vocabulary.provinces.values()]
    texts += [
        f"{language.name_vi} {language.name_en}"
        for languages in vocabulary.languages.values()
        for language in languages
    ]
    texts += [cue for pair in CUES[1:] for cue in pair]
    found = transcript_only_words() & set().union(*(words(text) for text in texts))
    if found:
        raise SystemExit(f"The transcript query's words {sorted(found)} also occur outside the first caption line.")


def _insert_rows(objects: list, models: list) -> None:
    """Rows of multi-table models, one table after the other (bulk_create refuses them)."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in models:
            fields = model._meta.local_concrete_fields
            rows = [
                [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
                for obj in objects
                if isinstance(obj, model)
            ]
            if rows:
                columns = ", ".join(quote(field.column) for field in fields)
                placeholders = ", ".join(["%s"] * len(fields))
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})", rows
                )


def generate(count: int, seed: int, folder: Path) -> dict:
    """Migrate, load the demo tree, then write `count` entries in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import transaction
    from django.db.models import Max
    from django.utils.text import slugify

    from wagtail.models import Collection, Locale, Page

    from heritage.demo.loader import load_demo_content
    from heritage.models import (
        CustomIndexPage,
        CustomPage,
        EntryPage,
        EntryPlace,
        EntryTag,
        FestivalIndexPage,
        FestivalPage,
        RecordingIndexPage,
        RecordingPage,
    )
    from media_pipeline.models import CaptionTrack, MediaAsset

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    load_demo_content(with_media=False, accounts_file=folder / "demo-accounts.txt")
    setup_seconds = time.perf_counter() - started

    started = time.perf_counter()
    rng = random.Random(seed)
    vocabulary = _vocabulary()
    check_transcript_words(vocabulary)
    locales = {code: Locale.objects.get(language_code=code) for code in ("vi", "en")}
    models = {"festival": FestivalPage, "custom": CustomPage, "recording": RecordingPage}
    index_models = {"festival": FestivalIndexPage, "custom": CustomIndexPage, "recording": RecordingIndexPage}
    parents = {
        (kind, code): index_model.objects.get(locale=locale)
        for kind, index_model in index_models.items()
        for code, locale in locales.items()
    }
    children = {key: parent.numchild for key, parent in parents.items()}
    content_types = {kind: ContentType.objects.get_for_model(model).pk for kind, model in models.items()}
    collection = Collection.get_first_root_node()
    next_page = (Page.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1
    next_asset = (MediaAsset.objects.aggregate(Max("pk"))["pk__max"] or 0) + 1
    groups_through = EntryPage.ethnic_groups.through
    languages_through = RecordingPage.content_languages.through
    pairs = count // 2
    transcripts = 0
    for batch_start in range(0, pairs, BATCH_PAIRS):
        pages, assets, tracks, places, group_rows, tag_rows, language_rows = [], [], [], [], [], [], []
        for number in range(batch_start, min(pairs, batch_start + BATCH_PAIRS)):
            pair = _pair(rng, vocabulary)
            kind = pair["kind"]
            media = [[], []]
            if pair["cues"]:
                transcripts += 2
                asset_id, next_asset = next_asset, next_asset + 1
                cues = [
                    [
                        {"start": 4.0 * i, "end": 4.0 * i + 3.5, "text": cue[language]}
                        for i, cue in enumerate(pair["cues"])
                    ]
                    for language in (0, 1)
                ]
                assets.append(
                    MediaAsset(
                        id=asset_id,
                        title=pair["titles"][0],
                        file=f"media/bench-{asset_id}.{'m4a' if pair['media_type'] == 'audio' else 'mp4'}",
                        type=pair["media_type"],
                        duration=4.0 * len(pair["cues"]),
                        collection=collection,
                        status="ready",
                    )
                )
                for language, label, kind_of_track, language_cues in (
                    ("vi", "Tiếng Việt", CaptionTrack.Kind.CAPTIONS, cues[0]),
                    ("en", "English", CaptionTrack.Kind.SUBTITLES, cues[1]),
                ):
                    tracks.append(
                        CaptionTrack(
                            asset_id=asset_id,
                            language=language,
                            label=label,
                            kind=kind_of_track,
                            file=f"captions/bench-{asset_id}.{language}.vtt",
                            cues=language_cues,
                        )
                    )
                for language in (0, 1):
                    transcript = "\n".join(cue["text"] for cue in cues[language])
                    value = {"media": asset_id, "caption": pair["titles"][language], "transcript": transcript}
                    media[language] = [
                        {"type": "audio_video", "value": value, "id": str(uuid.UUID(int=rng.getrandbits(128)))}
                    ]
            for language, code in enumerate(("vi", "en")):
                parent = parents[(kind, code)]
                children[(kind, code)] += 1
                pk, next_page = next_page, next_page + 1
                slug = f"{slugify(fold(pair['titles'][language]))[:60].strip('-')}-{number + 1}"
                body = [
                    {"type": "paragraph", "value": f"<p>{text}</p>", "id": str(uuid.UUID(int=rng.getrandbits(128)))}
                    for text in pair["bodies"][language]
                ]
                type_fields = dict(pair["extra"])
                if kind == "festival":
                    type_fields["lunar_date"] = "" if language else "Rằm tháng Giêng"
                pages.append(
                    models[kind](
                        id=pk,
                        page_ptr_id=pk,
                        entrypage_ptr_id=pk,
                        title=pair["titles"][language],
                        draft_title=pair["titles"][language],
                        slug=slug,
                        url_path=f"{parent.url_path}{slug}/",
                        path=Page._get_path(parent.path, parent.depth + 1, children[(kind, code)]),
                        depth=parent.depth + 1,
                        numchild=0,
                        content_type_id=content_types[kind],
                        locale_id=locales[code].pk,
                        translation_key=pair["translation_key"],
                        live=True,
                        has_unpublished_changes=False,
                        first_published_at=pair["published"],
                        last_published_at=pair["published"],
                        native_title=pair["native_title"],
                        native_title_language=pair["native_title_language"] if pair["native_title"] else None,
                        summary=pair["summaries"][language],
                        body=body,
                        media=media[language],
                        documented_on=pair["documented_on"],
                        licence=pair["licence"],
                        attribution=pair["attribution"],
                        access_level="public",
                        **type_fields,
                    )
                )
                places.append(
                    EntryPlace(
                        entry_id=pk, place=pair["province"], name_as_recorded=pair["place_as_recorded"], sort_order=0
                    )
                )
                group_rows += [groups_through(entrypage_id=pk, ethnicgroup_id=group.pk) for group in pair["groups"]]
                tag_rows += [EntryTag(content_object_id=pk, tag=tag) for tag in pair["tags"]]
                language_rows += [
                    languages_through(recordingpage_id=pk, language_id=language.pk)
                    for language in pair["content_languages"]
                ]
        with transaction.atomic():
            MediaAsset.objects.bulk_create(assets)
            CaptionTrack.objects.bulk_create(tracks)
            _insert_rows(pages, [Page, EntryPage, FestivalPage, CustomPage, RecordingPage])
            EntryPlace.objects.bulk_create(places)
            groups_through.objects.bulk_create(group_rows)
            EntryTag.objects.bulk_create(tag_rows)
            languages_through.objects.bulk_create(language_rows)
        print(
            f"  {min(pairs, batch_start + BATCH_PAIRS) * 2:,} of {pairs * 2:,} entries written",
            file=sys.stderr,
            flush=True,
        )
    for key, parent in parents.items():
        Page.objects.filter(pk=parent.pk).update(numchild=children[key])
    problems = Page.find_problems()
    if any(problems):
        raise SystemExit(f"The page tree is inconsistent after the bulk insert: {problems}")
    return {
        "generated": pairs * 2,
        "entries": EntryPage.objects.count(),
        "with_transcript": transcripts,
        "caption_tracks": CaptionTrack.objects.count(),
        "setup_seconds": setup_seconds,
        "generate_seconds": time.perf_counter() - started,
    }


# --- measuring one backend (worker "measure") --------------------------------------------------


class FallbackWatch(logging.Handler):
    """Counts the warnings search/backends.py logs when the node fails over to the database."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class Series:
    """Timings of one query in one column. A call stopped at the limit counts as the limit."""

    samples: list[float] = field(default_factory=list)
    timeouts: int = 0
    spent: float = 0.0

    def summary(self) -> dict:
        return {
            "p50": percentile(self.samples, 50),
            "p95": percentile(self.samples, 95),
            "n": len(self.samples),
            "timeouts": self.timeouts,
        }


def percentile(samples: list[float], point: int) -> float:
    if len(samples) < 2:
        return samples[0] if samples else float("nan")
    return statistics.quantiles(samples, n=100, method="inclusive")[point - 1]


@contextmanager
def interrupted_after(seconds: float) -> Iterator[None]:
    """Stop the SQLite statement running after `seconds` (the node has its own timeout)."""
    from django.db import connection

    connection.ensure_connection()
    timer = threading.Timer(seconds, connection.connection.interrupt)
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def timed_call(action: Callable[[], object], limit: float) -> tuple[float, bool]:
    """Milliseconds the action took, and whether it was stopped at `limit` seconds."""
    from django.db import OperationalError

    started = time.perf_counter()
    try:
        with interrupted_after(limit):
            action()
    except OperationalError as error:
        if "interrupt" not in str(error):
            raise
        return limit * 1000, True
    return (time.perf_counter() - started) * 1000, False


def sample(calls: dict[str, Callable[[], object]], repeats: int, warmup: int, limit: float, budget: float) -> dict:
    """Warm-up rounds, then measured rounds, every query once per round. A query stops early
    once it has used `budget` seconds (with at least MIN_SAMPLES timings) or hit the limit
    twice, so that a backend needing seconds per call cannot stall the run."""
    series = {name: Series() for name in calls}
    for _ in range(warmup):
        for name, call in calls.items():
            line = series[name]
            if line.timeouts or line.spent > budget / 5:
                continue
            elapsed, stopped = timed_call(call, limit)
            line.spent += elapsed / 1000
            if stopped:
                line.samples.append(elapsed)
                line.timeouts += 1
    for _ in range(repeats):
        for name, call in calls.items():
            line = series[name]
            done = len(line.samples) >= MIN_SAMPLES and line.spent >= budget
            if line.timeouts >= 2 or done or len(line.samples) >= repeats:
                continue
            elapsed, stopped = timed_call(call, limit)
            line.spent += elapsed / 1000
            line.samples.append(elapsed)
            line.timeouts += stopped
    return {name: line.summary() for name, line in series.items()}


def _visible(language: str):
    from django.contrib.auth.models import AnonymousUser

    from wagtail.models import Locale

    from heritage.access import visible_to
    from heritage.models import EntryPage

    return visible_to(EntryPage.objects.filter(locale=Locale.objects.get(language_code=language)), AnonymousUser())


def _result_page(queryset, query: Query):
    """What `/search/` computes before rendering (`search.query.result_page`): the first page
    of ids this visitor may see, the total and the facet counts, with the query's filters."""
    from search.query import result_page

    filters = {name: [value] for name, value in query.filters.items()}
    page = result_page(queryset, query.text, filters, by_date=False, offset=0, size=PAGE_SIZE)
    if page.from_fallback:
        raise RuntimeError("The search node did not answer: the database index did (search.backends fallback).")
    return page


@contextmanager
def counted_calls(model: type, name: str) -> Iterator[list[int]]:
    """Count calls of a method while indexing (`[count]`); nothing when it does not exist."""
    counter = [0]
    original = getattr(model, name, None)
    if original is None:
        yield counter
        return

    def counting(self, *args, **kwargs):
        counter[0] += 1
        return original(self, *args, **kwargs)

    setattr(model, name, counting)
    try:
        yield counter
    finally:
        setattr(model, name, original)


def _indexing_breakdown(backend, backend_name: str) -> dict:
    """On one chunk of festival pages as update_index reads them: reading the chunk, building
    the documents (SQL queries and `folded_text()` calls counted), and the backend's whole
    add_items (documents again, then writing), so writing ≈ add_items − documents."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from heritage.models import EntryPage, FestivalPage

    started = time.perf_counter()
    chunk = list(FestivalPage.get_indexed_objects().order_by("pk")[:SAMPLE_CHUNK])
    read = time.perf_counter() - started
    with CaptureQueriesContext(connection) as queries, counted_calls(EntryPage, "folded_text") as folded:
        started = time.perf_counter()
        if backend_name != "database":
            from search.facets import entry_keys

            # As the node's add_items does: facet keys for the whole chunk at once.
            keys = entry_keys([page.pk for page in chunk])
            mapping = backend.mapping_class(FestivalPage)
            for page in chunk:
                page._facet_keys = keys[page.pk]
                mapping.get_document(page)
        else:
            from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer

            for page in chunk:
                indexer = ObjectIndexer(page, backend)
                indexer.title, indexer.body, indexer.autocomplete  # noqa: B018
        documents = time.perf_counter() - started
    tables: dict[str, int] = {}
    for captured in queries.captured_queries:
        match = re.search(r'FROM "(\w+)"', captured["sql"])
        if match:
            tables[match.group(1)] = tables.get(match.group(1), 0) + 1
    chunk = list(FestivalPage.get_indexed_objects().order_by("pk")[:SAMPLE_CHUNK])
    started = time.perf_counter()
    backend.get_index_for_model(FestivalPage).add_items(FestivalPage, chunk)
    add_items = time.perf_counter() - started
    size = max(1, len(chunk))
    return {
        "chunk": len(chunk),
        "read_seconds": read,
        "documents_seconds": documents,
        "add_items_seconds": add_items,
        "queries_per_entry": len(queries) / size,
        "folded_text_per_entry": folded[0] / size,
        "tables_per_entry": {table: count / size for table, count in sorted(tables.items(), key=lambda t: -t[1])},
    }


def is_backend(backend: object, backend_name: str) -> bool:
    """Whether the settings chose this backend: the engine's class in search/backends.py, or one of
    modelsearch's database backends (wrapped there, so looked for among the bases)."""
    from tests.engines.elasticsearch import ENGINES

    bases = {f"{base.__module__}.{base.__qualname__}" for base in type(backend).__mro__}
    if backend_name == "database":
        return any(base.startswith("modelsearch.backends.database.") for base in bases)
    engine = next(engine for engine in ENGINES if engine.name == backend_name)
    return f"search.backends.{engine.backend}" in bases


def measure(options: argparse.Namespace) -> dict:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from modelsearch.backends import get_search_backend

    from heritage.models import EntryPage

    backend_name = options.backend
    backend = get_search_backend("default")
    described = f"{type(backend).__module__}.{type(backend).__name__}"
    if not is_backend(backend, backend_name):
        raise SystemExit(f"Expected the {backend_name} backend; the settings gave {described}.")
    result: dict = {"backend_class": described, "generated": options.generated}

    print(f"{backend_name}: update_index", file=sys.stderr, flush=True)
    started = time.perf_counter()
    call_command("update_index", backend_name="default", verbosity=0)
    result["index_seconds"] = time.perf_counter() - started
    result["entries"] = EntryPage.objects.count()

    watch = FallbackWatch()
    logging.getLogger("search.backends").addHandler(watch)
    querysets = {language: _visible(language) for language in ("vi", "en")}

    def backend_call(query: Query):
        return _result_page(querysets[query.language], query)

    result["matches"], result["first_page"] = {}, {}
    for query in QUERIES:
        found: dict = {}

        def count(query: Query = query, found: dict = found) -> None:
            page = backend_call(query)
            found["matches"], found["first_page"] = page.total, len(page.ids)

        _, stopped = timed_call(count, options.limit)
        result["matches"][query.name] = None if stopped else found["matches"]
        result["first_page"][query.name] = None if stopped else found["first_page"]

    print(f"{backend_name}: backend calls", file=sys.stderr, flush=True)
    calls = {query.name: (lambda query=query: backend_call(query)) for query in QUERIES}
    result["latency"] = sample(calls, options.repeats, options.warmup, options.limit, options.budget)

    client = Client(HTTP_HOST="localhost")

    def url(query: Query) -> str:
        return f"/{query.language}/search/?{urlencode({'q': query.text, **query.filters})}"

    def get(query: Query) -> None:
        response = client.get(url(query))
        if response.status_code != 200:
            raise RuntimeError(f"GET {url(query)} answered {response.status_code}")

    result["get_queries"] = {}
    for query in QUERIES:
        with CaptureQueriesContext(connection) as queries:
            _, stopped = timed_call(lambda query=query: get(query), options.limit)
        result["get_queries"][query.name] = None if stopped else len(queries)
    print(f"{backend_name}: whole search pages", file=sys.stderr, flush=True)
    pages = {query.name: (lambda query=query: get(query)) for query in QUERIES}
    result["get_latency"] = sample(pages, options.get_repeats, min(options.warmup, 2), options.limit, options.budget)
    if watch.count:
        raise RuntimeError(f"The search node failed over to the database index {watch.count} times while measured.")

    print(f"{backend_name}: indexing breakdown on one chunk", file=sys.stderr, flush=True)
    result["breakdown"] = _indexing_breakdown(backend, backend_name)
    return result


# --- the run ------------------------------------------------------------------------------------


def _worker(role: str, folder: Path, env: dict, *arguments: str) -> dict:
    result_file = folder / f"{role}-{secrets.token_hex(4)}.json"
    command = [sys.executable, str(Path(__file__).resolve()), "--role", role, "--result", str(result_file), *arguments]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=WORKER_TIMEOUT)
    return json.loads(result_file.read_text())


def _environment(folder: Path, database: Path, node: dict[str, str] | None = None, prefix: str = "") -> dict:
    """The worker's environment; `node` is the engine's settings(url), none for the database backend."""
    (folder / "tmp").mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
        "MEDIA_ROOT": str(folder / "media"),
        "TMPDIR": str(folder / "tmp"),
        "PYTHONUNBUFFERED": "1",
        "ELASTICSEARCH_URL": "",
        "OPENSEARCH_URL": "",
        **(node or {}),
        "SEARCH_INDEX_PREFIX": prefix,
    }


def _node_version(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        info = json.load(answer)
    distribution = info["version"].get("distribution", "elasticsearch")
    return f"{ENGINE_NAMES.get(distribution, distribution)} {info['version']['number']}"


def _measure_backend(options: argparse.Namespace, folder: Path, template: Path, backend_name: str, generated: int):
    """One backend's measurements on its own copy of the archive, and the node's version ("" for the database).
    A node engine's node is started for this backend alone, so only one JVM runs at a time."""
    from tests.engines.elasticsearch import ENGINES, running_search_node

    database = folder / f"{backend_name}.sqlite3"
    shutil.copy(template, database)
    arguments = ["--backend", backend_name, "--generated", str(generated)]
    for name in ("repeats", "get_repeats", "warmup", "limit", "budget"):
        arguments += [f"--{name.replace('_', '-')}", str(getattr(options, name))]
    try:
        if backend_name == "database":
            return _worker("measure", folder, _environment(folder, database), *arguments), ""
        engine = next(engine for engine in ENGINES if engine.name == backend_name)
        print(f"starting the {engine} node", file=sys.stderr, flush=True)
        with running_search_node(engine, folder=folder / f"node-{engine}") as url:
            env = _environment(folder, database, engine.settings(url), f"bench_{secrets.token_hex(3)}_")
            return _worker("measure", folder, env, *arguments), _node_version(url)
    finally:
        database.unlink()


def run(options: argparse.Namespace) -> dict:
    started = time.monotonic()
    os.environ["SEARCH_NODE_HEAP"] = NODE_HEAP
    with tempfile.TemporaryDirectory(prefix=TEMPORARY_PREFIX) as temporary:
        folder = Path(temporary)
        template = folder / "template.sqlite3"
        print(f"generating {options.entries:,} entries", file=sys.stderr, flush=True)
        archive = _worker(
            "generate",
            folder,
            _environment(folder, template),
            "--entries",
            str(options.entries),
            "--seed",
            str(options.seed),
        )
        results, nodes = {}, {}
        for backend_name in options.backends:
            results[backend_name], node = _measure_backend(
                options, folder, template, backend_name, archive["generated"]
            )
            if node:
                nodes[backend_name] = node
    return {
        "day": date.today().isoformat(),
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cores": os.cpu_count(),
        "cpu_model": cpu_model(),
        "nodes": nodes,
        "sqlite": sqlite3.sqlite_version,
        "seed": options.seed,
        "backends": list(options.backends),
        "archive": archive,
        "results": results,
        "repeats": options.repeats,
        "get_repeats": options.get_repeats,
        "warmup": options.warmup,
        "limit": options.limit,
        "budget": options.budget,
        "load_average": os.getloadavg()[0],
        "total_minutes": (time.monotonic() - started) / 60,
    }


# --- the report ---------------------------------------------------------------------------------


def runs_of(report: dict) -> dict[str, dict]:
    """Each backend's run: when, where and how it was measured (a report's fields but its results)."""
    if "runs" in report:
        return report["runs"]
    run = {key: value for key, value in report.items() if key not in ("results", "nodes", "node")}
    run.setdefault("backends", list(report["results"]))
    # Reports saved before Elasticsearch was measured name one node, which was OpenSearch.
    nodes = report.get("nodes", {"opensearch": report.get("node", "")})
    return {backend_name: {**run, "node": nodes.get(backend_name, "")} for backend_name in report["results"]}


def combine(reports: list[dict], backends: list[str] | None = None) -> dict:
    """One report from reports saved with --report: each backend's results from the newest report that has
    them (by measuring time, then by order given), so engines measured separately share one section. The
    report's own fields are the newest run's; each backend's run is under "runs"."""
    chosen: dict[str, tuple] = {}
    for position, report in enumerate(reports):
        for backend_name, run in runs_of(report).items():
            if backends and backend_name not in backends:
                continue
            newest = (run.get("measured_at") or run["day"], position)
            if backend_name not in chosen or newest >= chosen[backend_name][0]:
                chosen[backend_name] = (newest, report["results"][backend_name], run)
    if not chosen:
        raise SystemExit("The reports hold no results for the backends asked for.")
    archives = {(run["archive"]["entries"], run.get("seed")) for _, _, run in chosen.values()}
    if len({entries for entries, _ in archives}) > 1 or len({seed for _, seed in archives} - {None}) > 1:
        measured = ", ".join(f"{name}: {run['archive']['entries']:,} entries" for name, (_, _, run) in chosen.items())
        raise SystemExit(f"The reports measured different archives ({measured}); their tables would not compare.")
    ordered = [name for name in BACKENDS if name in chosen]
    newest_run = max(chosen.values(), key=lambda item: item[0])[2]
    return {
        **newest_run,
        "results": {name: chosen[name][1] for name in ordered},
        "runs": {name: chosen[name][2] for name in ordered},
    }


def label(report: dict, backend_name: str) -> str:
    """The column name: Elasticsearch 8.19, OpenSearch 2.19 or database."""
    version = report["runs"][backend_name].get("node", "")
    match = re.fullmatch(r"(\S+) (\d+\.\d+)(\.\S*)?", version)
    return f"{match[1]} {match[2]}" if match else ENGINE_NAMES[backend_name]


def named(report: dict, backend_name: str) -> str:
    """The backend in a sentence: "Elasticsearch 8.19", "the database"."""
    return "the database" if backend_name == "database" else label(report, backend_name)


def listed(items: list[str]) -> str:
    return " and ".join(items) if len(items) < 3 else f"{', '.join(items[:-1])} and {items[-1]}"


def node_backends(report: dict) -> list[str]:
    return [name for name in report["results"] if name != "database"]


def with_unit(value: str) -> str:
    return value if value.endswith(" s") else f"{value} ms"


def ms(value: float | None, limit: float | None = None) -> str:
    if value is None or value != value:
        return "–"
    if limit is not None and value >= limit * 1000:
        return f"> {limit:g} s"
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def count(value: int | None) -> str:
    return "stopped" if value is None else f"{value:,}"


def worst_p95(report: dict, backend_name: str, key: str = "latency") -> tuple[float, str]:
    latency = report["results"][backend_name][key]
    name = max(latency, key=lambda query_name: latency[query_name]["p95"])
    return latency[name]["p95"], name


def throughput(result: dict) -> float:
    return result["generated"] / result["index_seconds"]


def met(value: float, target: float) -> str:
    return "yes" if value <= target else "**no**"


def targets(report: dict, backend_name: str) -> tuple[float, float]:
    """p95 targets in ms of the search and of the whole page on this backend (issue 13)."""
    if backend_name == "database":
        return database_targets(report["archive"]["entries"])
    return TARGET_P95_MS, TARGET_PAGE_P95_MS


def targets_table(report: dict) -> list[str]:
    limit, entries = report["limit"], report["archive"]["entries"]
    lines = ["| measure | result | target | met |", "| --- | --- | --- | --- |"]
    for backend_name in report["results"]:
        name = named(report, backend_name)
        search_target, page_target = targets(report, backend_name)
        worst, worst_name = worst_p95(report, backend_name)
        worst_page, worst_page_name = worst_p95(report, backend_name, "get_latency")
        lines.append(
            f"| p95 of the search on {name}, {entries:,} entries, "
            f"worst query | {with_unit(ms(worst, limit))} ({worst_name}) | at most {search_target:,.0f} ms "
            f"| {met(worst, search_target)} |"
        )
        unfiltered = [
            value["p95"]
            for query_name, value in report["results"][backend_name]["latency"].items()
            if query_name != "faceted"
        ]
        if worst_name == "faceted" and unfiltered:
            lines.append(
                f"| the same without the faceted query | {with_unit(ms(max(unfiltered), limit))} "
                f"| at most {search_target:,.0f} ms | {met(max(unfiltered), search_target)} |"
            )
        lines.append(
            f"| p95 of the whole search page on {name}, worst query "
            f"| {with_unit(ms(worst_page, limit))} ({worst_page_name}) | at most {page_target:,.0f} ms "
            f"| {met(worst_page, page_target)} |"
        )
    return lines


def indexing_table(report: dict) -> list[str]:
    lines = [
        "| backend | `update_index` | entries/s | 1,000 festivals: read / documents / add_items "
        "| SQL per entry | `folded_text()` per entry |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for backend_name, result in report["results"].items():
        part = result["breakdown"]
        lines.append(
            f"| {label(report, backend_name)} | {result['index_seconds']:,.0f} s | {throughput(result):,.0f} "
            f"| {part['read_seconds']:.2f} s / {part['documents_seconds']:.2f} s / {part['add_items_seconds']:.2f} s "
            f"| {part['queries_per_entry']:.1f} | {part['folded_text_per_entry']:g} |"
        )
    return lines


def cell(value: dict, key: str, limit: float, repeats: int) -> str:
    text = ms(value[key], limit)
    return text if value["n"] >= repeats else f"{text} (n={value['n']})"


def latency_table(report: dict, key: str) -> list[str]:
    """One row per query, one p50 / p95 column pair per measured backend."""
    measured = list(report["results"])
    results = [report["results"][name] for name in measured]
    labels = " / ".join(label(report, name) for name in measured)
    columns = "".join(f" {label(report, name)} p50 | {label(report, name)} p95 |" for name in measured)
    if key == "latency":
        header = f"| query | text | matches ({labels}) |{columns}"
    else:
        header = f"| query | URL | SQL queries ({labels}) |{columns}"
    lines = [header, "| --- | --- | --- |" + " --- | --- |" * len(measured)]
    for query in QUERIES:
        if key == "latency":
            filters = ", ".join(f"{name}={value}" for name, value in query.filters.items())
            described = f"`{query.text}`" + (f" + {filters}" if filters else "")
            counted = " / ".join(count(result["matches"][query.name]) for result in results)
            if query.filters:
                first_pages = " / ".join(count(result["first_page"][query.name]) for result in results)
                counted += f" (first page {first_pages})"
        else:
            described = f"`/{query.language}/search/?{urlencode({'q': query.text, **query.filters})}`"
            counted = " / ".join(count(result["get_queries"][query.name]) for result in results)
        repeats = [run["repeats"] if key == "latency" else run["get_repeats"] for run in report["runs"].values()]
        values = [
            cell(result[key][query.name], point, run_limit, run_repeats)
            for result, run_limit, run_repeats in zip(
                results, (run["limit"] for run in report["runs"].values()), repeats, strict=True
            )
            for point in ("p50", "p95")
        ]
        lines.append(f"| {query.name} | {described} | {counted} | {' | '.join(values)} |")
    return lines


def findings(report: dict) -> list[str]:
    archive, limit = report["archive"], report["limit"]
    lines = []
    for backend_name in report["results"]:
        search_target, page_target = targets(report, backend_name)
        worst, worst_name = worst_p95(report, backend_name)
        worst_page, worst_page_name = worst_p95(report, backend_name, "get_latency")
        lines.append(
            f"Targets on {named(report, backend_name)}: the slowest "
            f"search p95 is {with_unit(ms(worst, limit))} ({worst_name}), "
            f"{'within' if worst <= search_target else 'over'} the {search_target:,.0f} ms target; the slowest "
            f"whole page p95 is {with_unit(ms(worst_page, limit))} ({worst_page_name}), "
            f"{'within' if worst_page <= page_target else 'over'} the {page_target:,.0f} ms target."
        )
    rates = [
        f"{throughput(result):,.0f} entries/s into {named(report, name)} ({result['index_seconds'] / 60:.1f} minutes)"
        for name, result in report["results"].items()
    ]
    lines.append(f"Indexing {archive['generated']:,} entries: {'; '.join(rates)}.")
    for backend_name, result in report["results"].items():
        part = result["breakdown"]
        share = part["documents_seconds"] / part["add_items_seconds"] if part["add_items_seconds"] else 0
        tables = ", ".join(f"{table} {number:.1f}" for table, number in list(part["tables_per_entry"].items())[:4])
        lines.append(
            f"Where indexing time goes ({label(report, backend_name)}): building the documents is {share:.0%} of "
            f"`add_items` on {part['chunk']:,} festival pages: {part['queries_per_entry']:.1f} SQL queries per "
            f"entry ({tables}), and `folded_text()` runs {part['folded_text_per_entry']:g} times per entry."
        )
    lines.append(
        "After the search, the whole page loads the page's entries, finds snippets and caption lines, and renders "
        "them. Each node answers each search in one request: the visitor's access and the chosen facet keys filter, "
        "a `terms` aggregation per facet counts, and only the page's 20 ids come back, to be checked in SQL."
        + (
            " On the database index, every match is ranked in one FTS5 query, then filtered and counted in SQL "
            "(see the next section)."
            if "database" in report["results"]
            else ""
        )
    )
    database = report["results"].get("database")
    stopped = database and [name for name, value in database["latency"].items() if value["p50"] >= limit * 1000]
    if database and len(stopped) == len(database["latency"]):
        lines.append(
            f"The database backend does not scale to {archive['entries']:,} entries on SQLite: every query ran "
            f"past {limit:g} s. It is the embedded default for one machine and a small archive; past "
            "some thousands of entries, configure a search node (`ELASTICSEARCH_URL` / `OPENSEARCH_URL`)."
        )
    if archive["generated"] < ENTRIES:
        factor = ENTRIES / archive["generated"]
        generate_minutes = (archive["setup_seconds"] + archive["generate_seconds"] * factor) / 60
        indexing = [
            f"{ENTRIES / throughput(result) / 60:.0f} into {named(report, name)}"
            for name, result in report["results"].items()
        ]
        indexing[0] = indexing[0].replace(" into ", " minutes into ", 1)
        lines.append(
            f"Not measured at {ENTRIES:,}: at the rates above, indexing {ENTRIES:,} entries would take about "
            f"{listed(indexing)}, and writing them {generate_minutes:.0f} minutes; query times grow with the number of "
            "matches, so they are not extrapolated."
        )
    return lines


def protocol(run: dict) -> str:
    return (
        f"{run['warmup']} warm-up and {run['repeats']} measured rounds of the backend call, "
        f"{run['get_repeats']} of the whole page, calls stopped at {run['limit']:g} s, "
        f"{run['budget']:g} s per query and column"
    )


def measured_runs(report: dict) -> str:
    """Which backends each run measured, when, where and how long it took."""
    groups: dict[tuple, list[str]] = {}
    for backend_name, run in report["runs"].items():
        key = (run.get("measured_at") or run["day"], run["total_minutes"])
        groups.setdefault(key, []).append(backend_name)
    parts = []
    for names in groups.values():
        run = report["runs"][names[0]]
        engines = [report["runs"][name]["node"] or label(report, name) for name in names if name != "database"]
        if "database" in names:
            engines.append(f"the database (SQLite {run['sqlite']}, FTS5)")
        different = f"; {protocol(run)}" if protocol(run) != protocol(report) else ""
        parts.append(
            f"{listed(engines)} on {run['day']}, {run['cores']} cores ({run['cpu_model']}), "
            f"{run['total_minutes']:.0f} minutes for the run{different}"
        )
    return "; ".join(parts)


def section(report: dict) -> str:
    archive = report["archive"]
    lines = [
        SECTION_TITLE,
        "",
        *paragraph(
            "`make bench-search` (runs `bench/search.py`; `--backends` chooses among elasticsearch, opensearch and "
            "database, `--from-report` combines saved runs): "
            f"{archive['generated']:,} generated entries (half Vietnamese, half their English translations; "
            "festivals, customs and language recordings with ethnic groups, provinces, villages and tags, "
            f"{archive['with_transcript']:,} with caption lines from {archive['caption_tracks']:,} caption tracks) "
            f"plus the demo entries, {archive['entries']:,} entries in all, written in bulk into a throwaway SQLite "
            f"database ({archive['generate_seconds']:.0f} s, after {archive['setup_seconds']:.0f} s of migrations and "
            "demo tree). Each backend runs in its own process on its own copy, each search node started for its "
            f"backend alone (one node, {NODE_HEAP.upper()}B heap): `update_index --backend default` "
            f"timed, then {report['warmup']} warm-up and {report['repeats']} measured rounds of the backend call "
            "behind `/search/` (`search.query.result_page`: the first page of 20 ids a visitor may see, the total "
            "and the facet counts, with the query's filters), "
            f"and {report['get_repeats']} rounds of the whole `/search/` page through Django's test client "
            "(`config.settings.test`, DEBUG off), queries interleaved round by round. A call still running after "
            f"{report['limit']:g} s is stopped and counted as {report['limit']:g} s; a query stops being measured "
            f"once it has used {report['budget']:g} s (n then says how many timings there are)."
        ),
        "",
        *paragraph(f"Measured {measured_runs(report)}:"),
        "",
        *targets_table(report),
        "",
        *indexing_table(report),
        "",
        "Search (page of ids, total, facet counts), milliseconds:",
        "",
        *latency_table(report, "latency"),
        "",
        "Whole search page (GET), milliseconds:",
        "",
        *latency_table(report, "get_latency"),
        "",
        *findings_block(findings(report)),
    ]
    return "\n".join(lines)


def database_targets(entries: int) -> tuple[float, float]:
    return next(((call, page) for most, call, page in DATABASE_TARGETS if entries <= most), DATABASE_TARGETS[-1][1:])


def database_section(report: dict) -> str:
    """The database backend alone: its targets, then every query's backend call and page."""
    # The run that measured the database, which may be older than the report's newest.
    run, result = report["runs"]["database"], report["results"]["database"]
    archive = run["archive"]
    call_target, page_target = database_targets(archive["entries"])
    worst_call = max(result["latency"].items(), key=lambda item: item[1]["p95"])
    worst_page = max(result["get_latency"].items(), key=lambda item: item[1]["p95"])
    limit = run["limit"]
    backends = "" if run["backends"] == list(BACKENDS) else f" --backends {' '.join(run['backends'])}"

    lines = [
        DATABASE_SECTION_TITLE,
        "",
        *paragraph(
            f"`bench/search.py --entries {archive['generated']}{backends} --repeats {run['repeats']} "
            f"--warmup {run['warmup']} --budget {run['budget']:g} "
            f"--get-repeats {run['get_repeats']}` ({run['total_minutes']:.0f} minutes this time; generating "
            f"the entries took {archive['generate_seconds']:.0f} s and `update_index` "
            f"{result['index_seconds']:.0f} s): "
            f"the archive of the section above at {archive['entries']:,} entries, the database index alone "
            "(`modelsearch.backends.database`, SQLite FTS5), measured as above: "
            f"{run['warmup']} warm-up and {run['repeats']} measured rounds of the backend call, "
            f"{run['get_repeats']} of the whole page. Every match is ranked in one FTS5 query "
            "(search/database_index.py); filters, facet counts (one GROUP BY per facet) and the date order "
            "cover the whole match set."
        ),
        "",
        *paragraph(
            f"Measured {run['day']} on {run['cores']} cores ({run['cpu_model']}, shared with other work), "
            f"SQLite {run['sqlite']}:"
        ),
        "",
        "| measure | result | target | met |",
        "| --- | --- | --- | --- |",
        f"| p95 of the backend call, {archive['entries']:,} entries, worst query "
        f"| {ms(worst_call[1]['p95'], limit)} ms ({worst_call[0]}) | at most {call_target:,.0f} ms "
        f"| {met(worst_call[1]['p95'], call_target)} |",
        f"| p95 of the whole page, worst query | {ms(worst_page[1]['p95'], limit)} ms ({worst_page[0]}) "
        f"| at most {page_target:,.0f} ms | {met(worst_page[1]['p95'], page_target)} |",
        "",
        "| query | text | matches (first page) | call p50 | call p95 | SQL per page | page p50 | page p95 |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for query in QUERIES:
        filters = ", ".join(f"{name}={value}" for name, value in query.filters.items())
        described = f"`{query.text}`" + (f" + {filters}" if filters else "")
        call, page = result["latency"][query.name], result["get_latency"][query.name]
        lines.append(
            f"| {query.name} | {described} | {count(result['matches'][query.name])} "
            f"({count(result['first_page'][query.name])}) | {cell(call, 'p50', limit, run['repeats'])} "
            f"| {cell(call, 'p95', limit, run['repeats'])} | {count(result['get_queries'][query.name])} "
            f"| {cell(page, 'p50', limit, run['get_repeats'])} | {cell(page, 'p95', limit, run['get_repeats'])} |"
        )
    lines.append("")
    load = run.get("load_average")
    said = [
        "Each call runs the FTS5 MATCH once per spelling (as typed, then folded) for the ids and BM25 scores of "
        "every match, one query for the matches the visitor may see with the filters applied, one GROUP BY per "
        "facet over those ids (passed to SQLite as one JSON parameter), and reads the media lists of the matches "
        "with a recording for the video / audio / transcript facet.",
        "The page loads its cards' entries, recordings and caption tracks once for the whole page, so its SQL "
        "queries do not grow with the number of cards.",
    ]
    if load:
        said.append(
            f"Load average (1 minute) at the end of the run: {load:.1f} on {run['cores']} cores "
            "(other work shared the machine), so the timings are upper bounds."
        )
    if archive["entries"] < ENTRIES:
        factor = ENTRIES / archive["generated"]
        said.append(
            f"Not measured at {ENTRIES:,} here: at this run's rates writing {ENTRIES:,} entries takes about "
            f"{archive['generate_seconds'] * factor / 60:.0f} minutes and `update_index` about "
            f"{result['index_seconds'] * factor / 60:.0f}; query times grow with the number of matches."
        )
    lines += findings_block(said)
    return "\n".join(lines)


def _setup_django() -> None:
    import django

    django.setup()
    # Wagtail logs every page it publishes (the demo tree), the search clients every request.
    for name in ("wagtail", "opensearch", "elastic_transport", "elasticsearch"):
        logging.getLogger(name).setLevel(logging.WARNING)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=ENTRIES, help="generated entries, half in each language")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="measured rounds of backend calls")
    parser.add_argument("--get-repeats", type=int, default=GET_REPEATS, help="measured rounds of whole search pages")
    parser.add_argument("--warmup", type=int, default=WARMUP, help="rounds run before measuring")
    parser.add_argument("--limit", type=float, default=CALL_LIMIT_SECONDS, help="seconds after which a call is stopped")
    parser.add_argument(
        "--budget", type=float, default=BUDGET_SECONDS, help="seconds of measuring per query and column"
    )
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated text")
    parser.add_argument(
        "--backends",
        nargs="+",
        choices=BACKENDS,
        help="measure only these (default all; the database section alone with `--backends database`); "
        "with --from-report, write only these",
    )
    parser.add_argument("--no-docs", action="store_true", help="print only, leave docs/benchmarks.md alone")
    parser.add_argument("--docs", type=Path, default=DOCS, help="the Markdown file whose sections are rewritten")
    parser.add_argument("--report", type=Path, help="also write the measurements to this JSON file")
    parser.add_argument(
        "--from-report",
        type=Path,
        action="append",
        help="write the sections from measurements saved with --report; measure nothing. Repeated, each "
        "backend's results come from the newest report that has them",
    )
    parser.add_argument("--role", choices=["generate", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--backend", choices=BACKENDS, help=argparse.SUPPRESS)
    parser.add_argument("--generated", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.role:
        _setup_django()
        if options.role == "generate":
            outcome = generate(options.entries, options.seed, options.result.parent)
        else:
            outcome = measure(options)
        options.result.write_text(json.dumps(outcome))
        return

    # SIGTERM unwinds like Ctrl-C, so the node is stopped and the temporary folder removed.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    if options.from_report:
        report = combine([json.loads(path.read_text()) for path in options.from_report], options.backends)
    else:
        options.backends = options.backends or list(BACKENDS)
        report = combine([run(options)])
    if options.report:
        options.report.write_text(json.dumps(report))
    sections = []
    try:
        if node_backends(report):
            sections.append((section(report), SECTION_TITLE))
        if "database" in report["results"]:
            sections.append((database_section(report), DATABASE_SECTION_TITLE))
    except Exception:
        # Keep the measurements of a long run when the report cannot be written.
        print(json.dumps(report), file=sys.stderr)
        raise
    for text, title in sections:
        publish(text, title, write_docs=not options.no_docs, path=options.docs)


if __name__ == "__main__":
    main()
