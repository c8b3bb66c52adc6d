"""Quotes and their speakers (the public face of `qa.attribution`)."""

from qa.attribution import ExtractOptions, extract_quotes

__all__ = ["ExtractOptions", "extract_quotes"]
