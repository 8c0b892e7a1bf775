"""The Git host (代码托管平台: GitHub or Gitea): its REST API — issues and pull requests (``client``) over one
HTTP transport with retries, rate limits and paging (``transport``), the only modules that talk to it — the
due-soon and overdue reminders and their sync (``reminders``, ``reminder_sync``), group messages (``chat_*``),
who may change what (``permissions``), issue-form intake (``intake_form``, ``intake_run``), uploaded imports
(``import_run``, carried out by ``entry.city_import``) and the weekly lock update (``lock_update``).
Knows nothing of the site or the demo.
"""
