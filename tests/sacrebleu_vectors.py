"""sacrebleu's and Hugging Face evaluate's own published test vectors, copied with their source, for tmkit to reproduce."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Copied by hand, values unchanged, from:
#   SB  = sacrebleu 2.6.0 source distribution (`pip download --no-binary :all: sacrebleu==2.6.0`),
#         folder test/: test_bleu.py, test_sentence_bleu.py, test_chrf.py, test_ter.py,
#         test_tokenizer_ter.py. Each test's tolerance (its EPSILON) is kept.
#   HF  = huggingface/evaluate at commit a7dd338 (2026-04-08): the examples of the metric cards
#         metrics/sacrebleu/sacrebleu.py, metrics/chrf/chrf.py, metrics/ter/ter.py (their README.md
#         files repeat the same examples). evaluate takes references per prediction; they are
#         turned here into sacrebleu's reference streams, as evaluate itself does before scoring.
# Options use tmkit's names (`MetricOptions` fields and `tokenize`); sacrebleu's name is in the comment
# where it differs. Expected values are sacrebleu's scale (0-100) unless `scale` says otherwise.


@dataclass(frozen=True)
class Vector:
    """One published expectation: inputs, options, the expected score and how it was compared there."""

    id: str
    source: str
    metric: str
    hypotheses: list[str]
    #: sacrebleu's reference streams: one list per reference, as long as the hypotheses.
    references: list[list[str]]
    expected: float
    #: `abs`: |score - expected| < tolerance; `round2`: f"{score:.2f}" == expected (sacrebleu's
    #: max-order test); `round1`: round(score, 1) == expected (evaluate's examples).
    compare: str = "abs"
    #: The test's EPSILON, on the 0-100 scale.
    tolerance: float = 0.0
    options: dict[str, Any] = field(default_factory=dict)
    tokenize: str | None = None
    #: `corpus` (corpus_score) or `segment` (sentence_score, one hypothesis).
    level: str = "corpus"
    #: The source's values are on a 0-1 scale: multiply by this to compare with a 0-100 score.
    scale: float = 1.0


# -- SB test/test_bleu.py --------------------------------------------------------------------

# raw_corpus_bleu(hyps, refs, smooth_value) is corpus_bleu with smooth_method="floor", tokenize="none",
# use_effective_order=True (and force=True, which only silences a warning); expected on a 0-1 scale,
# EPSILON = 1e-8 on that scale, so 1e-6 on the 0-100 scale of `tolerance` (always 0-100 here).
_RAW = {"smooth_method": "floor", "smooth_value": 0.01, "effective_order": True}
_SB_BLEU = "SB test/test_bleu.py"

_REFS = [
    ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
    ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
]
_HYPS = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."]

BLEU_VECTORS = [
    # test_raw_bleu_cases
    Vector(
        "raw-bleu-1",
        f"{_SB_BLEU} test_raw_bleu_cases[0]",
        "bleu",
        ["this is a test", "another test"],
        [["ref1", "ref2"]],
        0.0,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    Vector(
        "raw-bleu-2",
        f"{_SB_BLEU} test_raw_bleu_cases[1]",
        "bleu",
        ["this is a test"],
        [["this is a test"]],
        1.0,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    Vector(
        "raw-bleu-3",
        f"{_SB_BLEU} test_raw_bleu_cases[2]",
        "bleu",
        ["this is a fest"],
        [["this is a test"]],
        0.223606797749979,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    # test_corpus_bleu_cases (corpus_bleu: defaults, tokenize 13a), EPSILON 1e-8 on 0-100
    Vector(
        "corpus-bleu-default", f"{_SB_BLEU} test_corpus_bleu_cases[0]", "bleu", _HYPS, _REFS, 48.530827, tolerance=1e-8
    ),
    Vector(
        "corpus-bleu-empty-hyps",
        f"{_SB_BLEU} test_corpus_bleu_cases[1]",
        "bleu",
        ["", "", ""],
        _REFS,
        0.0,
        tolerance=1e-8,
    ),
    Vector(
        "corpus-bleu-tok-none",
        f"{_SB_BLEU} test_corpus_bleu_cases[2]",
        "bleu",
        _HYPS,
        _REFS,
        49.1919566,
        tolerance=1e-8,
        tokenize="none",
    ),
    Vector(
        "corpus-bleu-tok-13a",
        f"{_SB_BLEU} test_corpus_bleu_cases[3]",
        "bleu",
        _HYPS,
        _REFS,
        48.530827,
        tolerance=1e-8,
        tokenize="13a",
    ),
    Vector(
        "corpus-bleu-tok-intl",
        f"{_SB_BLEU} test_corpus_bleu_cases[4]",
        "bleu",
        _HYPS,
        _REFS,
        43.91623493,
        tolerance=1e-8,
        tokenize="intl",
    ),
    Vector(
        "corpus-bleu-smooth-none",
        f"{_SB_BLEU} test_corpus_bleu_cases[5]",
        "bleu",
        _HYPS,
        _REFS,
        48.530827,
        tolerance=1e-8,
        options={"smooth_method": "none"},
    ),
    # test_case_effective_order (raw_corpus_bleu with 0.01)
    Vector(
        "effective-order-1",
        f"{_SB_BLEU} test_case_effective_order[0]",
        "bleu",
        ["test"],
        [["a test"]],
        0.3678794411714425,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    Vector(
        "effective-order-2",
        f"{_SB_BLEU} test_case_effective_order[1]",
        "bleu",
        ["a test"],
        [["a test"]],
        1.0,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    Vector(
        "effective-order-3",
        f"{_SB_BLEU} test_case_effective_order[2]",
        "bleu",
        ["a little test"],
        [["a test"]],
        0.03218297948685433,
        tolerance=1e-6,
        options=_RAW,
        tokenize="none",
        scale=100,
    ),
    # test_case_offset: raw_corpus_bleu with smooth_value 0.0 gives 0; with None (floor's default 0.1)
    # and with the default argument (0.1) 0.1555722182.
    Vector(
        "offset-0",
        f"{_SB_BLEU} test_case_offset (smooth_value 0.0)",
        "bleu",
        ["am I am a character sequence"],
        [["I am a symbol string sequence a a"]],
        0.0,
        tolerance=1e-6,
        options={**_RAW, "smooth_value": 0.0},
        tokenize="none",
        scale=100,
    ),
    Vector(
        "offset-default",
        f"{_SB_BLEU} test_case_offset (smooth_value None)",
        "bleu",
        ["am I am a character sequence"],
        [["I am a symbol string sequence a a"]],
        0.1555722182,
        tolerance=1e-6,
        options={**_RAW, "smooth_value": None},
        tokenize="none",
        scale=100,
    ),
    Vector(
        "offset-0.1",
        f"{_SB_BLEU} test_case_offset (smooth_value 0.1, raw_corpus_bleu's default)",
        "bleu",
        ["am I am a character sequence"],
        [["I am a symbol string sequence a a"]],
        0.1555722182,
        tolerance=1e-6,
        options={**_RAW, "smooth_value": 0.1},
        tokenize="none",
        scale=100,
    ),
    # test_bleu_max_order: BLEU(max_ngram_order=order), compared as f"{score:.2f}"
    *(
        Vector(
            f"max-ngram-order-{order}",
            f"{_SB_BLEU} test_bleu_max_order[{order - 1}]",
            "bleu",
            _HYPS,
            _REFS,
            expected,
            compare="round2",
            options={"max_ngram_order": order},
        )
        for order, expected in ((1, 77.65), (2, 60.50), (3, 53.93), (4, 48.53), (5, 46.14), (6, 43.28))
    ),
]

#: test_case_statistics: raw_corpus_bleu's counts and totals (compared here through the n-gram
#: precisions and lengths tmkit reports, which they determine).
BLEU_STATISTICS: dict[str, Any] = {
    "source": f"{_SB_BLEU} test_case_statistics[0]",
    "hypotheses": ["am I am a character sequence"],
    "references": [["I am a symbol string sequence a a"]],
    "options": _RAW,
    "tokenize": "none",
    "counts": [4, 2, 1, 0],
    "totals": [6, 5, 4, 3],
}

# -- SB test/test_sentence_bleu.py -------------------------------------------------------------

# BLEU(..., effective_order=True).sentence_score(SYS, [REF]) (and compat.sentence_bleu, same values),
# EPSILON = 1e-3. Tuples: smooth_method, smooth_value, lowercase, tokenize, expected.
_SB_SENT = "SB test/test_sentence_bleu.py"
_REF_98 = "producţia de zahăr brut se exprimă în zahăr alb;"
_SYS_98 = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;"
_SENTENCE_CASES: list[tuple[str, float | None, bool, str, float]] = [
    ("exp", None, False, "13a", 8.493),
    ("none", None, False, "13a", 0.0),
    ("floor", None, False, "13a", 4.51688),
    ("floor", 0.1, False, "13a", 4.51688),
    ("floor", 0.5, False, "13a", 10.10),
    ("add-k", None, False, "13a", 14.882),
    ("add-k", 1, False, "13a", 14.882),
    ("add-k", 2, False, "13a", 21.389),
    ("exp", None, False, "none", 7.347),
    ("exp", None, False, "intl", 8.493),
    ("exp", None, False, "char", 40.8759),
    ("exp", None, True, "char", 42.0267),
]
_ZERO_CASES: list[tuple[str, float | None, bool, str, float]] = [
    ("exp", None, False, "13a", 0.0),
    ("none", None, False, "13a", 0.0),
    ("floor", None, False, "13a", 0.0),
    ("floor", 0.1, False, "13a", 0.0),
    ("add-k", None, False, "13a", 0.0),
    ("add-k", 1, False, "13a", 0.0),
]


def _sentence_vector(
    name: str, index: int, case: tuple[str, float | None, bool, str, float], hyp: str, ref: str
) -> Vector:
    method, value, lowercase, tokenize, expected = case
    options = {"smooth_method": method, "smooth_value": value, "lowercase": lowercase, "effective_order": True}
    return Vector(
        f"{name}-{index}",
        f"{_SB_SENT} {name}[{index}]",
        "bleu",
        [hyp],
        [[ref]],
        expected,
        tolerance=1e-3,
        options=options,
        tokenize=tokenize,
        level="segment",
    )


SENTENCE_BLEU_VECTORS = [
    *(_sentence_vector("test_cases", i, case, _SYS_98, _REF_98) for i, case in enumerate(_SENTENCE_CASES)),
    *(
        _sentence_vector("test_cases_zero_bleu", i, case, "this is a cat", "okay thanks")
        for i, case in enumerate(_ZERO_CASES)
    ),
]

# -- SB test/test_chrf.py --------------------------------------------------------------------

_SB_CHRF = "SB test/test_chrf.py"
# EPSILON = 1e-4 throughout.
_SENTENCE_CHRF = [
    (
        "Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
        ["Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře."],
        39.14078509,
    ),
    (
        "Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
        ["A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři."],
        31.22557079,
    ),
    (
        "Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
        ["Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli."],
        57.15704367,
    ),
]
# corpus_chrf(hyps, [refs], char_order=6, word_order=0, beta=3, eps_smoothing=True)
_CHRF_EPS = [
    (["abcdefg"], ["hijklmnop"], 0.0),
    (["a"], ["b"], 0.0),
    ([""], ["b"], 0.0),
    ([""], ["ref"], 0.0),
    ([""], ["reference"], 0.0),
    (["aa"], ["ab"], 8.3333),
    (["a", "b"], ["a", "c"], 8.3333),
    (["a"], ["a"], 16.6667),
    (["a b c"], ["a b c"], 50.0),
    (["a b c"], ["abc"], 50.0),
    (
        [
            " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."
        ],
        [
            "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."
        ],
        63.361730,
    ),
    (
        [" Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. "],
        ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
        64.1302698,
    ),
    (["Niemand hat die Absicht, eine Mauer zu errichten"], ["Niemand hat die Absicht, eine Mauer zu errichten"], 100.0),
]
# the same with eps_smoothing=False (sacreBLEU < 2.0.0's effective order)
_CHRF_EFF = [
    (["a"], ["a"], 100.0),
    ([""], ["reference"], 0.0),
    (["a b c"], ["a b c"], 100.0),
    (["a b c"], ["abc"], 100.0),
    ([""], ["c"], 0.0),
    (["a", "b"], ["a", "c"], 50.0),
    (["aa"], ["ab"], 25.0),
]
# corpus_chrf(..., beta=3, remove_whitespace=False), i.e. CHRF(whitespace=True)
_CHRF_WHITESPACE = [
    (
        ["Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich."],
        ["Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich."],
        67.3481606,
    ),
    (
        [
            "risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ."
        ],
        [
            "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ."
        ],
        65.2414427,
    ),
]
_BETA3 = {"chrf_char_order": 6, "chrf_word_order": 0, "chrf_beta": 3}

CHRF_VECTORS = [
    *(
        Vector(
            f"chrf-sentence-{i}",
            f"{_SB_CHRF} test_sentence_level_chrf[{i}]",
            "chrf",
            [hyp],
            [refs],
            expected,
            tolerance=1e-4,
            options={"chrf_eps_smoothing": True},
            level="segment",
        )
        for i, (hyp, refs, expected) in enumerate(_SENTENCE_CHRF)
    ),
    *(
        Vector(
            f"chrf-eps-{i}",
            f"{_SB_CHRF} test_cases[{i}]",
            "chrf",
            hyps,
            [refs],
            expected,
            tolerance=1e-4,
            options={**_BETA3, "chrf_eps_smoothing": True},
        )
        for i, (hyps, refs, expected) in enumerate(_CHRF_EPS)
    ),
    *(
        Vector(
            f"chrf-effective-{i}",
            f"{_SB_CHRF} test_cases_effective_order[{i}]",
            "chrf",
            hyps,
            [refs],
            expected,
            tolerance=1e-4,
            options={**_BETA3, "chrf_eps_smoothing": False},
        )
        for i, (hyps, refs, expected) in enumerate(_CHRF_EFF)
    ),
    *(
        Vector(
            f"chrf-whitespace-{i}",
            f"{_SB_CHRF} test_cases_keep_whitespace[{i}]",
            "chrf",
            hyps,
            [refs],
            expected,
            tolerance=1e-4,
            options={**_BETA3, "chrf_whitespace": True},
        )
        for i, (hyps, refs, expected) in enumerate(_CHRF_WHITESPACE)
    ),
]

# -- SB test/test_ter.py ---------------------------------------------------------------------

# TER().corpus_score(hyps, [refs]); expected on a 0-1 scale, EPSILON = 1e-3 on 0-100.
_SB_TER = "SB test/test_ter.py"
_TER_CASES: list[tuple[list[str], list[str], float]] = [
    (["aaaa bbbb cccc dddd"], ["aaaa bbbb cccc dddd"], 0),
    (["dddd eeee ffff"], ["aaaa bbbb cccc"], 1),
    ([""], ["a"], 1),
    (["a"], [""], 1),
    ([""], [""], 0),
    (["d e f g h a b c"], ["a b c d e f g h"], 1 / 8),
    (
        [
            'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit das Bild ungefähr dieselbe Größe aufweist wie die andere Größe .',
            'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
            'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie Werte für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " ein .',
            "Sie können beispielsweise ein Dokument erstellen , das ein Auto über die Bühne enthält .",
            'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
        ],
        [
            'wählen Sie " Bild neu berechnen , " um beim Ändern der Bildgröße Pixel hinzuzufügen oder zu entfernen , damit die Darstellung des Bildes in einer anderen Größe beibehalten wird .',
            'wenn Sie alle Aufgaben im aktuellen Dokument aktualisieren möchten , wählen Sie im Menü des Aufgabenbedienfelds die Option " Alle Aufgaben aktualisieren . "',
            'klicken Sie auf der Registerkarte " Optionen " auf die Schaltfläche " Benutzerdefiniert " und geben Sie für " Fehlerkorrektur-Level " und " Y / X-Verhältnis " niedrigere Werte ein .',
            "Sie können beispielsweise ein Dokument erstellen , das ein Auto enthalt , das sich über die Bühne bewegt .",
            'wählen Sie im Dialogfeld " Neu aus Vorlage " eine Vorlage aus und klicken Sie auf " Neu . "',
        ],
        0.136,
    ),
]
TER_VECTORS = [
    Vector(f"ter-{i}", f"{_SB_TER} test_cases[{i}]", "ter", hyps, [refs], expected, tolerance=1e-3, scale=100)
    for i, (hyps, refs, expected) in enumerate(_TER_CASES)
]

# -- SB test/test_tokenizer_ter.py -----------------------------------------------------------

# TercomTokenizer(**options)(input) == expected. tmkit does not expose tokenizers; through its TER,
# the tokenization of `input` equals `expected` (a fixed point of the same tokenizer) exactly when
# TER(input, expected) with those options is 0.
_SB_TER_TOK = "SB test/test_tokenizer_ter.py"
TER_TOKENIZER_VECTORS: list[tuple[str, dict[str, Any], str, str]] = [
    (f"{_SB_TER_TOK} test_cases_default[0]", {}, "a b c d", "a b c d"),
    (f"{_SB_TER_TOK} test_cases_default[1]", {}, "", ""),
    (f"{_SB_TER_TOK} test_cases_default[2]", {}, "a b c d.", "a b c d."),
    (f"{_SB_TER_TOK} test_cases_default[3]", {}, "A B C D.", "a b c d."),
    (f"{_SB_TER_TOK} test_cases_no_punct[0]", {"ter_no_punct": True}, "a b c d.", "a b c d"),
    (f"{_SB_TER_TOK} test_cases_no_punct[1]", {"ter_no_punct": True}, "A ; B ) C : D.", "a b c d"),
    (f"{_SB_TER_TOK} test_cases_norm[0]", {"ter_normalized": True}, "a b (c) d.", "a b ( c ) d ."),
    (f"{_SB_TER_TOK} test_cases_norm[1]", {"ter_normalized": True}, "Jim's car.", "jim 's car ."),
    (f"{_SB_TER_TOK} test_cases_norm[2]", {"ter_normalized": True}, "4.2", "4.2"),
    (
        f"{_SB_TER_TOK} test_cases_asian[0]",
        {"ter_normalized": True, "ter_asian_support": True},
        "美众院公布对特",
        "美 众 院 公 布 对 特",
    ),
    (
        f"{_SB_TER_TOK} test_cases_asian[1]",
        {"ter_normalized": True, "ter_asian_support": True},
        "りの拳銃を持",
        "りの 拳 銃 を 持",
    ),
]

# -- HF metric cards -------------------------------------------------------------------------

_HF = "HF evaluate a7dd338"
_KENOBI = ["hello there general kenobi", "foo bar foobar"]
_KENOBI_REFS = [["hello there general kenobi", "foo bar foobar"], ["hello there !", "foo bar foobar"]]
_ANKH = ["hello there general kenobi", "on our way to ankh morpork"]
_ANKH_REFS = [["hello there general kenobi", "goodbye ankh morpork"], ["hello there !", "ankh morpork"]]
_CATS = [
    "The relationship between cats and dogs is not exactly friendly.",
    "a good bookshop is just a genteel black hole that knows how to read.",
]
_CATS_REFS = [
    [
        "The relationship between dogs and cats is not exactly friendly.",
        "A good bookshop is just a genteel Black Hole that knows how to read.",
    ]
]
_TER_HYPS = [
    "does this sentence match??",
    "what about this sentence?",
    "What did the TER metric user say to the developer?",
]
# evaluate's references per prediction, as streams: [first refs], [second refs]
_TER_REFS3 = [
    ["does this sentence match", "wHaT aBoUt ThIs SeNtEnCe?", "Your jokes are..."],
    ["does this sentence match!?!", "wHaT aBoUt ThIs SeNtEnCe?", "...TERrible"],
]
_TER_REFS2 = [stream[:2] for stream in _TER_REFS3]

HF_VECTORS = [
    Vector(
        "hf-sacrebleu-1",
        f"{_HF} metrics/sacrebleu/sacrebleu.py Example 1",
        "bleu",
        _KENOBI,
        _KENOBI_REFS,
        100.0,
        compare="round1",
    ),
    Vector(
        "hf-sacrebleu-2",
        f"{_HF} metrics/sacrebleu/sacrebleu.py Example 2",
        "bleu",
        _ANKH,
        _ANKH_REFS,
        39.8,
        compare="round1",
    ),
    Vector(
        "hf-chrf-1",
        f"{_HF} metrics/chrf/chrf.py Example 1",
        "chrf",
        _CATS,
        _CATS_REFS,
        84.64214891738334,
        tolerance=1e-9,
    ),
    Vector(
        "hf-chrf-2",
        f"{_HF} metrics/chrf/chrf.py Example 2 (word_order=2)",
        "chrf",
        _CATS,
        _CATS_REFS,
        82.87263732906315,
        tolerance=1e-9,
        options={"chrf_word_order": 2},
    ),
    Vector(
        "hf-chrf-3",
        f"{_HF} metrics/chrf/chrf.py Example 3 (word_order=2, lowercase)",
        "chrf",
        _CATS,
        _CATS_REFS,
        92.12853119829202,
        tolerance=1e-9,
        options={"chrf_word_order": 2, "chrf_lowercase": True},
    ),
    # ignore_punct is sacrebleu's no_punct; support_zh_ja_chars its asian_support
    Vector(
        "hf-ter-1",
        f"{_HF} metrics/ter/ter.py Example 1",
        "ter",
        _TER_HYPS,
        _TER_REFS3,
        150.0,
        tolerance=1e-9,
        options={"ter_case_sensitive": True},
    ),
    Vector(
        "hf-ter-2",
        f"{_HF} metrics/ter/ter.py Example 2",
        "ter",
        _TER_HYPS[:2],
        _TER_REFS2,
        62.5,
        tolerance=1e-9,
        options={"ter_case_sensitive": True},
    ),
    Vector(
        "hf-ter-3",
        f"{_HF} metrics/ter/ter.py Example 3",
        "ter",
        _TER_HYPS[:2],
        _TER_REFS2,
        57.14285714285714,
        tolerance=1e-9,
        options={"ter_normalized": True, "ter_case_sensitive": True},
    ),
    Vector(
        "hf-ter-4",
        f"{_HF} metrics/ter/ter.py Example 4",
        "ter",
        _TER_HYPS[:2],
        _TER_REFS2,
        0.0,
        tolerance=1e-9,
        options={"ter_no_punct": True, "ter_case_sensitive": False},
    ),
    Vector(
        "hf-ter-5",
        f"{_HF} metrics/ter/ter.py Example 5",
        "ter",
        _TER_HYPS,
        _TER_REFS3,
        100.0,
        tolerance=1e-9,
        options={"ter_no_punct": True, "ter_case_sensitive": False},
    ),
]

#: Every score vector tmkit reproduces.
SCORE_VECTORS = BLEU_VECTORS + SENTENCE_BLEU_VECTORS + CHRF_VECTORS + TER_VECTORS + HF_VECTORS

#: Published vectors that take no text, so no scorer of text can reproduce them: they call
#: BLEU.compute_bleu on hand-written n-gram statistics, some of which no text can produce (6 unigrams
#: counted for a 5-word hypothesis). Listed so the count in the report is honest.
NOT_REPRODUCIBLE = [
    (f"{_SB_BLEU} test_case_scoring[0]", "BLEU.compute_bleu on statistics ([9,7,5,3]/[10,8,6,4], lengths 11, 11)"),
    *(
        (f"{_SB_BLEU} test_case_degenerate_stats[{i}]", "BLEU.compute_bleu on statistics, smooth_method floor")
        for i in range(6)
    ),
]
