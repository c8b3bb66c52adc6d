"""Choose the quote check's thresholds on checks built from the dev quotes."""
