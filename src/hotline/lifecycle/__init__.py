"""The lifecycle of a work order (工单办理流程): ``derive`` replays events into dispatch states (``state``);
``status`` is the one status model every page, register, report, command and reminder asks; ``settlement``
says when a dispatch's outcome is known; ``cached`` is the replay as kept in the check cache. Pure: no Git,
no history, no cache folder (the import-linter contract says so).
"""
