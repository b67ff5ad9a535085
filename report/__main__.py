"""Write the report for the people who run the assistant (README.md, "The report").

    make report DAYS=30
    python -m report --days 30 --endpoints endpoints.yml --out report.html [--with-unanswered]

It reads the tracker store endpoints.yml names (SQLite or PostgreSQL, as Rasa builds its URL:
retention.database_url) and the "Was this helpful?" counts (FEEDBACK_DB, as the action server
reads it), and writes one HTML file that opens offline.
"""

import argparse
import time
from pathlib import Path

from actions.feedback import counts, feedback_db_url
from report.html import render
from report.queries import count, nothing_stored
from retention import DEFAULT_DAYS, SECONDS_PER_DAY, database_url


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m report", description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=float, default=DEFAULT_DAYS, help="the last N days")
    parser.add_argument("--endpoints", default="endpoints.yml", help="where the tracker store is")
    parser.add_argument("--out", default="report.html", help="the HTML file to write")
    parser.add_argument(
        "--feedback", help="the feedback counts' database (default: FEEDBACK_DB, feedback.db)"
    )
    parser.add_argument(
        "--with-unanswered",
        action="store_true",
        help="add the messages not understood, masked (README.md says who should)",
    )
    args = parser.parse_args()
    if args.days <= 0:
        parser.error("--days must be more than 0")
    started = time.monotonic()
    until = time.time()
    figures = count(
        database_url(args.endpoints),
        until - args.days * SECONDS_PER_DAY,
        until,
        with_unanswered=args.with_unanswered,
    )
    feedback_url = feedback_db_url(args.feedback)
    helpful = {} if nothing_stored(feedback_url) else counts(feedback_url)
    Path(args.out).write_text(render(figures, args.days, helpful), encoding="utf-8")
    print(
        f"Wrote {args.out}: {figures.total_conversations} conversations in the last "
        f"{args.days:g} days, in {time.monotonic() - started:.1f} s."
    )


if __name__ == "__main__":
    main()
