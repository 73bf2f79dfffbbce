"""LimeSurvey survey structures: the .lss XML export (parsed with defusedxml, never the standard
library's parser) and the tab-separated survey export (.txt), read into one definition.

Both give the same questions: type, code (`title`), texts per language, subquestions and answer
options with their assessment values. The columns are those of a response export with
"question code" headings: `Q1`, `Q1[SQ001]`, `Q1[other]`, `Q1[SQ001comment]`.
"""

from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _

from livinglab.core.tabular import FileRejected, Limits, read_table
from livinglab.evaluation.measurement.definitions import (
    CHOICE,
    NUMBER,
    OTHER,
    TEXT,
    TICKED,
    DefinitionError,
    numeric,
)

LIST_TYPES = set("L!O5YG")  # one answer from a list
ARRAY_TYPES = set("FABCEH")  # one answer from a list per subquestion
YES, NO = {"fr": "Oui", "en": "Yes"}, {"fr": "Non", "en": "No"}
FIXED_ANSWERS = {  # answer lists LimeSurvey does not store: (code, labels, value)
    "Y": [("Y", YES, 1.0), ("N", NO, 0.0)],
    "G": [("F", {"fr": "Femme", "en": "Female"}, None), ("M", {"fr": "Homme", "en": "Male"}, None)],
    "5": [(str(i), {}, float(i)) for i in range(1, 6)],
    "A": [(str(i), {}, float(i)) for i in range(1, 6)],
    "B": [(str(i), {}, float(i)) for i in range(1, 11)],
    "C": [("Y", YES, 1.0), ("N", NO, 0.0), ("U", {"fr": "Incertain", "en": "Uncertain"}, None)],
    "E": [
        ("I", {"fr": "Augmente", "en": "Increase"}, None),
        ("S", {"fr": "Identique", "en": "Same"}, None),
        ("D", {"fr": "Diminue", "en": "Decrease"}, None),
    ],
}


def read_lss(data: bytes) -> dict:
    """A LimeSurvey 3 to 6 survey structure (.lss)."""
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as error:
        raise DefinitionError(
            _("Structure LimeSurvey (.lss) illisible : %(error)s") % {"error": error}
        ) from error
    if (root.findtext("LimeSurveyDocType") or "").strip() != "Survey":
        raise DefinitionError(_("Ce fichier n'est pas une structure d'enquête LimeSurvey (.lss)."))
    languages = [(node.text or "").strip() for node in root.iterfind("languages/language")]
    base = languages[0] if languages else "fr"

    def rows(table: str) -> list[dict]:
        return [
            {child.tag: (child.text or "") for child in row}
            for row in root.iterfind(f"{table}/rows/row")
        ]

    group_order = {
        row.get("gid"): int(numeric(row.get("group_order")) or 0) for row in rows("groups")
    }
    questions: dict[str, dict] = {}
    items: dict[str, dict] = {}  # qid → question or subquestion, for the l10n tables
    for row in rows("questions"):
        question = questions.setdefault(row["qid"], _question(row, group_order))
        items[row["qid"]] = question
        _label(question, row, "question", base)
    for row in rows("subquestions"):
        parent = questions.get(row.get("parent_qid"))
        if parent is None:
            continue
        key = (row.get("title", ""), row.get("scale_id") or "0")
        sub = parent["subs"].setdefault(
            key,
            {
                "title": key[0],
                "scale": key[1],
                "labels": {},
                "order": numeric(row.get("question_order")) or 0,
            },
        )
        items[row["qid"]] = sub
        _label(sub, row, "question", base)
    for row in rows("question_l10ns"):
        if row.get("qid") in items:
            _label(items[row["qid"]], row, "question", base)
    answers_by_id: dict[str, dict] = {}
    for row in rows("answers"):
        question = questions.get(row.get("qid"))
        if question is None:
            continue
        answer = _answer(
            question,
            row.get("code", ""),
            row.get("scale_id") or "0",
            row.get("sortorder"),
            row.get("assessment_value"),
        )
        answers_by_id[row.get("aid", "")] = answer
        _label(answer, row, "answer", base)
    for row in rows("answer_l10ns"):
        if row.get("aid") in answers_by_id:
            _label(answers_by_id[row["aid"]], row, "answer", base)
    title = root.findtext("surveys_languagesettings/rows/row/surveyls_title") or ""
    ordered = sorted(questions.values(), key=lambda q: (q["group"], q["order"]))
    return build(ordered, languages=languages, title=title.strip())


