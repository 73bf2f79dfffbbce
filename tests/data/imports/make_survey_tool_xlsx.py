"""Rebuild the binary fixtures of the survey-tool tests: `python make_survey_tool_xlsx.py`.

- `kobo-form.xlsx`: the XLSForm behind the KoboToolbox exports (survey, choices, settings);
- `kobo-labels.xlsx`: KoboToolbox's default XLSX export of `kobo-labels.csv` (labels as headers
  and answers, the HXL row as row 2, `_id` and `_index` as numbers, one sheet named after the
  form's title).
"""

import csv
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
FR, EN = "label::Français (fr)", "label::English (en)"
SURVEY = [
    ["type", "name", FR, EN, "required", "constraint", "hxl"],
    ["start", "start", "", "", "", "", ""],
    ["end", "end", "", "", "", "", ""],
    ["begin_group", "identification", "Identification", "Identification", "", "", ""],
    ["text", "code", "Code participant", "Participant code", "true", "", "#indicator+code"],
    ["select_one vague", "vague", "Vague", "Wave", "true", "", "#meta+wave"],
    ["end_group", "", "", "", "", "", ""],
    ["begin_group", "habitudes", "Habitudes de vie", "Lifestyle", "", "", ""],
    [
        "integer",
        "mvpa_minutes",
        "Minutes d'activité physique modérée à vigoureuse par jour",
        "Minutes of moderate to vigorous physical activity per day",
        "",
        ". >= 0 and . <= 600",
        "#indicator+mvpa",
    ],
    [
        "select_one oui_non",
        "daily_smoking",
        "Fumez-vous tous les jours ?",
        "Do you smoke every day?",
        "",
        "",
        "",
    ],
    [
        "select_one qualite",
        "sommeil",
        "Comment jugez-vous la qualité de votre sommeil ?",
        "How would you rate your sleep?",
        "",
        "",
        "",
    ],
    [
        "decimal",
        "sommeil_heures",
        "Combien d'heures dormez-vous par nuit ?",
        "How many hours do you sleep a night?",
        "",
        ". >= 0 and . <= 16",
        "",
    ],
    [
        "select_multiple habitudes",
        "habitudes_alim",
        "Cochez ce qui vous correspond",
        "Tick what applies to you",
        "",
        "",
        "",
    ],
    ["note", "merci", "Merci !", "Thank you!", "", "", ""],
    ["end_group", "", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", FR, EN],
    ["vague", "baseline", "Avant", "Before"],
    ["vague", "post", "Après", "After"],
    ["oui_non", 1, "Oui", "Yes"],
    ["oui_non", 0, "Non", "No"],
    ["qualite", 1, "Très mauvaise", "Very bad"],
    ["qualite", 2, "Mauvaise", "Bad"],
    ["qualite", 3, "Moyenne", "Fair"],
    ["qualite", 4, "Bonne", "Good"],
    ["qualite", 5, "Très bonne", "Very good"],
    ["habitudes", "petit_dej", "Petit-déjeuner chaque jour", "Breakfast every day"],
    ["habitudes", "fruits", "Fruits à chaque repas", "Fruit at every meal"],
]
SETTINGS = [
    ["form_title", "form_id", "version", "default_language"],
    ["Habitudes de vie", "habitudes_de_vie", "2026091401", "Français (fr)"],
]


def write_form(path: Path) -> None:
    workbook = Workbook()
    for index, (title, rows) in enumerate(
        (("survey", SURVEY), ("choices", CHOICES), ("settings", SETTINGS))
    ):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append(row)
    workbook.save(path)


def write_export(csv_path: Path, path: Path) -> None:
    with open(csv_path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Habitudes de vie"
    numbers = {rows[0].index("_id"), rows[0].index("_index")}
    for line, row in enumerate(rows):
        sheet.append(
            [float(cell) if line > 1 and i in numbers else cell for i, cell in enumerate(row)]
        )
    workbook.save(path)


if __name__ == "__main__":
    write_form(HERE / "kobo-form.xlsx")
    write_export(HERE / "kobo-labels.csv", HERE / "kobo-labels.xlsx")
