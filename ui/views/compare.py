"""Page 'Comparaison d'offres': several bids for the same profile side by side, with a weighted score."""

from __future__ import annotations

from dataclasses import replace

import altair as alt
import pandas as pd
import streamlit as st

from clausier.report.markdown import md  # contract-derived text shown as Markdown is escaped
from ui import exporting, logic, state


def bid_names(bids: list[logic.Analysis]) -> dict[str, str]:
    """Editable bid names (by SHA-256), defaulting to the vendor named in the contract or the file name."""
    chosen: dict[str, str] = {}
    saved: dict[str, str] = st.session_state.setdefault("_bid_names", {})  # kept when the page is left
    with st.expander("Noms des offres (modifiables)", expanded=True, icon=":material/edit:"):
        st.caption("Par défaut : le fournisseur nommé dans le contrat (« la société X, ci-après le Prestataire »), "
                   "sinon le nom du fichier. Ces noms servent au classement, à la grille et aux exports.")
        cols = st.columns(min(len(bids), 3))
        for i, a in enumerate(bids):
            key = f"bidname_{a.sha256}"
            if key not in st.session_state:
                st.session_state[key] = saved.get(a.sha256) or logic.default_bid_name(a)
            chosen[a.sha256] = cols[i % len(cols)].text_input(f"Offre {i + 1} — fichier « {a.name} »", key=key,
                                                              max_chars=60)
            saved[a.sha256] = chosen[a.sha256]
    return chosen


def main() -> None:
    ctx = state.context()
    library = state.get_library()
    st.title("Comparer les offres d'un appel d'offres", anchor=False)
    st.markdown(
        "Déposez dans la colonne de gauche les contrats ou annexes sécurité de **plusieurs candidats** : ils sont "
        "analysés avec le même profil acheteur et le même type de fournisseur, puis comparés obligation par "
        "obligation. Les verdicts que vous avez relus dans « Analyse d'un contrat » sont pris en compte.")
    for bad in (a for a in ctx.analyses if not a.ok):
        st.error(f"**{md(bad.name)}** n'a pas été analysé : {md(bad.error)}", icon=":material/block:")
    bids = [a for a in ctx.analyses if a.ok]
    if len(bids) < 2:
        st.info(f"Chargez au moins deux offres pour les comparer ({len(bids)} chargée(s) pour l'instant).")
        return
    supplier = logic.supplier_label(library, ctx.supplier)
    st.caption(f"Profil « {library.buyer_profiles[ctx.profile].label} » · fournisseur : {supplier}")
    chosen = bid_names(bids)
    names = logic.bidder_names(bids, chosen)

    st.subheader("Classement")
    with st.expander("Comment le score est calculé"):
        for line in logic.score_method():
            st.markdown(f"- {line}")
    scores = logic.score_rows(bids, chosen)
    # Full width, one line per bid: nothing clipped, whatever the number of bids.
    st.dataframe(pd.DataFrame(scores), hide_index=True, width="stretch", key="cmp_scores",
                 column_config={"Offre": st.column_config.TextColumn(width="medium", pinned=True),
                                "Score pondéré": st.column_config.ProgressColumn(
                                    "Score pondéré", format="%.1f %%", min_value=0, max_value=100, width="medium")})
    data = pd.DataFrame({"offre": [r["Offre"] for r in scores], "score": [r["Score pondéré"] for r in scores]})
    bars = alt.Chart(data).encode(
        x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title="Score pondéré (%)"),
        y=alt.Y("offre:N", sort="-x", title=None, axis=alt.Axis(labelLimit=400)),
        tooltip=[alt.Tooltip("offre:N", title="Offre"), alt.Tooltip("score:Q", title="Score (%)", format=".1f")])
    chart = (bars.mark_bar(color="#1f4e9c") + bars.mark_text(align="left", dx=4).encode(
        text=alt.Text("score:Q", format=".1f"))).properties(height=44 * len(scores) + 30)
    st.altair_chart(chart, width="stretch")

    st.subheader("Obligation par obligation")
    rows = logic.compare_rows(bids, library, chosen)
    c1, c2 = st.columns([2, 1])
    severities = c1.multiselect("Sévérité", ["Critique", "Majeure", "Mineure"], key="cmp_sev", placeholder="Toutes")
    only_diff = c2.toggle("Seulement les obligations où les offres diffèrent", key="cmp_diff")
    shown = [r for r in rows if (not severities or r["Sévérité"] in severities)
             and (not only_diff or len({str(r[n]).split(" ")[0] for n in names}) > 1)]
    if shown:
        table = pd.DataFrame(shown)
        config = {"Réf.": st.column_config.TextColumn(width="small", pinned=True),
                  "Obligation": st.column_config.TextColumn(width="large", pinned=True),
                  "Sévérité": st.column_config.TextColumn(width="small")}
        config.update({n: st.column_config.TextColumn(n, width="medium") for n in names})
        st.dataframe(table.style.map(logic.status_cell_style, subset=names), hide_index=True, width="stretch",
                     height=min(38 + 35 * len(table), 600), column_config=config, key="cmp_matrix")
        st.caption("Les colonnes « Réf. » et « Obligation » restent visibles quand on fait défiler les offres.")
    else:
        st.info("Aucune obligation ne correspond à ces filtres.")

    st.subheader("Exporter la comparaison")
    reports = [replace(a.report, document={**a.report.document, "bid_name": n})
               for a, n in zip(bids, names) if a.report is not None]
    failed = [(a.name, a.error or "") for a in ctx.analyses if not a.ok]
    d1, d2, d3 = st.columns(3)
    xlsx = (lambda: exporting.comparison_xlsx(reports, library, failed)) if exporting.exports_module() else (
        lambda: logic.to_xlsx({"Classement": scores, "Grille": rows}))
    d1.download_button("Matrice de comparaison (Excel)", data=xlsx, file_name="comparaison-offres.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="dl_cmp_xlsx", on_click="ignore", type="primary")
    d2.download_button("Grille obligations × offres (CSV)", data=logic.to_csv(rows), file_name="comparaison-offres.csv",
                       mime="text/csv", key="dl_cmp_csv", on_click="ignore")
    d3.download_button("Classement (CSV)", data=logic.to_csv(scores), file_name="classement-offres.csv",
                       mime="text/csv", key="dl_cmp_scores", on_click="ignore")


main()