def read_tsv(data: bytes, *, filename: str, limits: Limits) -> dict:
    """LimeSurvey's tab-separated survey structure (.txt), read by core.tabular's CSV reader."""
    try:
        table = read_table(data, filename=filename, limits=limits)
    except FileRejected as error:
        raise DefinitionError(str(error)) from error
    if not {"class", "type/scale", "name", "text"} <= set(table.header):
        raise DefinitionError(
            _(
                "Ce fichier n'est pas une structure LimeSurvey en texte tabulé (colonnes class, "
                "type/scale, name, text attendues)."
            )
        )
    records = [
        dict(zip(table.header, (str(c or "") for c in row), strict=False)) for row in table.rows
    ]
    languages, title = [], ""
    questions: dict[str, dict] = {}
    current = None
    for order, record in enumerate(records):
        kind, language = record["class"].strip(), record.get("language", "").strip()
        if language and language not in languages:
            languages.append(language)
        if kind == "SL" and record["name"] == "surveyls_title" and not title:
            title = record["text"]
        elif kind == "Q":
            current = questions.setdefault(
                record["name"],
                {
                    "type": record["type/scale"].strip(),
                    "title": record["name"].strip(),
                    "other": record.get("other", "N"),
                    "labels": {},
                    "subs": {},
                    "answers": {},
                    "group": 0,
                    "order": order,
                },
            )
            current["labels"][language or "fr"] = record["text"]
        elif kind == "SQ" and current is not None:
            key = (record["name"].strip(), record["type/scale"].strip() or "0")
            sub = current["subs"].setdefault(
                key, {"title": key[0], "scale": key[1], "labels": {}, "order": order}
            )
            sub["labels"][language or "fr"] = record["text"]
        elif kind == "A" and current is not None:
            answer = _answer(
                current,
                record["name"].strip(),
                record["type/scale"].strip() or "0",
                order,
                record.get("assessment_value"),
            )
            answer["labels"][language or "fr"] = record["text"]
    return build(list(questions.values()), languages=languages, title=title)


def _question(row: dict, group_order: dict) -> dict:
    return {
        "type": row.get("type", "").strip(),
        "title": row.get("title", "").strip(),
        "other": row.get("other", "N"),
        "labels": {},
        "subs": {},
        "answers": {},
        "group": group_order.get(row.get("gid"), 0),
        "order": numeric(row.get("question_order")) or 0,
    }


def _label(item: dict, row: dict, field: str, base: str) -> None:
    if field in row:
        item["labels"][row.get("language") or base] = row[field]


def _answer(question: dict, code: str, scale: str, sortorder, assessment) -> dict:
    return question["answers"].setdefault(
        (code, scale),
        {
            "name": code,
            "labels": {},
            "sort": numeric(sortorder) or 0,
            "assessment": numeric(assessment),
        },
    )


