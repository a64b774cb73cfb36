"""The demo coalition's funder reports: the last two full quarters published, each with a
narrative, and a draft for the quarter under way, so that a funder signing in to the demo
finds reports to read and an organizer finds one to finish.

Called by ``coalitions/demo.py`` once the rest of the demo is built. The figures come from
whatever the demo holds: without metric runs the relationship and leadership figures say "no
data", and the reports are built all the same.
"""

import datetime

from coalitions.models import Coalition, RoleName
from coalitions.reports import figures as reporting
from coalitions.reports.models import Report
from coalitions.reports.services import report_create, report_publish

NARRATIVES = (
    "Tenants, congregations and unions kept meeting one to one all quarter, and it shows in "
    "the relationships between member organisations.\n\n"
    "**What we learned:** the testimony worked because the people most affected by rising "
    "rents spoke first. We will keep it that way.",
    "The coalition moved from protest to negotiation this quarter: the council is now "
    "debating *our* ordinance.\n\n"
    "- more tenants lead actions than a year ago\n"
    "- faith and labour partners stood with tenants at every hearing\n\n"
    "Next quarter we aim for the Mayor's signature.",
)


def demo_reports_load(*, coalition: Coalition, users: dict, today: datetime.date) -> list[Report]:
    organizer = users[RoleName.ORGANIZER]
    last_start, last_end = reporting.last_full_quarter(today)
    before = reporting.previous_period(last_start, last_end)
    reports = []
    for (start, end), narrative in zip((before, (last_start, last_end)), NARRATIVES, strict=True):
        report = report_create(
            coalition=coalition,
            created_by=organizer,
            period_start=start,
            period_end=end,
            narrative=narrative,
        )
        reports.append(report_publish(report=report, published_by=organizer))
    current_start, current_end = reporting.quarter_of(today)
    reports.append(
        report_create(
            coalition=coalition,
            created_by=organizer,
            period_start=current_start,
            period_end=current_end,
        )
    )
    return reports
