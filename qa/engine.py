"""`QAEngine`: the one entry point of the online side, shared by the CLI and the app: the library of
one store (`qa.library`) and the answerer over it (`qa.answering.answerer`)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from index.embedding import DEFAULT_MODEL, Encoder, make_encoder
from index.pipeline import Notice
from qa.answering.answerer import DEFAULT_CITATIONS, Answerer
from qa.answering.reader.decide import ReaderSettings
from qa.answering.reader.reader import Reader
from qa.factcheck.check import QuoteCheck, check_quote
from qa.library import Library
from qa.models import Answer, Turn


class QAEngine(Library):
    """The library of the store at `store_path`, which answers questions and checks quotes; the encoder
    and the reader are loaded on first use (`on_wait`: see `Library`)."""

    def __init__(
        self,
        store_path: Path,
        encoder: Encoder | None = None,
        reader: Reader | None = None,
        reader_settings: ReaderSettings | None = None,
        on_wait: Notice | None = None,
    ) -> None:
        super().__init__(store_path, encoder or make_encoder(DEFAULT_MODEL), on_wait)
        self.answerer = Answerer(self, reader or Reader(), reader_settings or ReaderSettings())

    def warm_up(self) -> None:
        """Load the models and the vectors now rather than on the first question."""
        self.answerer.warm_up()

    def ask(
        self,
        question: str,
        history: Sequence[Turn] = (),
        k: int = DEFAULT_CITATIONS,
        scope: Collection[str] | None = None,
    ) -> Answer:
        """Answer `question` with up to `k` cited sentences (`Answerer.ask`).

        Raises:
            InputError: the question is empty or too long.
        """
        return self.answerer.ask(question, history, k, scope)

    def check_quote(self, text: str, speaker: str | None = None, k: int = 5) -> QuoteCheck:
        """Did someone really say `text`? See `qa.factcheck.check`.

        Raises:
            InputError: the text is empty or too long.
        """
        return check_quote(self.store, self.encoder, text, speaker, k)
