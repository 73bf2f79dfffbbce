"""Charts name their indicator and unit, and show wave and group labels, never codes (#13)."""

import pytest
from matplotlib.text import Text

from livinglab.evaluation.runs import charts
from tests.evaluation.test_report_pdf import raw_codes_in, simulated_run

pytestmark = pytest.mark.django_db


def figure_texts(figure) -> list[str]:
    figure.draw_without_rendering()  # tick labels exist once the figure is laid out
    return [text.get_text() for text in figure.findobj(Text) if text.get_text()]


def test_charts_are_titled_with_indicator_and_unit_and_show_no_code():
    document = simulated_run("controlled_pre_post").result
    drawn = charts.figures(document)
    titles = {name: title for name, title, _figure in drawn}
    assert titles["sleep_score-distribution"] == "Sleep score (points) — distribution"
    assert titles["sleep_score-change"] == "Sleep score (points) — évolution"
    assert titles["smoker-proportions"] == "Smoker — proportions"
    for name, _title, figure in drawn:
        texts = figure_texts(figure)
        if name.startswith("sleep_score"):
            assert "Sleep score (points)" in texts, name  # the figure's own title
        joined = " ".join(texts)
        assert raw_codes_in(joined) == [], (name, raw_codes_in(joined))
        assert "post" not in joined.split(), name  # the wave code of the follow-up
    change = dict((name, figure) for name, _title, figure in drawn)["sleep_score-change"]
    legend = [text.get_text() for text in change.axes[0].get_legend().get_texts()]
    assert legend == ["Intervention", "Comparaison"]
    ticks = " ".join(figure_texts(change))
    assert "mesure initiale" in ticks and "fin de l'intervention" in ticks


def test_the_chart_check_is_able_to_fail(monkeypatch):
    """The same check on a figure drawn with codes finds them."""
    document = simulated_run("controlled_pre_post").result
    monkeypatch.setattr(charts, "wave_text", lambda document, code: code)
    monkeypatch.setattr(charts, "group_label", lambda code: code)
    figure = charts.distribution_figure(document, document["outcomes"][0])
    assert "baseline" in raw_codes_in(" ".join(figure_texts(figure)))
