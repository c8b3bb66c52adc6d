"""Answering a question: understand it, retrieve and score candidate sentences, read them, and compose
the cited answer (`answerer.Answerer`)."""
