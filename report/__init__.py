"""The report for the people who run the assistant (`make report`, README.md "Report"):
what was asked, what was missed, what helped, as one HTML file of aggregates."""
