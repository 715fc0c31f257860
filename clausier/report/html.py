"""Self-contained HTML report: one file, inline CSS, printable, no script and no external resource.

Every string that comes from the contract (name, quotes, warnings) or from a reviewer goes
through :func:`html.escape`: a contract may contain markup.
"""

from __future__ import annotations

from html import escape

from clausier.engine.results import Evidence, Finding, Report
from clausier.library.loader import Library
from clausier.report import common as c

_CSS = """
:root { --present:#1b7f3b; --weak:#b35c00; --missing:#b3261e; --na:#6b6b6b; --ink:#1d2330; --muted:#5b6475;
        --line:#d9dde5; --soft:#f4f6f9; }
* { box-sizing: border-box; }
body { font: 15px/1.5 "Segoe UI", "Liberation Sans", Arial, sans-serif; color: var(--ink); margin: 0;
       background: #fff; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
h3.theme { font-size: 1.15em; margin: 26px 0 6px; color: #2c3e66; border-bottom: 1px solid var(--line); }
h4 { font-size: 1.02em; margin: 0; }
.docname { font-size: 1.1em; color: var(--muted); margin: 0 0 16px; word-break: break-all; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; font-size: .9em; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; word-break: break-all; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { flex: 1 1 120px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card b { display: block; font-size: 1.8em; line-height: 1.2; }
.card.present b { color: var(--present); } .card.weak b { color: var(--weak); }
.card.missing b { color: var(--missing); } .card.alert b { color: var(--missing); }
.warning { background: #fff4e5; border-left: 4px solid var(--weak); padding: 6px 10px; margin: 6px 0; }
table { border-collapse: collapse; width: 100%; font-size: .9em; margin: 8px 0; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--soft); }
td.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .82em; font-weight: 600;
         color: #fff; white-space: nowrap; }
.badge.present { background: var(--present); } .badge.weak { background: var(--weak); }
.badge.missing { background: var(--missing); } .badge.not_applicable { background: var(--na); }
.badge.alert { background: #fff; color: var(--missing); border: 1px solid var(--missing); }
.badge.reviewed { background: #fff; color: #3a4ea0; border: 1px solid #3a4ea0; }
.bar { display: flex; height: 10px; min-width: 120px; border-radius: 3px; overflow: hidden;
       background: var(--soft); }
.bar span.present { background: var(--present); } .bar span.weak { background: var(--weak); }
.bar span.missing { background: var(--missing); }
.ok { color: var(--present); font-weight: 600; } .ko { color: var(--missing); font-weight: 600; }
.unknown { color: var(--weak); font-weight: 600; }
article.ob { border: 1px solid var(--line); border-left: 5px solid var(--na); border-radius: 4px;
             padding: 10px 14px; margin: 10px 0; break-inside: avoid; page-break-inside: avoid; }
article.ob.present { border-left-color: var(--present); } article.ob.weak { border-left-color: var(--weak); }
article.ob.missing { border-left-color: var(--missing); }
.ob header { display: flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.meta { color: var(--muted); font-size: .85em; }
.override { background: #eef1fb; border-left: 4px solid #3a4ea0; padding: 6px 10px; margin: 8px 0; }
blockquote { margin: 8px 0; padding: 6px 12px; background: var(--soft); border-left: 3px solid var(--line);
             font-family: Georgia, "Liberation Serif", serif; }
blockquote.red_flag { border-left-color: var(--missing); }
blockquote cite { display: block; font: .82em "Segoe UI", "Liberation Sans", Arial, sans-serif;
                  color: var(--muted); font-style: normal; margin-top: 4px; }
mark { background: #ffe58f; }
.conclusion { background: #fff8f0; border: 1px solid #e8c9a8; border-radius: 6px; padding: 4px 18px 10px; }
.conclusion h2 { border-bottom-color: var(--weak); }
.conclusion .verdict { font-size: 1.15em; font-weight: 700; color: var(--missing); }
.conclusion .next { font-weight: 600; }
.clause { border: 1px dashed var(--present); padding: 6px 10px; margin: 8px 0; background: #f3faf5; }
.sources { color: var(--muted); font-size: .85em; }
ul { margin: 4px 0; padding-left: 22px; }
footer { margin-top: 40px; color: var(--muted); font-size: .8em; border-top: 1px solid var(--line);
         padding-top: 8px; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 10pt; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, blockquote, .clause { break-inside: avoid; page-break-inside: avoid; }
  article.ob { break-inside: auto; page-break-inside: auto; }
  .ob header { break-after: avoid; page-break-after: avoid; }
  .card { flex: 1 1 0; min-width: 0; padding: 6px 8px; }
  .card b { font-size: 1.4em; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _badge(status: str) -> str:
    return f'<span class="badge {status}">{_e(c.STATUS_FR[status])}</span>'


def _quote(e: Evidence, limit: int = 1200) -> str:
    """The sentence with the words that fired the rule highlighted, every piece escaped."""
    text = e.text.replace("\n", " ")  # same length: the match offsets still hold
    a = min(max(e.match_start - e.start, 0), len(text))
    b = min(max(e.match_end - e.start, a), len(text))
    if len(text) > limit:  # keep the match in view
        lo = max(0, min(a - limit // 3, len(text) - limit))
        text, a, b = text[lo : lo + limit], a - lo, min(b - lo, limit)
    return f"{_e(text[:a])}<mark>{_e(text[a:b])}</mark>{_e(text[b:])}"


def _conclusion(report: Report, library: Library) -> list[str]:
    """The plain-French conclusion: verdict, most serious points (linked to their detail), first questions."""
    k = c.conclusion(report, library)
    out = ['<section id="conclusion" class="conclusion"><h2>Conclusion</h2>', f'<p class="verdict">{_e(k.verdict)}</p>']
    if k.points:
        out.append("<p><strong>Le plus grave :</strong></p><ol>")
        for p in k.points:
            state = {"missing": "absente", "weak": "faible", "present": "présente"}.get(p.status, "")
            flag = ", clause défavorable" if p.red_flag else ""
            where = f" ({_e(p.where)})" if p.where else ""
            out.append(f'<li><a href="#ob-{_e(p.obligation_id)}">{_e(p.obligation_id)} — {_e(p.title)}</a> '
                       f'<span class="meta">{_e(c.SEVERITY_FR[p.severity])}, {state}{flag}{where}</span><br>'
                       f"{_e(p.why)}</li>")
        out.append("</ol>")
    if k.first_questions:
        out.append("<p><strong>À demander d'abord au fournisseur :</strong></p><ul>"
                   + "".join(f"<li>{_e(q)}</li>" for q in k.first_questions) + "</ul>")
    out.append(f'<p class="next">{_e(k.next_step)}</p>')
    note = c.jargon_note(*(p.title for p in k.points), *(p.why for p in k.points))
    if note:
        out.append(f'<p class="meta">{_e(note)}</p>')
    out.append("</section>")
    return out


def _header(report: Report, s: c.Summary, library: Library) -> list[str]:
    out = [
        "<header>",
        "<h1>Analyse des clauses de sécurité</h1>",
        f'<p class="docname">{_e(report.document.get("name", ""))}</p>',
        '<dl class="facts">',
    ]
    out += [f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in c.document_facts(report)]
    out += ["</dl>", "</header>"]
    out += _conclusion(report, library)
    out += ['<section id="synthese"><h2>Synthèse</h2>', '<div class="cards">']
    cov = f"{s.coverage:.0%}".replace("%", " %") if s.coverage is not None else "—"
    for cls, n, label in (
        ("", s.applicable, "obligations applicables"),
        ("present", s.present, "présentes"),
        ("weak", s.weak, "faibles"),
        ("missing", s.missing, "absentes"),
        ("alert", s.red_flags, "points d'alerte"),
        ("", cov, "couverture"),
    ):
        out.append(f'<div class="card {cls}"><b>{_e(n)}</b>{_e(label)}</div>')
    out.append("</div>")
    out.append(
        f"<p>{_e(c.summary_sentence(s))}"
        + (f" Verdicts modifiés par un relecteur : {s.overridden}." if s.overridden else "")
        + "</p>"
    )
    if s.critical_gaps:
        out.append(
            f"<p><strong>Obligations critiques absentes :</strong> {_e(', '.join(s.critical_gaps))}.</p>"
        )
    out += [f'<p class="warning">{_e(w)}</p>' for w in report.document.get("warnings", [])]
    out.append("</section>")
    return out


def _overrides(report: Report) -> list[str]:
    rows = [(f, o) for f in report.findings if (o := c.override_of(report, f))]
    if not rows:
        return []
    out = [
        '<section id="revue"><h2>Décisions du relecteur</h2>',
        "<table><thead><tr><th>Obligation</th><th>Moteur</th><th>Relecteur</th><th>Commentaire</th>"
        "<th>Par</th><th>Date</th></tr></thead><tbody>",
    ]
    for f, o in rows:
        out.append(
            f"<tr><td>{_e(f.obligation_id)} {_e(f.title)}</td><td>{_badge(f.status)}</td>"
            f"<td>{_badge(o['status'])}</td><td>{_e(o.get('comment') or '')}</td>"
            f"<td>{_e(o.get('reviewer') or '')}</td>"
            f"<td>{_e(c.format_datetime(o.get('decided_at')))}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _themes(report: Report, library: Library) -> list[str]:
    out = [
        '<section id="themes"><h2>Verdicts par thème</h2>',
        "<table><thead><tr><th>Thème</th><th>Présentes</th><th>Faibles</th><th>Absentes</th><th>Alertes</th>"
        "<th>Répartition</th></tr></thead><tbody>",
    ]
    for t in c.theme_counts(report, library):
        n = {"present": t.present, "weak": t.weak, "missing": t.missing}
        bar = "".join(
            f'<span class="{k}" style="width:{100 * v / t.applicable:.1f}%"></span>' for k, v in n.items() if v
        )
        out.append(
            f'<tr><td><a href="#theme-{_e(t.letter)}">{_e(t.letter)}. {_e(t.title)}</a></td>'
            f'<td class="num">{t.present}</td><td class="num">{t.weak}</td>'
            f'<td class="num">{t.missing}</td><td class="num">{t.red_flags or ""}</td>'
            f'<td><div class="bar">{bar}</div></td></tr>'
        )
    out.append("</tbody></table></section>")
    return out


def _figures(report: Report) -> list[str]:
    rows = [(f, fc) for f in c.applicable(report) for fc in f.figures]
    if not rows:
        return []
    out = [
        '<section id="chiffres"><h2>Chiffres comparés aux seuils</h2>',
        "<table><thead><tr><th>Obligation</th><th>Paramètre</th><th>Trouvé</th><th>Seuil</th><th>Verdict</th>"
        "<th>Texte lu</th></tr></thead><tbody>",
    ]
    for f, fc in rows:
        cls = {True: "ok", False: "ko", None: "unknown"}[fc.ok]
        out.append(
            f"<tr><td>{_e(f.obligation_id)}</td><td>{_e(fc.label)}</td>"
            f"<td>{_e(c.format_value(fc.found, fc.unit))}</td><td>{_e(c.threshold_text(fc))}</td>"
            f'<td class="{cls}">{_e(c.figure_verdict(fc))}</td>'
            f"<td>{_e(c.one_line(fc.text or '', 160))}</td></tr>"
        )
    out.append("</tbody></table></section>")
    return out


def _finding(report: Report, library: Library, f: Finding) -> list[str]:
    ob = library.get(f.obligation_id)
    status = c.status_of(report, f)
    head = (
        f"<header><h4>{_e(f.obligation_id)} — {_e(f.title)}</h4>{_badge(status)}"
        + ('<span class="badge alert">alerte</span>' if c.red_flag_of(report, f) else "")
        + ('<span class="badge reviewed">revu</span>' if f.obligation_id in report.overrides else "")
        + f'<span class="meta">sévérité {_e(c.SEVERITY_FR[f.severity])}</span></header>'
    )
    out = [f'<article class="ob {status}" id="ob-{_e(f.obligation_id)}">', head]
    override = c.override_of(report, f)
    if override:
        out.append(f'<p class="override">{_e(c.override_line(override, f))}</p>')
    reasons = c.display_reasons(f, status)
    if reasons:
        out.append("<ul>" + "".join(f"<li>{_e(r)}</li>" for r in reasons) + "</ul>")
    for rf in f.red_flags[:3]:
        out.append(f'<p class="ko">Alerte : {_e(rf.message)}</p>')
    quotes = c.distinct_evidence(f, 0)
    for e in quotes[:3]:
        strength = f" ; engagement {e.strength}" if e.strength != "ferme" else ""
        out.append(
            f'<blockquote class="{_e(e.role)}">« {_quote(e)} »<cite>{_e(c.where(e))}{_e(strength)}</cite>'
            "</blockquote>"
        )
    if len(quotes) > 3:
        out.append(f'<p class="meta">… et {len(quotes) - 3} autre(s) passage(s).</p>')
    if status in ("weak", "missing"):
        out.append(f"<p><strong>Pourquoi c'est important :</strong> {_e(c.one_line(ob.explanation))}</p>")
        out.append(
            '<div class="clause"><strong>Clause type à proposer :</strong><br>'
            f"{_e(ob.model_clause.strip())}</div>"
        )
        out.append(
            "<p><strong>Questions au fournisseur :</strong></p><ul>"
            + "".join(f"<li>{_e(q)}</li>" for q in ob.questions)
            + "</ul>"
        )
    note = c.jargon_note(f.title, *reasons)
    if note:
        out.append(f'<p class="meta">{_e(note)}</p>')
    out.append(f'<p class="sources">Sources : {_e(c.sources_text(ob))}</p>')
    out.append("</article>")
    return out


def to_html(report: Report, library: Library) -> str:
    s = c.summary(report)
    name = report.document.get("name", "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>clausier — {_e(name)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
    ]
    parts += _header(report, s, library)
    parts += _overrides(report)
    parts += _themes(report, library)
    parts += _figures(report)
    parts.append('<section id="detail"><h2>Détail par obligation</h2>')
    for letter, title, items in c.by_theme(report, library):
        parts.append(f'<h3 class="theme" id="theme-{_e(letter)}">{_e(letter)}. {_e(title)}</h3>')
        for f in sorted(
            items, key=lambda f: (c.STATUS_ORDER[c.status_of(report, f)], c.SEVERITY_ORDER[f.severity])
        ):
            parts += _finding(report, library, f)
    parts.append("</section>")
    na = [f for f in report.findings if c.status_of(report, f) == "not_applicable"]
    if na:
        parts.append(
            '<section id="na"><h2>Obligations non applicables à ce profil</h2><p class="meta">'
            + _e(", ".join(f"{f.obligation_id} {f.title}" for f in na))
            + "</p></section>"
        )
    parts.append(
        f"<footer>Rapport produit hors ligne par clausier {_e(report.tool.get('version', ''))}, "
        f"bibliothèque {_e(report.tool.get('library_version', ''))}, le {_e(c.today())}. "
        "Aide à la relecture : les verdicts ne remplacent pas l'avis d'un juriste.</footer>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
