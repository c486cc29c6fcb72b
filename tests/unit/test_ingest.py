"""Loading, decoding, cleaning and metadata."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.corpus.load import decode_bytes, load_document, mend_split_words, parse_date, parse_text
from rag.errors import BadDocument
from tests.conftest import SEED_CORPUS

SEED = {p.name: p for p in SEED_CORPUS.iterdir()}

# file -> (title, date, author, source)
EXPECTED_META = {
    "orda-russian-propagandists-on-toqayev-visit-to-germany.txt": ("Russian Propagandists Speak about Toqayev's Visit to Germany", None, "Maksim Skopin", "Orda.kz"),
    "astana-is-staying-apart-russian-kazakh-disagreements.txt": ("Astana is staying apart: why Russian-Kazakhstani disagreements have escalated", "2022-06-20", "Ivan Zubov", None),
    "frontier-post-diplomatic-confusion.txt": ("Diplomatic confusion", None, "Alena Kazakova", "The Frontier Post"),
    "putin-and-tokayev-meet-speech-in-kazakh.txt": ("Meeting between Putin and Tokayev: Prime Minister begins speech in Kazakh", "2023-11-10", "Bettina Menzel", None),
    "politnavigator-putin-in-kazakhstan.txt": ("Putin in Kazakhstan: What Russian TV is silent about", "2023-11-10", "Ainur Kurmanov", "Politnavigator"),
}  # fmt: skip

BOILERPLATE = [
    "Posted 20 июня", "Published 20 июня", "Modified 24", "Updated 24", "Фото: Соцсети", "Views: 7785",
    "Subscribe to", "If you find an error", "Tags:", "Dear Readers", "Roskomnadzor", "Site Administration",
    "Placing links", "Mon Tues Wed", "6789101112", "2728293031", "Now the editors are aware", "Thank you!",
    "appeared first on", "coverphotocollage", "Home page politics", "From: Bettina", "Original Author",
    "took place when the Kazakh president gave...", "Author column, Zen",
]  # fmt: skip


def _doc(name: str):
    return load_document(SEED[name], name)


# sha256 of the five files of shared/corpus-seed/, as handed to the project (renamed, never edited).
SEED_SHA256 = {
    "8cb56813183e6082d3dcbeddcb241f5fea32b0cb13249a6a2f7751e434a652f7",
    "8810def5bf2b628e58e96dd74738f57d0420358dd7345a3349daa18240adac23",
    "c67ce30ea4547088cdd553483c56a73e34eb6be602d077ccbed4a8bb9bbeccba",
    "1b30d04f0990a9e58fca059d53a40a7d7f8bcd9ac3de191e8bde81f5686c720f",
    "6c231b7dc24d586618338db14354dc4008f6338e6b4acf7d122f1f6530a79341",
}


def test_seed_files_are_the_shared_originals():
    import hashlib

    ours = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SEED_CORPUS.iterdir()}
    assert ours == SEED_SHA256
    shared = Path(__file__).resolve().parents[3] / "shared" / "corpus-seed"
    if shared.is_dir():  # beside this checkout: the originals themselves
        assert {hashlib.sha256(p.read_bytes()).hexdigest() for p in shared.iterdir()} == SEED_SHA256


@pytest.mark.parametrize("name", sorted(EXPECTED_META))
def test_seed_metadata(name):
    doc = _doc(name)
    title, date, author, source = EXPECTED_META[name]
    assert (doc.title, doc.meta.get("date"), doc.meta.get("author"), doc.meta.get("source")) == (
        title,
        date,
        author,
        source,
    )


@pytest.mark.parametrize("name", sorted(EXPECTED_META))
def test_seed_boilerplate_is_gone(name):
    text = _doc(name).text
    for junk in BOILERPLATE:
        assert junk not in text, junk
    # The title is metadata now: it does not repeat in the body.
    title = EXPECTED_META[name][0]
    assert not any(line.strip() == title for line in text.split("\n")) or name.startswith("putin-and-tokayev")


@pytest.mark.parametrize("name", sorted(EXPECTED_META))
def test_seed_body_is_whole(name):
    """Every long line of the original article (a body paragraph) survives, word for word, words a
    hyphen breaks joined ("sta-tes" is "states")."""
    doc = _doc(name)
    raw = mend_split_words(SEED[name].read_text(encoding="utf-8"))
    body_lines = [re.sub(r"\s+", " ", line.replace("\u00a0", " ")).strip() for line in raw.split("\n")]
    body_lines = [
        line
        for line in body_lines
        if len(line) > 150
        and not line.startswith(
            ("Dear Readers", "Subscribe", "Prohibited", "The Site", "Before Vladimir Putin's visit")
        )
    ]
    assert len(body_lines) >= 5
    for line in body_lines:
        assert line in doc.text, line[:80]


def test_paragraphs_are_separated_by_blank_lines():
    doc = _doc("frontier-post-diplomatic-confusion.txt")
    paragraphs = doc.text.split("\n\n")
    assert paragraphs[0].startswith("In Kazakhstan, there are anti-Russian rallies")
    assert paragraphs[-1].startswith("Relations between the two countries")
    assert all(p.strip() == p and p for p in paragraphs)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("20 июня 2022, 14:01", "2022-06-20"), ("10.11.2023 09:23", "2023-11-10"), ("2023-11-10", "2023-11-10"),
     ("November 9, 2023", "2023-11-09"), ("9 Nov 2023", "2023-11-09"), ("no date here", None),
     ("2023/11/10", "2023-11-10"), ("2023-02-30", None), ("31.04.2022", None)],
)  # fmt: skip
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("cp1251", "Президент Токаев заявил о санкциях и торговле с Россией в этом году."),
     ("koi8_r", "Президент Токаев заявил о санкциях и торговле с Россией в этом году и о новых проектах."),
     ("latin-1", "Le président a déclaré à Genève que la coopération économique continuera."),
     # English with a few accents was read as a DOS or Baltic code page ("rķsumķ", "TokayevÆs").
     ("latin-1", "The résumé of the envoy, who studied in Zürich and worked for Nestlé, was published."),
     ("latin-1", "Café diplomacy\n\nThe naïve envoys met at the hotel café on Tuesday to discuss grain."),
     ("cp1252", "What Tokayev’s speech in Kazakh says – and what it doesn’t – about Russia… for 5 €."),
     ("cp1250", "Prezydent powiedział w Łodzi, że współpraca z Kazachstanem będzie kontynuowana."),
     ("utf-16", "Tokayev said: “Kazakhstan will comply” — 25 млрд."),
     # UTF-16 without a byte-order mark (some Windows tools save it so) was refused as binary.
     ("utf-16-le", "Tokayev said: “Kazakhstan will comply” — 25 млрд."),
     ("utf-16-be", "Tokayev said: “Kazakhstan will comply” — 25 млрд."),
     ("utf-16-le", "Президент Токаев заявил о санкциях и торговле с Россией в этом году."),
     ("utf-8-sig", "Plain text with a BOM.")],
)  # fmt: skip
def test_decode_non_utf8(encoding, text):
    assert decode_bytes(text.encode(encoding)) == text


def test_binary_and_empty_files_are_refused(tmp_path):
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    with pytest.raises(BadDocument, match="binary"):
        load_document(png, "photo.txt")
    # Zero bytes on one side of each pair (16-bit samples near silence) are still not text.
    pcm = tmp_path / "pcm.txt"
    pcm.write_bytes(b"".join(int(v).to_bytes(2, "little", signed=True) for v in range(-300, 300, 3)) * 10)
    with pytest.raises(BadDocument, match="binary"):
        load_document(pcm, "pcm.txt")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \n\n ")
    with pytest.raises(BadDocument, match="empty"):
        load_document(empty, "empty.txt")


def test_html_scripts_and_navigation_are_dropped(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Site | Story</title><meta property='og:site_name' content='The Daily'>"
        "<meta name='author' content='Jane Roe'><script>var tracking = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        "<article><h1>Grain deal extended</h1><p>The two governments agreed on Monday to extend the grain deal by a year.</p>"
        "<p>Exports rose <b>12 percent</b> last season, officials said.</p><script>alert('x')</script></article>"
        "<footer>All rights reserved</footer></body></html>"
    )
    doc = load_document(page, "page.html")
    assert doc.title == "Grain deal extended"
    assert doc.meta == {"author": "Jane Roe", "source": "The Daily"}
    assert doc.text == ("The two governments agreed on Monday to extend the grain deal by a year.\n\n"
                        "Exports rose 12 percent last season, officials said.")  # fmt: skip


def test_front_matter_overrides_metadata(tmp_path):
    md = tmp_path / "note.md"
    md.write_text("---\ntitle: The Real Title\nauthor: A. Writer\ndate: 2024-03-05\noutlet: Wire\n---\n"
                  "# Heading\n\nThe [council](http://x) met on **Tuesday** and approved the *joint* budget_plan for next year.\n")  # fmt: skip
    doc = load_document(md, "note.md")
    assert (doc.title, doc.meta) == ("The Real Title", {"date": "2024-03-05", "author": "A. Writer", "source": "Wire"})
    assert doc.text.endswith("The council met on Tuesday and approved the joint budget_plan for next year.")


@pytest.mark.parametrize(
    ("front", "title", "meta"),
    [
        ("title: Chess\ndate: 2023-02-30\n", "Chess", {}),  # no such day: no date, no crash
        ('title: S5\ndate: "2023/11/10"\nauthor: [Anna Ivanova, Boris Petrov]\n', "S5",
         {"date": "2023-11-10", "author": "Anna Ivanova, Boris Petrov"}),
        ("title: Rail\ndate: yesterday\n", "Rail", {}),  # dates are yyyy-mm-dd or none
        ("title: [unclosed\nauthor: x\n", "Astana hosted a chess tournament", {}),  # broken YAML: dropped
    ],
)  # fmt: skip
def test_front_matter_that_is_odd_is_read_or_dropped_not_fatal(tmp_path, front, title, meta):
    md = tmp_path / "odd.md"
    md.write_text(
        f"---\n{front}---\nAstana hosted a chess tournament\n\nThe tournament drew players from twelve countries this year.\n"
    )
    doc = load_document(md, "odd.md")
    assert (doc.title, doc.meta) == (title, meta)
    assert "---" not in doc.text and doc.text.endswith("players from twelve countries this year.")


def test_rules_around_a_title_are_not_front_matter(tmp_path):
    page = tmp_path / "ruled.txt"
    page.write_text(
        "-----\nGrain deal extended\n-----\nThe two governments agreed on Monday to extend the grain deal.\n"
    )
    doc = load_document(page, "ruled.txt")
    assert doc.title == "Grain deal extended" and doc.text.endswith("extend the grain deal.")


def test_general_rules_not_file_rules():
    """The same furniture in a made-up page is removed the same way."""
    raw = ("Markets rally\n\nMarkets rally\n\nUpdated March 3, 2024\n\nShare\n\nBy John Smith\n\n"
           "Stocks rose sharply on Friday after the central bank held rates steady, traders said.\n\n"
           "Subscribe to Example News on Telegram\n\nAnalysts expect more gains next week as earnings arrive.\n\n"
           "Markets rally\n\nTags: markets, stocks\n\nMon Tue Wed Thu Fri Sat Sun\n\n1234567")  # fmt: skip
    out = parse_text(raw)
    assert out["title"] == "Markets rally"
    assert out["author"] == "John Smith"
    assert out["date"] == "2024-03-03"
    assert out["text"] == ("Stocks rose sharply on Friday after the central bank held rates steady, traders said.\n\n"
                           "Analysts expect more gains next week as earnings arrive.")  # fmt: skip


def test_a_sentence_starting_with_a_stamp_word_is_body():
    raw = ("Modified 24 декабря 2022, 22:37\n\nUpdated: 10:15\n\n"
           "Modified proteins were found in 12 of 40 samples, and updated 2023 guidelines followed.\n\n"
           "Published results from 2019 agree with the new trial.")  # fmt: skip
    out = parse_text(raw)
    assert out["text"] == ("Modified proteins were found in 12 of 40 samples, and updated 2023 guidelines followed.\n\n"
                           "Published results from 2019 agree with the new trial.")  # fmt: skip
    assert out["date"] == "2022-12-24"


def test_sha256_helpers_match_known_digests():
    from rag.records import sha256_bytes, sha256_text

    empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # sha256 of b""
    assert sha256_bytes(b"") == sha256_text("") == empty
    assert sha256_text("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    assert sha256_text("é") == sha256_bytes(b"\xc3\xa9")  # UTF-8, not Latin-1
