"""Command line: thin wrappers over the library functions.

Exit codes: 0 nothing flagged; 1 some obligation weak, missing or red-flagged; 2 input or usage
error (a bad file in a batch gives 2 after the other files have been processed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from clausier import __version__
from clausier.errors import ClausierError, InputDocumentError, UsageError
from clausier.ingest import DEFAULT_LIMITS, Limits

SUPPORTED = {".pdf", ".docx", ".txt", ".md"}
FORMATS_CHECK = ("text", "json", "md", "html", "docx", "questions", "questions-docx", "xlsx", "csv", "ciso")


def _limits(args: argparse.Namespace) -> Limits:
    return Limits(
        max_file_bytes=int(args.max_size_mb * 1024 * 1024),
        max_pages=args.max_pages,
        ocr=not args.no_ocr,
    )


def _add_limit_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--max-size-mb", type=float, default=DEFAULT_LIMITS.max_file_bytes / 1024 / 1024,
                   help="taille maximale d'un fichier (Mo)")
    p.add_argument("--max-pages", type=int, default=DEFAULT_LIMITS.max_pages, help="nombre maximal de pages d'un PDF")
    p.add_argument("--no-ocr", action="store_true", help="ne pas lancer l'OCR sur les pages scannées")


def _add_review_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--decisions", nargs="?", const="", default=None, metavar="BASE",
                   help="appliquer les décisions du relecteur (base SQLite ; par défaut celle de l'interface)")


def expand_inputs(paths: list[str]) -> list[Path]:
    """Files as given; a directory contributes its supported files (sorted, non-recursive).
    The other files of a directory are listed on stderr as skipped (hidden files excepted)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            files = sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith("."))
            out.extend(c for c in files if c.suffix.lower() in SUPPORTED)
            for c in files:
                if c.suffix.lower() not in SUPPORTED:
                    _err(f"ignoré : « {c.name} » ({_skip_reason(c)}).")
        else:
            out.append(p)
    return out


def _skip_reason(path: Path) -> str:
    if path.suffix.lower() in (".doc", ".odt", ".rtf", ".pages", ".wpd"):
        return "format de traitement de texte non pris en charge : enregistrez-le en .docx ou en PDF"
    return "format non pris en charge : PDF, DOCX, TXT ou MD attendu"


EXIT_1_NOTE = ("code de sortie 1 : des points du contrat sont à revoir (ce n'est pas une erreur ; "
               "0 = rien à signaler, 2 = fichier ou commande en erreur).")


def _err(message: str) -> None:
    print(f"clausier : {message}", file=sys.stderr)


def cmd_parse(args: argparse.Namespace) -> int:
    from clausier.ingest import load_document
    from clausier.nlp import detect_language, load_nlp, pipeline_for
    from clausier.segment import segment

    status = 0
    nlp = None
    for path in expand_inputs(args.files):
        try:
            doc = load_document(path, _limits(args))
            nlp = nlp or load_nlp()
            parsed = segment(doc, pipeline_for(detect_language(doc.text), nlp))
        except ClausierError as exc:
            _err(str(exc))
            status = 2
            continue
        st = parsed.structure
        if args.format == "json":
            print(json.dumps({
                "document": {"name": doc.source_name, "format": doc.format, "sha256": doc.sha256,
                             "pages": doc.page_count or None, "characters": len(doc.text), "warnings": doc.warnings},
                "sections": [{"kind": s.kind, "number": s.number, "title": s.title, "level": s.level,
                              "path": list(s.path), "start": s.start, "end": s.end,
                              "page": doc.page_at(s.start)} for s in st.sections],
                "sentences": len(st.sentences),
                "toc_lines_skipped": st.toc_lines,
            }, ensure_ascii=False, indent=2))
        else:
            print(f"{doc.source_name} : {doc.format.upper()}, {doc.page_count or '-'} pages, "
                  f"{len(doc.text)} caractères, {len(st.sentences)} phrases")
            for w in doc.warnings:
                print(f"  avertissement : {w}")
            for s in st.sections[1:]:
                page = doc.page_at(s.start)
                print(f"{'  ' * max(s.level, 0)}{s.label} — {s.title}" + (f"  (p. {page})" if page else ""))
    return status


