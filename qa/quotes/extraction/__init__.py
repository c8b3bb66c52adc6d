"""Quotes and their speakers found in one article at indexing time: quote marks paired, paragraphs parsed,
reporting cues, each quote linked to its cue, the speaker named in full (`extract.extract_quotes`)."""
