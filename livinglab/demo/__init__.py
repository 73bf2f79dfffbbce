"""Demo data for every app, loaded by `manage.py load_demo` (and `prepare_site`, for `make run`).

The texts and figures are JSON files in `data/`; the modules here hold the logic:
`accounts` (site, home page, reference data, one account per role), `campaigns`, `evaluation`
(protocols and responses), `runs` (published evaluation runs) and `cms` (pages and media).
"""