def _output_path(out: str | None, src: Path, fmt: str, many: bool,
                 used: set[Path] | None = None) -> Path | None:
    """None: standard output. Several inputs (or a directory): one '<input name>.<suffix>' each,
    the name made safe (no control characters) and made unique within the run (two inputs called
    the same in different folders give 'a.pdf.json' and 'a.pdf-2.json')."""
    from clausier.ingest import safe_display_name
    from clausier.report.exports import output_name

    if out is None:
        return None
    target = Path(out)
    if many or target.is_dir() or out.endswith(("/", "\\")):
        target.mkdir(parents=True, exist_ok=True)
        name = safe_display_name(src.name)
        path = target / output_name(name, fmt)
        n = 2
        while used is not None and path in used:
            path = target / output_name(f"{name}-{n}", fmt)
            n += 1
        if used is not None:
            used.add(path)
        return path
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


def _decisions(args: argparse.Namespace) -> Any:
    """The reviewer decision store when --decisions was given (its path, or the default store)."""
    if getattr(args, "decisions", None) is None:
        return None
    from clausier.review import DecisionStore

    return DecisionStore(args.decisions or None)


def _reviewed(report: Any, store: Any) -> Any:
    if store is None:
        return report
    from clausier.review import apply_overrides

    return apply_overrides(report, store.decisions(report.document["sha256"]))


def _flagged(report: Any) -> bool:
    from clausier.report.common import applicable, flagged

    return any(flagged(report, f) for f in applicable(report))


def _engine(args: argparse.Namespace) -> Any:
    from clausier.engine.analyze import Engine
    from clausier.library.loader import load_library

    library = load_library(args.library) if args.library else None
    engine = Engine.create(library, classifier=False if getattr(args, "no_model", False) else None)
    engine.resolve_profile(args.profile, args.supplier_type)  # fail fast on a bad profile
    return engine


def cmd_check(args: argparse.Namespace) -> int:
    from clausier.report.exports import FORMATS, export

    files = expand_inputs(args.files)
    if not files:
        raise UsageError("aucun fichier à analyser.", code="U003")
    if FORMATS[args.format].binary and args.output is None:
        raise UsageError(f"le format « {args.format} » produit un fichier : précisez -o FICHIER "
                         "(ou -o DOSSIER pour plusieurs contrats).", code="U005")
    engine = _engine(args)
    store = _decisions(args)
    worst = 0
    errors = 0
    many = len(files) > 1
    written: set[Path] = set()
    for src in files:
        try:
            report = _reviewed(engine.analyze_file(src, args.profile, args.supplier_type, _limits(args)), store)
        except InputDocumentError as exc:
            _err(str(exc))
            errors += 1
            continue
        data = export(report, engine.library, args.format, source_path=src, all_questions=args.all_questions)
        target = _output_path(args.output, src, args.format, many, written)
        if target is None:
            sys.stdout.write(data.decode("utf-8"))
        else:
            target.write_bytes(data)
            print(f"{src.name} : rapport écrit dans {target}", file=sys.stderr)
        if _flagged(report):
            worst = 1
    if errors:
        _err(f"{errors} fichier(s) n'ont pas pu être analysés.")
        return 2
    if worst == 1:
        _err(EXIT_1_NOTE)
    return worst


def _comparison_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "csv"):
        return suffix
    raise UsageError(f"« {args.output} » : extension .xlsx ou .csv attendue (ou précisez --format).", code="U006")


