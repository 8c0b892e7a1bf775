"""The records' Git history (Git 历史): the one-pass walk over every commit (``walk``), what it keeps (``store``),
reading it with its cache (``reader``), when each event was recorded (``recorded``), each order's timeline
(``timeline``), the unit files as they stood at a time (``unit_versions``) and the audit findings (``audit``:
late records, rewritten events — the one place that decides "recorded too late").
"""
