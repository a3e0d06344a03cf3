"""What the reminder tests share: 08:00 in Rome, running `send_due_reminders`, an email's links."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management import call_command

UTC = ZoneInfo("UTC")
# Monday 16 November 2026, 08:00 in Rome (CET, UTC+1).
ROME_0800 = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)


def run(now: datetime) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_due_reminders", now=now.isoformat(), stdout=out)
    return out.getvalue()


def links(message) -> dict[str, str]:
    found = dict(re.findall(r"http://testserver(/r/(took|skip|snooze|unsubscribe)/[^/\s]+/)", message.body))
    return {action: path for path, action in found.items()}
