"""Did someone really say this: the quote check and a speaker's record."""
