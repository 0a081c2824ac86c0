"""HTML for notebooks: ``Rating._repr_html_`` draws its card here, next to the other Python
helpers (plots, frames), from the rating's own fields. Nothing is computed here but layout."""

from __future__ import annotations

from html import escape as _html_escape
from typing import Any

__all__ = ["rating_card"]

_CARD = (
    '<div class="riskrating-card" style="font-family:sans-serif;border:1px solid #ccc;'
    'border-radius:6px;padding:8px 12px;max-width:32em">'
)
_BAR = (
    '<tr><td style="padding-right:8px;font-size:0.85em">{id}</td>'
    '<td><div style="position:relative;width:160px;height:10px;background:#eee">'
    '<div style="position:absolute;left:{lo:.1f}%;width:{width:.1f}%;height:10px;background:#9ecae1"></div>'
    '<div style="position:absolute;left:{mean:.1f}%;width:2px;height:10px;background:#08519c"></div>'
    '</div></td><td style="font-size:0.85em;padding-left:6px">{value:.2f}</td></tr>'
)


def escape(text: str) -> str:
    """HTML-escape text (quotes included; ``'`` as ``&#39;``)."""
    return _html_escape(text).replace("&#x27;", "&#39;")


def _percent(x: float) -> float:
    return min(max(100.0 * x, 0.0), 100.0)


def rating_card(r: Any) -> str:
    """A compact HTML card: score, band, interval, freshness, disputes and one bar per factor.

    >>> html = riskrating.rate({"as_of": "2025-09-30", "organisations": [{"id": "A<"}]})[0]._repr_html_()
    >>> html.startswith('<div class="riskrating-card"') and "A&lt;" in html
    True
    """
    lo, hi = r.interval
    plo, phi = r.probability_interval
    parts = [
        _CARD,
        f'<div style="font-size:1.1em"><b>{escape(r.id)}</b> '
        f'<span style="color:#666">{escape(r.peer_group)}</span></div>',
        f'<div style="font-size:1.6em">{r.score:.0f} <span style="border:1px solid #333;'
        f'border-radius:3px;padding:0 6px">{escape(r.band)}</span></div>',
        f"<div>90% interval {lo:.0f}–{hi:.0f} · P(incident, 12 months) "
        f"{100 * r.probability:.1f}% ({100 * plo:.1f}–{100 * phi:.1f}%) · coverage "
        f"{100 * r.coverage:.0f}% · basis {r.basis} · peer percentile {r.peer_percentile:.0f}</div>",
    ]
    if r.evidence_as_of is not None:
        stale = ' <b style="color:#b30000">· stale</b>' if r.stale else ""
        parts.append(f"<div>evidence as of {escape(r.evidence_as_of)}{stale}</div>")
    d = r.disputes
    if d is not None:
        ulo, uhi = d["interval_undisputed"]
        parts.append(
            '<div style="background:#fff4e5;padding:2px 4px">'
            f"disputed: {d['open']} open, {d['upheld']} upheld, {d['rejected']} rejected · "
            f"undisputed view {d['score_undisputed']:.0f} <b>{escape(d['band_undisputed'])}</b> "
            f"({ulo:.0f}–{uhi:.0f})</div>"
        )
    if r.label is not None:
        parts.append(f'<div style="color:#666;font-size:0.8em">{escape(r.label)}</div>')
    parts += [
        '<div style="color:#666;font-size:0.8em;margin-top:6px">control effectiveness per '
        "factor: mean (tick) and 90% interval (bar), 0 to 1</div>",
        '<table style="border-collapse:collapse;margin-top:2px">',
    ]
    for f in r.factors:
        low, high = _percent(f.lower), _percent(f.upper)
        parts.append(
            _BAR.format(
                id=escape(f.id), lo=low, width=max(high - low, 0.5), mean=_percent(f.mean), value=f.mean
            )
        )
    parts.append("</table></div>")
    return "".join(parts)
