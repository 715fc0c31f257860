"""clausier — review view (Streamlit). Launch: ``clausier ui`` (or ``streamlit run ui/app.py``).

This script draws the shared sidebar (contracts, buyer profile, supplier type, reviewer), runs
the analyses, then hands over to the selected page (ui/views/)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from ui import logic, state  # noqa: E402

st.set_page_config(page_title="clausier — clauses de sécurité", page_icon=":material/shield_lock:", layout="wide",
                   initial_sidebar_state="expanded")


# Streamlit draws some English strings of its own (uploader, input hints, status widget) that it
# does not let us translate: hide them and write French ones in their place (CSS only, no script).
FRENCH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {
  content: "Glissez-déposez vos contrats ici"; display: block; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "PDF, Word .docx, texte — 50 Mo au plus par fichier"; display: block; font-size: 0.8rem; opacity: 0.7; }
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]::after {
  content: "Parcourir"; font-size: 0.9rem; }
[data-testid="InputInstructions"], [data-testid="stStatusWidget"] { display: none; }
</style>"""


def sidebar() -> state.Context:
    library = state.get_library()
    with st.sidebar:
        st.markdown(FRENCH_CSS, unsafe_allow_html=True)
        st.markdown("### 1. Contrat(s) à vérifier")
        # No `type=` filter: Streamlit would refuse a .doc with an English tooltip; clausier accepts
        # the file and explains in French what to do with it (convert to .docx or PDF).
        files = st.file_uploader(
            "Déposez un ou plusieurs contrats (PDF, Word .docx, texte)", type=None,
            accept_multiple_files=True, key="uploads",
            help="Plusieurs fichiers : chacun est analysé séparément ; la page « Comparaison d'offres » "
                 "les compare. Les fichiers restent sur ce poste et ne sont pas conservés.")
        samples = st.multiselect("… ou le contrat d'exemple", state.SAMPLES, key="samples",
                                 placeholder="Aucun")
        st.markdown("### 2. Qui vérifie ?")
        profiles = list(library.buyer_profiles)
        profile = st.selectbox("Profil acheteur", profiles, key="profile",
                               format_func=lambda p: library.buyer_profiles[p].label)
        st.caption(library.buyer_profiles[profile].description)
        st.markdown("### 3. Quel fournisseur ?")
        choices = logic.supplier_choices(library, profile)
        default = logic.default_supplier(library, profile)
        supplier = st.selectbox("Type de fournisseur", choices, index=choices.index(default),
                                key=f"supplier_{profile}", format_func=lambda c: logic.supplier_label(library, c))
        st.caption(library.supplier_types[supplier].description if supplier else
                   "Toutes les obligations de la bibliothèque sont vérifiées.")
        st.divider()
        reviewer = st.text_input("Votre nom (relecteur)", key="reviewer",
                                 help="Enregistré avec chaque décision de relecture.")
    uploads = [logic.Upload.of(f.name, f.getvalue()) for f in files or []]
    uploads += [state.sample_upload(name) for name in samples]
    return state.Context(profile, supplier, reviewer, logic.dedupe(uploads))


ctx = sidebar()
ctx.analyses = state.analyse_all(ctx.uploads, ctx.profile, ctx.supplier)
st.session_state["_ctx"] = ctx

navigation = st.navigation([
    st.Page("views/review.py", title="Analyse d'un contrat", icon=":material/description:", default=True),
    st.Page("views/compare.py", title="Comparaison d'offres", icon=":material/balance:"),
])
navigation.run()
