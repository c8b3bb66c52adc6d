"""Fit the pronoun ranker of `qa.quotes.extraction.ranking` on annotated quotes."""
