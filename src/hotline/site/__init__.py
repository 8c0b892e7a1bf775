"""The internal site (内部网站): renders what ``reports.publication`` computed — pages (one module per site
section, listed in ``pages``; what they choose to show is decided in ``reports.page_facts``), data files and
charts — into plain Markdown, then builds it with MkDocs (``build``); incremental builds reuse documents by
content (``reuse``) and re-render only changed pages (``incremental``). Computes nothing of its own.
"""
