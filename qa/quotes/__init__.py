"""Who said what: quotes, reported speech and their speakers, found at indexing time."""

from qa.quotes.extract import ExtractOptions, extract_quotes

__all__ = ["ExtractOptions", "extract_quotes"]
