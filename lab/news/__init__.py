"""The news questions in the lab: the confidence and the decline thresholds fitted on half nA."""
