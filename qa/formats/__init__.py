"""Answers, quote lists and quote checks as JSON records (the contract) and as Markdown, CSV or JSON to
take away."""
