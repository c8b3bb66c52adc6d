"""Train the speaker model: a quote and its paragraphs to the speaker's mention (`make train-speaker`)."""
