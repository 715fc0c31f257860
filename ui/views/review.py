"""Page 'Analyse d'un contrat': summary, checklist, evidence on the document, reviewer decisions, exports."""

from __future__ import annotations

import functools
import html

import altair as alt
import pandas as pd
import streamlit as st

from clausier.engine.results import Finding
from clausier.library.loader import Library
from clausier.report import common
from clausier.report.markdown import md  # contract-derived text shown as Markdown is escaped
from clausier.review import reviewed_status
from ui import exporting, logic, state
from ui.highlight import render_page_png
from ui.logic import TAB_CHECK, TAB_EXPORT, TAB_SUMMARY, Analysis

STATUS_SCALE = alt.Scale(domain=[logic.STATUS_FR[s] for s in ("present", "weak", "missing")],
                         range=[logic.STATUS_COLOR[s] for s in ("present", "weak", "missing")])


def welcome() -> None:
    st.title("Vérifier les clauses de sécurité d'un contrat")
    st.markdown(
        "Cet outil lit un contrat de fournisseur informatique de santé et vérifie, obligation par obligation, "
        "qu'il contient les clauses de sécurité attendues (hébergement HDS, violations de données, sauvegardes, "
        "audits, réversibilité…). **Tout se passe sur ce poste : le contrat n'est envoyé nulle part.**")
    st.info("**Pour commencer**, dans la colonne de gauche :\n\n"
            "1. déposez un contrat (PDF, Word ou texte) — ou choisissez le contrat d'exemple ;\n"
            "2. indiquez qui vous êtes (profil acheteur) ;\n"
            "3. indiquez le type de fournisseur.\n\n"
            "L'analyse prend quelques secondes.")
    st.markdown("**Les verdicts :** " + " ".join(logic.pill_html(s) for s in ("present", "weak", "missing"))
                + "<br><small>Présent : la clause y est, avec un engagement ferme et des chiffres conformes. "
                  "Faible : la clause existe mais est incomplète, atténuée (« dans la mesure du possible ») ou "
                  "hors des seuils de votre profil. Absent : rien dans le contrat ne traite du sujet.</small>",
                unsafe_allow_html=True)


def header(a: Analysis, ctx: state.Context, library: Library) -> None:
    assert a.report is not None
    doc = a.report.document
    st.title(md(a.name), anchor=False)
    pages = f" · {doc['pages']} pages" if doc.get("pages") else ""
    supplier = logic.supplier_label(library, ctx.supplier)
    st.caption(f"{doc['format'].upper()}{pages} · profil « {a.report.profile['label']} » · fournisseur : {supplier}"
               f" · empreinte {a.sha256[:12]}")
    for w in doc.get("warnings", []):
        st.warning(md(w))


# ---------------------------------------------------------------------------------------- summary
def open_detail(sha256: str, obligation_id: str) -> None:
    """Callback: show an obligation in the 'clause par clause' tab."""
    st.session_state[f"oid_{sha256}"] = obligation_id
    st.session_state["tab"] = TAB_CHECK

STATE_FR = {"missing": "absente", "weak": "faible", "present": "présente", "not_applicable": "non applicable"}


def conclusion_box(a: Analysis, library: Library) -> None:
    """The plain-French conclusion: can it be signed, the most serious points (each opens its detail),
    what to ask first and the next step."""
    report = a.report
    assert report is not None
    k = logic.conclusion(report, library)
    with st.container(border=True, key="conclusion"):
        st.markdown("#### Conclusion")
        st.markdown(f"<p style='font-size:1.15rem;font-weight:700;color:#b3261e;margin:0 0 .4rem'>"
                    f"{html.escape(k.verdict)}</p>", unsafe_allow_html=True)
        if k.points:
            st.markdown("**Le plus grave**")
        for i, p in enumerate(k.points, start=1):
            left, right = st.columns([5, 1], vertical_alignment="center")
            flag = " · ⚠ clause défavorable" if p.red_flag else ""
            where = f" · {html.escape(p.where)}" if p.where else ""
            left.markdown(f"{i}. {logic.pill_html(p.status, small=True)} **{p.obligation_id} — {html.escape(p.title)}** "
                          f"<small>(sévérité {logic.SEVERITY_FR[p.severity].lower()}{flag}{where})</small><br>"
                          f"<small>{html.escape(p.why)}</small>", unsafe_allow_html=True)
            right.button("Ouvrir", key=f"open_{a.sha256}_{p.obligation_id}", icon=":material/arrow_forward:",
                         on_click=open_detail, args=(a.sha256, p.obligation_id), width="stretch")
        if k.first_questions:
            st.markdown("**À demander d'abord au fournisseur**\n\n" + "\n".join(f"- {q}" for q in k.first_questions))
        st.markdown(f"**{k.next_step}**")
        note = logic.jargon_note(*(p.title for p in k.points), *(p.why for p in k.points))
        if note:
            st.caption(note)


