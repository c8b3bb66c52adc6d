"""Who said what: quotes, reported speech and their speakers found at indexing time (`extraction/`),
and who-said questions matched (`whosaid`) and answered (`answers`) from the quote table; word lists in
`lexicon`."""

from qa.quotes.extraction.extract import ExtractOptions, IndexingExtractor, extract_quotes

__all__ = ["ExtractOptions", "IndexingExtractor", "extract_quotes"]
