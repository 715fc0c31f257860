"""Streamlit review view of clausier (launched by ``clausier ui``)."""