def build(questions: list[dict], *, languages: list[str], title: str) -> dict:
    """Columns of a response export, and the answer lists with their drafted values."""
    columns: list[dict] = []
    lists: dict[str, list[dict]] = {}
    for question in questions:
        qtype, name, labels = question["type"], question["title"], question["labels"]
        subs = sorted(question["subs"].values(), key=lambda sub: (sub["scale"], sub["order"]))

        def add(column: str, kind: str, column_labels: dict, choices=None, _q=question) -> None:
            columns.append(
                {
                    "name": column,
                    "path": column,
                    "kind": kind,
                    "type": _q["type"],
                    "labels": column_labels,
                    "choices": choices,
                    "question": _q["title"],
                    "repeat": "",
                    "bounds": [None, None],
                }
            )

        def sub_labels(sub: dict, _labels=labels) -> dict:
            return {
                lang: f"{text} [{sub['labels'].get(lang, sub['title'])}]"
                for lang, text in _labels.items()
            }

        if qtype in LIST_TYPES:
            lists[name] = _choices(question, "0")
            if question["other"] == "Y":
                lists[name].append(
                    {"name": "-oth-", "labels": {}, "value": None, "order": len(lists[name]) + 1}
                )
            add(name, CHOICE, labels, name)
            if question["other"] == "Y":
                add(f"{name}[other]", TEXT, labels)
            if qtype == "O":
                add(f"{name}[comment]", TEXT, labels)
        elif qtype in ARRAY_TYPES:
            lists[name] = _choices(question, "0")
            for sub in subs:
                add(f"{name}[{sub['title']}]", CHOICE, sub_labels(sub), name)
        elif qtype in {"M", "P"}:
            for sub in subs:
                add(f"{name}[{sub['title']}]", TICKED, sub_labels(sub))
                if qtype == "P":
                    add(f"{name}[{sub['title']}comment]", TEXT, sub_labels(sub))
            if question["other"] == "Y":
                add(f"{name}[other]", TEXT, labels)
        elif qtype == "N":
            add(name, NUMBER, labels)
        elif qtype == "K":
            for sub in subs:
                add(f"{name}[{sub['title']}]", NUMBER, sub_labels(sub))
        elif qtype == ":":
            for row_ in (sub for sub in subs if sub["scale"] == "0"):
                for col_ in (sub for sub in subs if sub["scale"] != "0"):
                    add(f"{name}[{row_['title']}_{col_['title']}]", NUMBER, sub_labels(row_))
        elif qtype == "1":
            for scale in ("0", "1"):
                lists[f"{name}#{scale}"] = _choices(question, scale)
            for sub in subs:
                for scale in ("0", "1"):
                    key = f"{name}#{scale}"
                    add(f"{name}[{sub['title']}]#{scale}", CHOICE, sub_labels(sub), key)
        elif qtype in {"Q", ";"}:
            for sub in subs:
                add(f"{name}[{sub['title']}]", TEXT, sub_labels(sub))
        elif qtype == "R":  # ranking: one column per rank, holding an answer code
            lists[name] = _choices(question, "0")
            for rank in range(1, len(lists[name]) + 1):
                add(f"{name}[{rank}]", CHOICE, labels, name)
        elif qtype != "X":  # X: text display, no column
            add(name, TEXT if qtype in set("STUDI") else OTHER, labels)
    return {
        "tool": "limesurvey",
        "title": title,
        "languages": languages,
        "columns": columns,
        "lists": lists,
    }


def _choices(question: dict, scale: str) -> list[dict]:
    """Answer options in their order; value: assessment values when set, else numeric codes."""
    if question["type"] in FIXED_ANSWERS:
        fixed = FIXED_ANSWERS[question["type"]]
        return [
            {"name": code, "labels": dict(labels), "value": value, "order": order}
            for order, (code, labels, value) in enumerate(fixed, 1)
        ]
    answers = sorted(
        (a for (code, answer_scale), a in question["answers"].items() if answer_scale == scale),
        key=lambda answer: answer["sort"],
    )
    assessed = any(answer["assessment"] for answer in answers)
    return [
        {
            "name": answer["name"],
            "labels": answer["labels"],
            "value": answer["assessment"] if assessed else numeric(answer["name"]),
            "order": order,
        }
        for order, answer in enumerate(answers, 1)
    ]
