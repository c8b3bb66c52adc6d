"""Quality reports of `qa eval`: answers on a question file, quotes and who-said, with the rules of the
reference scorer."""
