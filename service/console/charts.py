"""Charts as inline SVG, drawn on the server: no script, no style attribute, no request.

Colours come from the stylesheet's `series-N` classes, so the page's policy stays 'self'.
Each chart is an image with a title for screen readers; the page shows the numbers too.
"""

from markupsafe import Markup, escape

FONT = 12


def _nice_max(value: int) -> int:
    """A round top for the axis at or above `value` (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    title = escape(title)
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{title}</title>{''.join(body)}</svg>")


def column_chart(title: str, categories: list[str], series: list[tuple[str, list[int]]],
                 *, width: int = 640, height: int = 260) -> Markup:
    """Stacked columns: one per category, one coloured part per series."""
    left, right, top, bottom = 44, 8, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    top_value = _nice_max(max(totals, default=0))
    body = []
    steps = next(n for n in (4, 5, 2, 1) if top_value % n == 0)  # whole numbers only
    for tick in range(steps + 1):
        value = top_value * tick // steps
        y = top + plot_h - plot_h * tick / steps
        body.append(f'<line class="grid-line" x1="{left}" y1="{y:.1f}" x2="{width - right}" '
                    f'y2="{y:.1f}"/>')
        body.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                    f"{value}</text>")
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.64
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar) / 2
        base = top + plot_h
        for index, (name, values) in enumerate(series):
            h = plot_h * values[i] / top_value
            if h > 0:
                body.append(f'<rect class="series-{index}" x="{x:.1f}" y="{base - h:.1f}" '
                            f'width="{bar:.1f}" height="{h:.1f}"><title>{escape(category)} '
                            f"{escape(name)}：{values[i]}</title></rect>")
            base -= h
        body.append(f'<text x="{x + bar / 2:.1f}" y="{height - 10}" text-anchor="middle">'
                    f"{escape(category)}</text>")
    body.append(f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                f'y2="{top + plot_h}"/>')
    return _svg(width, height, title, body)


def bar_chart(title: str, categories: list[str], series: list[tuple[str, list[int]]],
              *, width: int = 640, label_width: int = 190, value_labels=None) -> Markup:
    """Horizontal bars side by side per category (names read well at any length)."""
    row_h, gap, top = 14 * len(series) + 4, 10, 6
    height = top + len(categories) * (row_h + gap) + 4
    plot_w = width - label_width - 70
    top_value = _nice_max(max((v for _, values in series for v in values), default=0))
    body = []
    for i, category in enumerate(categories):
        y = top + i * (row_h + gap)
        body.append(f'<text x="{label_width - 8}" y="{y + row_h / 2 + 4:.1f}" '
                    f'text-anchor="end">{escape(category)}</text>')
        for index, (name, values) in enumerate(series):
            w = plot_w * values[i] / top_value
            by = y + 2 + index * 14
            shown = value_labels[index][i] if value_labels else values[i]
            body.append(f'<rect class="series-{index}" x="{label_width}" y="{by}" '
                        f'width="{max(w, 1 if values[i] else 0):.1f}" height="12">'
                        f"<title>{escape(category)} {escape(name)}：{escape(shown)}</title></rect>")
            body.append(f'<text x="{label_width + w + 6:.1f}" y="{by + 10}">'
                        f"{escape(shown)}</text>")
    return _svg(width, height, title, body)


def legend(names: list[str]) -> Markup:
    items = "".join(f'<li class="series-{i}">{escape(name)}</li>' for i, name in enumerate(names))
    return Markup(f'<ul class="legend" aria-hidden="true">{items}</ul>')
