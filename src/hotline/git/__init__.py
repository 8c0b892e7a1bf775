"""Running Git (Git 操作): ``commands`` is the one module that runs ``git``; tags and refs (``refs``), the files
and branches a change touches (``changes``), the records' own commit identity (``identity``). Knows nothing of
the lifecycle or the history built on it.
"""