def cmd_compare(args: argparse.Namespace) -> int:
    """Tender matrix of several offers; offers that cannot be read are listed, the others compared."""
    from clausier.report.exports import export_comparison
    from clausier.report.matrix import ranking

    files = expand_inputs(args.files)
    if not files:
        raise UsageError("aucun fichier à comparer.", code="U003")
    fmt = _comparison_format(args)
    engine = _engine(args)
    store = _decisions(args)
    reports = []
    failed: list[tuple[str, str]] = []
    for src in files:
        try:
            report = engine.analyze_file(src, args.profile, args.supplier_type, _limits(args))
            reports.append(_reviewed(report, store))
        except InputDocumentError as exc:
            _err(str(exc))
            failed.append((src.name, str(exc)))
    if not reports:
        _err("aucune offre n'a pu être analysée : pas de matrice.")
        return 2
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(export_comparison(reports, engine.library, fmt, failed))
    for rank, b in enumerate(ranking(reports), start=1):
        s = b.summary
        print(f"{rank}. {b.name} : {b.score:g}/100 ({s.present} présentes, {s.weak} faibles, "
              f"{s.missing} absentes, {s.red_flags} alertes)")
    print(f"Matrice écrite dans {target}", file=sys.stderr)
    if failed:
        _err(f"{len(failed)} fichier(s) n'ont pas pu être analysés (listés dans la matrice).")
        return 2
    if any(_flagged(r) for r in reports):
        _err(EXIT_1_NOTE)
        return 1
    return 0


