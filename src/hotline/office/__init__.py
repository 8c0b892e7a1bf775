"""The hotline office's own work (县热线管理机构): random spot checks (``spot_check``) and repeated demands
(``repeats``, with the merge rule of ``checks.merges``). Knows nothing of staff entry or the Git host.
"""
