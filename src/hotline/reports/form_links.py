"""One click to record (一键登记): links from the site to the Git host's issue forms, pre-filled.

For an open dispatch, ``next_events`` names the events its unit is likely to record next (接收, 联系,
答复, 延期申请, 退回申请), the most likely first; ``form_url`` is the address of the host's new-issue page
with that event's form (``.github/ISSUE_TEMPLATE/``) and the order id and unit filled in through the
URL, so staff without Git record progress from the page they are reading. The intake (``host.intake_form``)
checks whatever is submitted, as always.

GitHub takes the form's file name and each field by its id (``?template=1-accept.yml&order_id=…``);
Gitea takes the form's path in the repository and each field as ``field:<id>`` (``?template=.github/
ISSUE_TEMPLATE/1-accept.yml&field:order_id=…``, routers/web/repo/issue_new.go). Both take ``title``.
Pure: no I/O.
"""

from __future__ import annotations

from urllib.parse import urlencode

from hotline.lifecycle.state import DispatchState
from hotline.records.rules import HostSettings

# event type → the issue form that records it (file in HostSettings.forms_dir); tested against the forms
FORMS = {
    "接收": "1-accept.yml",
    "联系": "2-contact.yml",
    "答复": "3-reply.yml",
    "退回申请": "4-return-request.yml",
    "延期申请": "5-extension-request.yml",
}


def next_events(d: DispatchState) -> list[str]:
    """The events the unit may record next on this dispatch, most likely first; none once it is settled
    on the unit's side (replied, returned, or a return request awaiting review)."""
    if d.returned or (d.return_requested_at is not None and d.return_approved is None):
        return []
    if d.accepted_at is None:
        return ["接收", "退回申请"]
    if d.in_redo and d.redo_at is not None:  # in_redo implies a redo_at
        return ["答复"] if d.contacted_at is not None and d.contacted_at >= d.redo_at else ["联系", "答复"]
    if d.reply_at is not None:
        return []
    extension = [] if d.pending_extension is not None else ["延期申请"]
    if d.contacted_at is None:
        return ["联系", "答复", *extension]
    return ["答复", *extension]


def form_url(host: HostSettings, event: str, order_id: str, unit: str) -> str:
    """The host's new-issue page with the form for ``event``, the order id and the unit filled in."""
    form = FORMS[event]
    fields = {"order_id": order_id, "unit": unit}
    title = f"[{event}] 工单编号：{order_id}"
    if host.kind == "gitea":
        query = {
            "template": f"{host.forms_dir.strip('/')}/{form}",
            "title": title,
            **{f"field:{k}": v for k, v in fields.items()},
        }
    else:
        query = {"template": form, "title": title, **fields}
    return f"{host.repo_url}/issues/new?{urlencode(query)}"


def links(host: HostSettings | None, d: DispatchState, unit_name: str) -> list[tuple[str, str]]:
    """(event, URL) for each likely next event of ``d``; none without a configured host."""
    if host is None:
        return []
    return [(ev, form_url(host, ev, d.order_id, unit_name)) for ev in next_events(d)]