def cmd_library(args: argparse.Namespace) -> int:
    from clausier.library.loader import load_library

    library = load_library(args.dir if getattr(args, "dir", None) else args.library)
    if args.library_cmd == "validate":
        print(f"Bibliothèque valide : {len(library.obligations)} obligations, {len(library.themes)} thèmes, "
              f"{len(library.buyer_profiles)} profils acheteurs, {len(library.supplier_types)} types de fournisseurs ; "
              f"version {library.version_label}.")
        return 0
    if args.library_cmd == "list":
        for ob in library.obligations.values():
            print(f"{ob.id:4} {ob.severity.value:8} {ob.title}")
        return 0
    if args.library_cmd == "show":
        ob = library.get(args.id.upper())
        print(json.dumps(ob.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    if args.library_cmd == "export":
        from clausier.report.library_export import export_library

        path = export_library(library, args.profile, args.supplier_type, args.format, Path(args.output))
        print(f"Annexe écrite : {path}")
        return 0
    if args.library_cmd == "coverage":
        from clausier.library.coverage import render_coverage

        text = render_coverage(library)
        if args.output:
            Path(args.output).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        return 0
    raise UsageError("sous-commande inconnue", code="U001")


def cmd_model(args: argparse.Namespace) -> int:
    """`clausier model train`: the trained clause classifier (see models/README.md)."""
    from clausier.classifier.train import train_default

    summary = train_default(Path(args.out), seed=args.seed)
    print(f"Modèle écrit dans {args.out} : {summary}")
    return 0


def _add_model_parser(sub: Any) -> None:
    from clausier.classifier import DEFAULT_MODEL_DIR

    p = sub.add_parser("model", help="entraîner le classifieur de clauses (models/)")
    msub = p.add_subparsers(dest="model_cmd", required=True)
    t = msub.add_parser("train", help="entraîner le classifieur par thème (déterministe)")
    t.add_argument("--out", default=str(DEFAULT_MODEL_DIR), help="dossier du modèle entraîné")
    t.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_model)


UI_SCRIPT = Path(__file__).resolve().parents[1] / "ui" / "app.py"


def ui_command(port: int, script: Path = UI_SCRIPT) -> list[str]:
    """The ``streamlit run`` command line of the review view: local address only, no telemetry."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", "--global.developmentMode", "false"]


class _Stopped(Exception):
    """SIGTERM or SIGHUP received by `clausier ui`."""


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, between fork and exec
    """Linux: the Streamlit child gets SIGTERM when `clausier ui` dies, even killed with SIGKILL."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def cmd_ui(args: argparse.Namespace) -> int:
    """Run the Streamlit review view as a child process that never outlives this command."""
    import os
    import signal
    import subprocess

    if not UI_SCRIPT.is_file():
        raise UsageError(f"interface introuvable : {UI_SCRIPT} (installez clausier depuis le dépôt).", code="U004")
    print(f"clausier : ouvrez http://127.0.0.1:{args.port} dans votre navigateur (l'interface démarre en "
          "quelques secondes ; Ctrl+C pour arrêter)", file=sys.stderr)
    env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(ui_command(args.port), cwd=UI_SCRIPT.parents[1], env=env,
                            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)

    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return proc.wait()
    except _Stopped as exc:
        return 128 + int(exc.args[0])
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clausier", description="Vérification hors ligne des clauses de sécurité "
                                     "des contrats de fournisseurs informatiques de santé.")
    parser.add_argument("--version", action="version", version=f"clausier {__version__}")
    parser.add_argument("--library", help="dossier de la bibliothèque de clauses (par défaut : celle fournie)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="analyser un ou plusieurs contrats")
    p.add_argument("files", nargs="+", help="fichiers PDF, DOCX, TXT ou dossiers")
    p.add_argument("--profile", default="full", help="profil acheteur : liberal, etablissement, groupement, full")
    p.add_argument("--supplier-type", default=None, help="type de fournisseur : EDI, SAAS, HEB, MAINT, TLC, RDV, DM, DEV, FAI")
    p.add_argument("--format", default="text", choices=FORMATS_CHECK,
                   help="text (défaut), json, md, html ; docx (copie annotée d'un DOCX ou revue citée) ; "
                        "questions / questions-docx (questionnaire fournisseur) ; xlsx / csv (grille) ; "
                        "ciso (audit à importer dans CISO Assistant). docx, questions-docx, xlsx et ciso exigent -o")
    p.add_argument("-o", "--output", help="fichier de sortie (ou dossier si plusieurs contrats : "
                                          "un fichier <nom du contrat>.<extension> chacun)")
    p.add_argument("--all-questions", action="store_true",
                   help="questionnaire complet (par défaut : les questions les plus importantes, 15 au plus)")
    _add_review_options(p)
    _add_limit_options(p)
    p.add_argument("--no-model", action="store_true", help="ne pas utiliser le classifieur entraîné (models/)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("compare", help="comparer des offres : matrice obligations x soumissionnaires (xlsx, csv)")
    p.add_argument("files", nargs="+", help="offres : fichiers PDF, DOCX, TXT ou dossiers")
    p.add_argument("--profile", default="full", help="profil acheteur : liberal, etablissement, groupement, full")
    p.add_argument("--supplier-type", default=None, help="type de fournisseur : EDI, SAAS, HEB, MAINT, TLC, RDV, DM, DEV, FAI")
    p.add_argument("-o", "--output", required=True, help="matrice à écrire : matrice.xlsx ou matrice.csv")
    p.add_argument("--format", default=None, choices=("xlsx", "csv"), help="par défaut : d'après l'extension de -o")
    _add_review_options(p)
    _add_limit_options(p)
    p.add_argument("--no-model", action="store_true", help="ne pas utiliser le classifieur entraîné (models/)")
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser("parse", help="afficher la structure d'un contrat (articles, annexes)")
    p.add_argument("files", nargs="+")
    p.add_argument("--format", default="text", choices=("text", "json"))
    _add_limit_options(p)
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("library", help="consulter, valider ou exporter la bibliothèque de clauses")
    lsub = p.add_subparsers(dest="library_cmd", required=True)
    lsub.add_parser("list", help="lister les obligations")
    s = lsub.add_parser("show", help="afficher une obligation")
    s.add_argument("id")
    s = lsub.add_parser("validate", help="valider la bibliothèque (schéma strict)")
    s.add_argument("dir", nargs="?", default=None)
    s = lsub.add_parser("export", help="exporter les clauses types d'un profil (annexe Word ou Markdown)")
    s.add_argument("--profile", default="full")
    s.add_argument("--supplier-type", default=None)
    s.add_argument("--format", default="docx", choices=("docx", "md"))
    s.add_argument("-o", "--output", default="annexe-securite.docx")
    s = lsub.add_parser("coverage", help="table de couverture des référentiels")
    s.add_argument("-o", "--output", default=None)
    p.set_defaults(func=cmd_library)
    _add_model_parser(sub)

    p = sub.add_parser("ui", help="ouvrir l'interface de relecture dans le navigateur (locale, hors ligne)")
    p.add_argument("--port", type=int, default=8501, help="port local (par défaut 8501)")
    p.set_defaults(func=cmd_ui)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        return int(args.func(args))
    except ClausierError as exc:
        _err(str(exc))
        return exc.exit_code
    except KeyboardInterrupt:
        _err("interrompu.")
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (e.g. `| head`)
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second error when Python flushes stdout at exit
        return 0


def run() -> Any:  # pragma: no cover - console script shim
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
