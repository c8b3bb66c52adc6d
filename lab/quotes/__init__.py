"""Fit the pronoun ranker of `qa.quotes.ranking` on annotated quotes."""