def summary_tab(a: Analysis, library: Library) -> None:
    report = a.report
    assert report is not None
    conclusion_box(a, library)
    s = logic.summary(report)
    cols = st.columns(5)
    cols[0].metric("Couverture", f"{round((s['coverage'] or 0) * 100)} %",
                   help="Part des obligations applicables jugées présentes.")
    cols[1].metric("Présentes", s["present"], help="Clause présente, engagement ferme, chiffres conformes.")
    cols[2].metric("Faibles", s["weak"], help="Clause incomplète, atténuée ou hors des seuils de votre profil.")
    cols[3].metric("Absentes", s["missing"], help="Aucun passage du contrat ne traite du sujet.")
    cols[4].metric("⚠ Points d'alerte", s["red_flags"],
                   help="Clauses qui limitent ou contredisent une obligation (ex. notification « dans les meilleurs délais »).")
    n, m = s["reviewed"], s["overridden"]
    reviewed = (f" Relecture : {n} verdict{'s' if n > 1 else ''} examiné{'s' if n > 1 else ''}, dont {m} "
                f"modifié{'s' if m > 1 else ''} par le relecteur." if n else " Aucun verdict relu pour l'instant.")
    st.caption(f"{s['applicable']} obligations s'appliquent à ce profil et à ce type de fournisseur "
               f"({s['not_applicable']} non applicables).{reviewed}")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Par thème")
        chart = alt.Chart(pd.DataFrame(logic.theme_counts(report, library))).mark_bar().encode(
            y=alt.Y("Thème:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("Obligations:Q", stack="zero", title="Nombre d'obligations"),
            color=alt.Color("Verdict:N", scale=STATUS_SCALE, legend=alt.Legend(orient="top", title=None)),
            order=alt.Order("ordre:Q"),
            tooltip=["Thème", "Verdict", "Obligations"],
        )
        st.altair_chart(chart, width="stretch")
        st.subheader("Par sévérité")
        st.dataframe(pd.DataFrame(logic.severity_table(report)), hide_index=True, width="stretch")
    with right:
        st.subheader("Lacunes par ordre de priorité")
        gaps = logic.serious_gaps(report)
        if not gaps:
            st.success("Aucune lacune ni point d'alerte.")
        for f in gaps:
            status = reviewed_status(report, f)
            flag = " · ⚠ point d'alerte" if f.red_flag else ""
            reason = next(iter(logic.reasons(report, f)), "")
            st.markdown(f"{logic.pill_html(status, small=True)} {logic.severity_html(f.severity)} "
                        f"**{f.obligation_id} — {html.escape(f.title)}**{flag}<br>"
                        f"<small>{html.escape(reason)}</small>", unsafe_allow_html=True)
            st.button("Voir le détail et la clause à ajouter", key=f"gap_{a.sha256}_{f.obligation_id}",
                      type="tertiary", icon=":material/arrow_forward:", on_click=open_detail,
                      args=(a.sha256, f.obligation_id))


# ---------------------------------------------------------------------------------------- checklist
def select_row(table_key: str, ids_key: str, select_key: str) -> None:
    """Callback of a row click: show the obligation of that row (ids as drawn when it was clicked)."""
    event = st.session_state.get(table_key)
    rows = list(event["selection"]["rows"]) if event else []
    ids = st.session_state.get(ids_key, [])
    if rows and rows[0] < len(ids):
        st.session_state[select_key] = ids[rows[0]]


def checklist_tab(a: Analysis, library: Library) -> None:
    report = a.report
    assert report is not None
    st.markdown("Toutes les obligations qui s'appliquent, **les plus graves d'abord**. "
                "Cliquez sur une ligne (case à gauche) ou choisissez une obligation plus bas pour voir "
                "le passage du contrat, la raison du verdict et la clause à proposer.")
    c1, c2, c3 = st.columns(3)
    themes = c1.multiselect("Thème", list(library.themes), format_func=lambda t: f"{t} — {library.theme_title(t)}",
                            key="f_themes", placeholder="Tous")
    statuses = c2.multiselect("Verdict", ["present", "weak", "missing"], format_func=logic.STATUS_FR.get,
                              key="f_status", placeholder="Tous")
    severities = c3.multiselect("Sévérité", ["critical", "major", "minor"], format_func=logic.SEVERITY_FR.get,
                                key="f_severity", placeholder="Toutes")
    findings = logic.checklist(report, logic.Filters(tuple(themes), tuple(statuses), tuple(severities)))
    table = pd.DataFrame(logic.checklist_rows(report, library, findings))
    select_key = f"oid_{a.sha256}"
    if table.empty:
        st.info("Aucune obligation ne correspond à ces filtres.")
    else:
        # A click on a row selects that obligation by id (callback), never by position: the table is
        # re-sorted after a decision, and a stale row number would point at another obligation.
        # After a decision the table gets a new key, so no stale selection survives either.
        table_key = f"table_{a.sha256}_{st.session_state.get(f'_table_v_{a.sha256}', 0)}"
        ids_key = f"_table_ids_{a.sha256}"
        st.session_state[ids_key] = [f.obligation_id for f in findings]
        styled = table.style.map(logic.status_cell_style, subset=["Verdict"])
        st.dataframe(
            styled, hide_index=True, width="stretch", height=min(38 + 35 * len(table), 420),
            on_select=functools.partial(select_row, table_key, ids_key, select_key), selection_mode="single-row",
            key=table_key,
            column_config={"Réf.": st.column_config.TextColumn(width="small", pinned=True),
                           "Obligation": st.column_config.TextColumn(width="large"),
                           "Chiffres (trouvé / attendu)": st.column_config.TextColumn(width="large"),
                           "Sources": st.column_config.TextColumn(width="medium")})
    st.divider()
    detail(a, library, select_key)


# ---------------------------------------------------------------------------------------- detail
def detail(a: Analysis, library: Library, select_key: str) -> None:
    report = a.report
    assert report is not None
    # The engine's order (not the reviewed one): a decision must not reorder the choices under the reviewer.
    options = [f.obligation_id for f in sorted(logic.applicable(report), key=lambda f: (
        logic.STATUS_ORDER[f.status], not f.red_flag, logic.SEVERITY_ORDER[f.severity], f.obligation_id))]
    toast = st.session_state.pop("_toast", None)
    if toast:
        st.toast(toast, icon=":material/check_circle:")
    kept = st.session_state.pop(f"_keep_{a.sha256}", None)
    if kept in options:
        st.session_state[select_key] = kept
    if st.session_state.get(select_key) not in options:
        st.session_state.pop(select_key, None)
    by_id = {f.obligation_id: f for f in report.findings}
    oid = st.selectbox("Obligation à examiner", options, key=select_key,
                       format_func=lambda o: logic.option_label(report, by_id[o]))
    f = by_id[oid]
    ob = library.get(oid)
    status = reviewed_status(report, f)
    st.markdown(f"### {f.obligation_id} — {html.escape(f.title)}")
    st.markdown(f"{logic.pill_html(status)} {logic.severity_html(f.severity)} "
                + (" <b style='color:#b3261e'>⚠ point d'alerte</b>" if f.red_flag else "")
                + f" <small>· thème {html.escape(library.theme_title(f.theme))}</small>", unsafe_allow_html=True)
    override = report.overrides.get(oid)
    if override:
        who = f" par {override['reviewer']}" if override.get("reviewer") else ""
        what = ("Verdict **modifié**" if override["changed"] else "Verdict **confirmé**")
        note = f" — « {override['comment']} »" if override.get("comment") else ""
        engine = f" (verdict de l'outil : {logic.STATUS_FR[f.status].lower()})" if override["changed"] else ""
        st.info(f"{what}{who} le {override['decided_at'][:10]}{engine}{note}", icon=":material/edit_note:")
    with st.expander("Pourquoi cette obligation compte", expanded=False):
        st.write(ob.explanation)
        st.caption("Sources : " + logic.sources_text(library, oid))

    left, right = st.columns([6, 5], gap="large")
    with left:
        st.markdown("#### Dans le contrat")
        evidence_view(a, f)
        decision_form(a, f)
    with right:
        st.markdown("#### Pourquoi ce verdict")
        labels = tuple(c.label for c in f.figures)
        shown = [r for r in logic.reasons(report, f) if not (labels and r.startswith(labels))]
        for r in shown:
            st.markdown(f"- {md(r)}")
        figures = logic.figure_rows(f)
        if figures:
            st.markdown("**Chiffres comparés aux seuils de votre profil**")
            for row in figures:
                st.markdown(f"- {md(row['Chiffre'])} : **{md(row['Trouvé dans le contrat'])}** — attendu "
                            f"{md(row['Attendu pour ce profil'])} ({md(row['Résultat'])})")
        note = logic.jargon_note(f.title, *shown, *(c.label for c in f.figures))
        if note:
            st.caption(note)
        for rf in f.red_flags:
            where = common.cite(rf.page, rf.article)
            st.warning(f"**Point d'alerte** ({md(where)}) : {md(rf.message)}\n\n> {md(rf.text)}")
        if status in ("weak", "missing") or f.red_flag:
            st.markdown("#### Clause à proposer")
            st.success(ob.model_clause)
            st.markdown("#### Questions à poser au fournisseur")
            for q in ob.questions:
                st.markdown(f"- {q}")


def evidence_view(a: Analysis, f: Finding) -> None:
    items = logic.pick_evidence(f)
    if not items:
        st.info("Aucun passage du contrat ne traite de cette obligation : la clause est à ajouter.")
        return
    index = 0
    if len(items) > 1:
        index = st.radio("Passage", range(len(items)), format_func=lambda i: logic.evidence_title(items[i]),
                         key=f"ev_{a.sha256}_{f.obligation_id}", label_visibility="collapsed")
    e = items[index]
    st.markdown(f"**{md(logic.evidence_title(e))}**")
    assert a.document is not None
    data = state.context().data_of(a.sha256)
    boxes = logic.page_boxes(a.document, e) if a.document.format == "pdf" else {}
    if data is not None and boxes:
        for page, (sentence, match) in boxes.items():
            png = page_image(a.sha256, page, tuple(sentence), tuple(match), True, data)
            st.image(png, caption=f"Page {page} — passage surligné en jaune, mots déterminants en orange",
                     width="stretch")
        with st.expander("Voir la page entière et le texte du passage"):
            for page, (sentence, match) in boxes.items():
                st.image(page_image(a.sha256, page, tuple(sentence), tuple(match), False, data),
                         caption=f"Page {page}", width="stretch")
            st.markdown(excerpt_block(a.document.text, e), unsafe_allow_html=True)
    else:
        st.markdown(excerpt_block(a.document.text, e), unsafe_allow_html=True)


def excerpt_block(text: str, e: object) -> str:
    body = logic.evidence_html(text, e)  # type: ignore[arg-type]
    return ('<div class="clausier-excerpt" style="border-left:4px solid #e6a000;background:#fffdf3;padding:0.7rem 1rem;'
            f'line-height:1.55;font-size:0.95rem">{body}</div>')


@st.cache_data(max_entries=64, show_spinner=False)
def page_image(sha256: str, page: int, sentence: tuple, match: tuple, zoom: bool, _pdf: bytes) -> bytes:
    return render_page_png(_pdf, page, sentence, match, zoom=zoom)


def decision_form(a: Analysis, f: Finding) -> None:
    report = a.report
    assert report is not None
    ctx = state.context()
    st.markdown("#### Votre décision")
    st.caption("Même verdict que l'outil : vous le **confirmez** ; autre verdict : il **remplace** celui de l'outil "
               "dans la synthèse et les exports. Enregistré sur ce poste, retrouvé à la prochaine ouverture du "
               "même contrat.")
    statuses = ["present", "weak", "missing", "not_applicable"]
    current = reviewed_status(report, f)
    suffix = f"{a.sha256}_{f.obligation_id}"
    with st.form(key=f"decision_{suffix}", border=True):
        status = st.radio("Verdict retenu", statuses, index=statuses.index(current), horizontal=True,
                          key=f"dec_status_{suffix}",
                          format_func=lambda s: logic.STATUS_ICON[s] + " " + logic.STATUS_FR[s]
                          + (" (proposé par l'outil)" if s == f.status else ""))
        comment = st.text_area("Commentaire", key=f"dec_comment_{suffix}",
                               placeholder="Ex. : clause présente en annexe 3 du PAS, hors du fichier.")
        reviewer = st.text_input("Relecteur", value=ctx.reviewer, key=f"dec_reviewer_{suffix}")
        submitted = st.form_submit_button("Enregistrer la décision", type="primary", key=f"dec_submit_{suffix}")
    if submitted:
        state.save_decision(a, f, status, comment, reviewer)
        keep_obligation(a.sha256, f.obligation_id)
        # Shown by the next run (a toast sent just before st.rerun() can be lost).
        st.session_state["_toast"] = f"Décision enregistrée pour {f.obligation_id}."
        st.rerun()
    if f.obligation_id in report.overrides:
        if st.button("Annuler ma décision (revenir au verdict de l'outil)", key=f"clear_{a.sha256}_{f.obligation_id}"):
            state.clear_decision(a, f.obligation_id, ctx.reviewer)
            keep_obligation(a.sha256, f.obligation_id)
            st.rerun()


def keep_obligation(sha256: str, obligation_id: str) -> None:
    """After a decision: the panel stays on this obligation, and the table's row selection is reset."""
    st.session_state[f"_keep_{sha256}"] = obligation_id
    st.session_state[f"_table_v_{sha256}"] = st.session_state.get(f"_table_v_{sha256}", 0) + 1


# ---------------------------------------------------------------------------------------- exports
def export_tab(a: Analysis, library: Library) -> None:
    assert a.report is not None
    st.markdown("Les rapports reprennent les verdicts **après relecture** et signalent ceux que vous avez modifiés.")
    short, full = exporting.question_counts(a.report, library)
    all_questions = st.toggle(f"Questionnaire complet ({full} questions ; sinon les {short} plus importantes)",
                              key=f"all_q_{a.sha256}", disabled=full <= short,
                              help="Par défaut, le questionnaire fournisseur ne pose que la question principale des "
                                   "points les plus graves, les plus graves d'abord.")
    for item in exporting.available(a.report, library, state.context().data_of(a.sha256), all_questions):
        st.download_button(item.label, data=item.make, file_name=item.file_name, mime=item.mime,
                           key=f"dl_{item.fmt}_{a.sha256}", on_click="ignore")


# ---------------------------------------------------------------------------------------- page
def main() -> None:
    ctx = state.context()
    library = state.get_library()
    for bad in (a for a in ctx.analyses if not a.ok):
        st.error(f"**{md(bad.name)}** n'a pas été analysé : {md(bad.error)}", icon=":material/block:")
    good = [a for a in ctx.analyses if a.ok]
    if not good:
        welcome()
        return
    if len(good) > 1:
        names = logic.bidder_names(good)
        pick = st.selectbox("Contrat affiché", range(len(good)), format_func=lambda i: names[i], key="shown")
        a = good[pick if pick is not None and pick < len(good) else 0]
    else:
        a = good[0]
    header(a, ctx, library)
    elapsed = st.session_state.get("_last_analysis_s")
    labels = [TAB_SUMMARY, TAB_CHECK, TAB_EXPORT]
    tabs = st.tabs(labels, key="tab", on_change="rerun", default=TAB_SUMMARY)
    for tab, draw in zip(tabs, (summary_tab, checklist_tab, export_tab)):
        if tab.open:
            with tab:
                draw(a, library)
    if elapsed:
        load = st.session_state.get("_last_model_load_s") or 0
        extra = (f", dont {str(load).replace('.', ',')} s pour charger le modèle de langue (une seule fois par "
                 "lancement)") if load else ""
        st.caption(f"Dernière analyse : {str(elapsed).replace('.', ',')} s{extra}.")


main()
