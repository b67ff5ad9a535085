"""The report as one HTML file that opens offline: charts drawn by matplotlib as inline SVG,
each beside a table with the same figures for screen readers, and nothing fetched from anywhere
(its Content-Security-Policy forbids it)."""

import io
import re
import time
from collections import Counter
from html import escape
from typing import Callable, Dict, Iterable, List, Sequence

import matplotlib

matplotlib.use("Agg")  # no display: draw into files only

import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first

from report.privacy import FEWER, SMALLEST_SHOWN, drawn, mask, shown  # noqa: E402
from report.queries import EXPLANATION, FACTOR_SLOTS, Figures  # noqa: E402
from scope import labels, topics  # noqa: E402

# text as text (smaller, and the page's font), and the same SVG for the same figures
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "report", "font.size": 9})
# Okabe-Ito's colour-blind-safe colours, the first two dark enough on white
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00"]
WALKTHROUGH_STEPS = {
    "started": "Started the walk-through",
    **{slot: f"Answered: {slot.replace('_', ' ')}" for slot in FACTOR_SLOTS},
    "explained": "Reached the explanation",
    "refined": "Added what the care team said",
    "stopped": "Stopped before the explanation",
    "left": "Left before the explanation",
}
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
FEEDBACK_EXPLANATION = "The walk-through's explanation"
Row = Sequence[str]


def day_of(timestamp: float | None) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(timestamp)) if timestamp else "none"


def svg(draw: Callable[[plt.Axes], None], label: str, height: float = 3.0) -> str:
    """A chart as inline SVG, named for assistive technology; its table says the figures."""
    figure, axes = plt.subplots(figsize=(6.4, height))
    draw(axes)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    plt.close(figure)
    drawing = out.getvalue()
    # the XML prolog, doctype and the Dublin Core metadata are not for an HTML page
    drawing = METADATA.sub("", drawing[drawing.index("<svg") :])
    return drawing.replace("<svg", f'<svg role="img" aria-label="{escape(label)}"', 1)


