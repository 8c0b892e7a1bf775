"""The lifecycle of a work order (工单办理流程): ``derive`` replays events into dispatch states;
``status`` is the one status model every page, register, report, command and reminder asks."""
