"""Plumbing with no knowledge of the records (基础设施): atomic writes (``atomic``), opening files without following
links (``nofollow``), forked pools (``parallel``), the one cache folder and format (``cache``, ``filecache``) and
sealed folders (``seal``).
"""