def table(caption: str, headers: Row, rows: Iterable[Row]) -> str:
    """A table whose first column names each row."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    if not body:
        body = f'<tr><td colspan="{len(headers)}">Nothing in this period.</td></tr>'
    return f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def section(title: str, anchor: str, intro: str, body: str) -> str:
    """A titled part of the report: a sentence saying what it counts, then its figures."""
    return (
        f'<section aria-labelledby="{anchor}"><h2 id="{anchor}">{escape(title)}</h2>'
        f"<p>{escape(intro)}</p>{body}</section>"
    )


def chart_with_table(chart: str, data_table: str) -> str:
    return f'<div class="pair"><figure class="chart">{chart}</figure>{data_table}</div>'


def horizontal_bars(names: List[str], series: Dict[str, List[int]], unit: str, label: str) -> str:
    """Stacked horizontal bars, one per name, top first; each bar labelled with its total as
    the report writes counts."""

    def draw(axes: plt.Axes) -> None:
        left = [0] * len(names)
        for colour, (part, values) in zip(COLOURS, series.items(), strict=False):
            heights = [drawn(v) for v in values]
            axes.barh(names, heights, left=left, color=colour, label=part)
            left = [a + b for a, b in zip(left, heights, strict=True)]
        totals = [sum(values) for values in zip(*series.values(), strict=True)]
        for y, total in enumerate(totals):
            axes.annotate(
                shown(total), (left[y], y), xytext=(3, 0), textcoords="offset points", va="center"
            )
        axes.invert_yaxis()
        axes.set_xlabel(unit)
        if len(series) > 1 and names:  # above the bars, never over them
            axes.legend(frameon=False, ncol=len(series), loc="lower left", bbox_to_anchor=(0, 1))

    return svg(draw, label, height=0.9 + 0.28 * max(len(names), 1))


def per_day_bars(
    days: List[str], series: Dict[str, List[int]], unit: str, label: str, stacked: bool
) -> str:
    """Bars per day, stacked (parts of one whole) or side by side; counts under 5 are not drawn."""

    def draw(axes: plt.Axes) -> None:
        width = 0.8 if stacked else 0.8 / max(len(series), 1)
        bottom = [0] * len(days)
        for n, (colour, (name, values)) in enumerate(zip(COLOURS, series.items(), strict=False)):
            heights = [drawn(v) for v in values]
            positions = [x + (0 if stacked else n * width) for x in range(len(days))]
            axes.bar(positions, heights, width, bottom=bottom, color=colour, label=name)
            if stacked:
                bottom = [a + b for a, b in zip(bottom, heights, strict=True)]
        step = max(1, len(days) // 10)  # at most about ten dates under the axis
        axes.set_xticks(range(0, len(days), step), days[::step], rotation=45, ha="right")
        axes.set_ylabel(unit)
        if days:  # a legend of nothing drawn is only a warning
            axes.legend(frameon=False, ncol=len(series), loc="lower left", bbox_to_anchor=(0, 1))

    return svg(draw, label)


def use_per_day(figures: Figures) -> str:
    days = sorted({day for day, _ in figures.messages})
    channels = sorted({channel for _, channel in figures.messages})
    chart = per_day_bars(
        days,
        {c: [figures.conversations.get((d, c), 0) for d in days] for c in channels},
        "conversations",
        "Chart of conversations per day and channel; the table beside it gives the figures.",
        stacked=True,
    )
    headers = ["Day"]
    for channel in channels:
        headers += [f"{channel}: conversations", f"{channel}: messages"]
    rows = [
        [day]
        + [
            shown(per_channel.get((day, channel), 0))
            for channel in channels
            for per_channel in (figures.conversations, figures.messages)
        ]
        for day in days
    ]
    return section(
        "Conversations and messages per day",
        "use",
        "A conversation is counted on each day its person wrote at least one message; messages "
        "are what people sent, typed or by button. The channel is where they wrote: rest (the "
        "REST webhook), socketio (the web widget), slack.",
        chart_with_table(
            chart, table("Conversations and messages per day and channel", headers, rows)
        ),
    )


def topics_asked(figures: Figures) -> str:
    readable = labels()
    asked = sorted(
        (
            (intent, typed, button)
            for intent, (typed, button) in figures.intents.items()
            if intent in readable
        ),
        key=lambda entry: (-(entry[1] + entry[2]), readable[entry[0]]),
    )
    names = [readable[intent] for intent, _, _ in asked]
    chart = horizontal_bars(
        names,
        {"typed": [t for _, t, _ in asked], "button": [b for _, _, b in asked]},
        "messages",
        "Chart of the topics asked, most asked first, typed or by button; the table beside it gives the figures.",
    )
    rows = [(readable[i], shown(t + b), shown(t), shown(b)) for i, t, b in asked]
    return section(
        "Topics asked",
        "topics",
        "What people asked about, most asked first, and how they got there: a typed question, "
        "or a button the assistant offered.",
        chart_with_table(
            chart, table("Messages per topic", ("Topic", "Messages", "Typed", "By button"), rows)
        ),
    )


def walkthrough(figures: Figures) -> str:
    names = [WALKTHROUGH_STEPS[step] for step in figures.walkthrough]
    values = list(figures.walkthrough.values())
    chart = horizontal_bars(
        names,
        {"conversations": values},
        "conversations",
        "Chart of the walk-through's steps and the conversations that reached each; the table beside it gives the figures.",
    )
    rows = [(name, shown(value)) for name, value in zip(names, values, strict=True)]
    return section(
        "The walk-through",
        "walkthrough",
        "Conversations at each step of the walk-through (where the tumor started, whether the "
        "tumor makes hormones, whether it has spread, then the explanation). Of those that never "
        'reached the explanation, some stopped it ("stop", or an emergency) and the rest left '
        "in the middle.",
        chart_with_table(chart, table("Conversations per step", ("Step", "Conversations"), rows)),
    )


def not_answered(figures: Figures) -> str:
    days = sorted(set(figures.not_understood) | set(figures.not_covered))
    understood = [figures.not_understood.get(d, 0) for d in days]
    covered = [figures.not_covered.get(d, 0) for d in days]
    chart = per_day_bars(
        days,
        {"not understood": understood, "not covered": covered},
        "messages",
        "Chart of messages not understood and not covered per day; the table beside it gives the figures.",
        stacked=False,
    )
    rows = [(d, shown(u), shown(c)) for d, u, c in zip(days, understood, covered, strict=True)]
    ranked = figures.not_covered_aspects.most_common()
    names = [aspect.replace("_", " ") for aspect, _ in ranked]
    aspect_chart = horizontal_bars(
        names,
        {"messages": [n for _, n in ranked]},
        "messages",
        "Chart of what people asked that the page does not cover, most asked first; the table beside it gives the figures.",
    )
    aspect_rows = [(name, shown(n)) for name, (_, n) in zip(names, ranked, strict=True)]
    return section(
        "Not understood, not covered",
        "missed",
        "Not understood: the assistant could not tell what the message asked and asked to "
        "rephrase. Not covered: the assistant answered that the treatment page does not cover "
        "or say what was asked (symptoms, diagnosis, side effects...) and pointed to the care "
        "team; counted per answer.",
        chart_with_table(
            chart,
            table(
                "Messages not understood and not covered per day",
                ("Day", "Not understood", "Not covered"),
                rows,
            ),
        ),
    ) + section(
        "What people wanted that the page does not say",
        "wanted",
        "What the questions not covered were about, most asked first: what the content team "
        "might add to the page. A question may name more than one, or none the assistant knows.",
        chart_with_table(
            aspect_chart,
            table(
                "Questions not covered, by what they asked about",
                ("Asked about", "Messages"),
                aspect_rows,
            ),
        ),
    )


def helpful(feedback: Dict[str, Dict[bool, int]]) -> str:
    names = {topic.response: topic.label for topic in topics().values()}
    names[EXPLANATION] = FEEDBACK_EXPLANATION
    ranked = sorted(feedback.items(), key=lambda item: -(item[1][True] + item[1][False]))
    rows_names = [names.get(answer, answer) for answer, _ in ranked]
    chart = horizontal_bars(
        rows_names,
        {"yes": [c[True] for _, c in ranked], "no": [c[False] for _, c in ranked]},
        "answers",
        'Chart of the answers to "Was this helpful?" per topic; the table beside it gives the figures.',
    )
    rows = [
        (name, shown(c[True]), shown(c[False]))
        for name, (_, c) in zip(rows_names, ranked, strict=True)
    ]
    return section(
        "Was this helpful?",
        "helpful",
        "Yes and no per topic, as the action server counts them (the feedback table keeps no "
        "time, so these cover everything since it was created, not only this period).",
        chart_with_table(chart, table("Answers per topic", ("Topic", "Yes", "No"), rows)),
    )


def emergencies(figures: Figures) -> str:
    rows = [(day, shown(count)) for day, count in sorted(figures.emergencies.items())]
    return section(
        "Emergencies recognised",
        "emergencies",
        "Times the assistant answered with 911 first, per day: the count only.",
        table("Emergencies recognised per day", ("Day", "Emergencies"), rows),
    )


def unanswered(texts: List[str]) -> str:
    masked = Counter(mask(text) for text in texts)
    items = "".join(
        f'<li>{escape(text)} <span class="times">({shown(n)})</span></li>'
        for text, n in masked.most_common()
    )
    return section(
        "Messages not understood",
        "unanswered",
        "Added with --with-unanswered: what people wrote that the assistant did not understand, "
        "with numbers, e-mail addresses, phone numbers and capitalised words that may be names "
        "masked. Who wrote them is not shown. Keep this report as private as the tracker store.",
        f"<ul>{items}</ul>" if items else "<p>None in this period.</p>",
    )


def about(figures: Figures, days: float) -> str:
    model_rows = [
        (model, shown(n), day_of(first), day_of(last))
        for model, (n, first, last) in sorted(figures.models.items(), key=lambda m: m[1][1])
    ]
    return section(
        "Period and model",
        "about",
        f"From {day_of(figures.since)} to {day_of(figures.until)} ({days:g} "
        f"{'day' if days == 1 else 'days'}, UTC); the first event stored in it is from "
        f"{day_of(figures.first_event)}, the last from {day_of(figures.last_event)}. "
        f"{shown(figures.total_conversations)} conversations wrote at least one message.",
        f"<p>Privacy: only counts are shown, never what anyone wrote or who they are. A count "
        f'under {SMALLEST_SHOWN} could point at one person, so it is written "{FEWER}" (0 '
        "included) and its bar is not drawn.</p>"
        + table(
            "The models that answered (Rasa's model id), by conversations started with each",
            ("Model id", "Conversations", "First", "Last"),
            model_rows,
        ),
    )


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
 max-width:72rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.45}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-top:1px solid #ccc;padding-top:1rem}
.pair{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}
figure.chart{margin:0;flex:1 1 30rem;max-width:40rem}
figure.chart svg{width:100%;height:auto}
table{border-collapse:collapse;flex:1 1 20rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding-bottom:.3rem}
th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}
th[scope=row]{white-space:nowrap}
td{text-align:right}thead th{background:#eef2f7}
.times{color:#444}
"""


def render(figures: Figures, days: float, feedback: Dict[str, Dict[bool, int]]) -> str:
    parts = [
        about(figures, days),
        use_per_day(figures),
        topics_asked(figures),
        walkthrough(figures),
        not_answered(figures),
        helpful(feedback),
        emergencies(figures),
    ]
    if figures.unanswered is not None:
        parts.append(unanswered(figures.unanswered))
    title = f"NET treatment assistant: use from {day_of(figures.since)} to {day_of(figures.until)}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        # nothing may be fetched: the report opens offline, and leaks nothing by loading
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>" + "".join(parts) + "</main></body></html>"
    )
