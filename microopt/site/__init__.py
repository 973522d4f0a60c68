"""The lesson site: every lesson notebook as a standalone page, and explorables that need no kernel.

``microopt site --out DIR`` (``build_site``) writes static files that open from ``file://`` and
ask no other host for anything. ``microopt.site.lite`` builds JupyterLite: the notebooks
themselves, running in the browser on Pyodide.
"""
