"""Checks beyond the schema (记录检查): every rule a record can break that reading it does not already find.

Owns the check lists ``suite.ORDER_CHECKS`` (per order, cached with its file) and ``suite.CHECKS`` (over the
repository, as of a moment; ``checked.Checked`` is what they look at), and one module per subject: order files
and the references between them (``orders``), merges (``merges``), replies, the office's timeliness,
attachments, assessment events, spot-check lists, untrusted content and the calendar. Checks return findings
and never raise; the runner is ``hotline.load``, which none of them imports.
"""
