"""Hover cards for the chat's citations: hovering, focusing or tapping `[n]` shows a card with the cited
sentence, its article's title, date and speaker, and links to open it in the reader and to see where
else the words were said.

The cards are rendered here, in Python, with every piece of article text escaped, into a hidden
container of the page (`render_hovercards_html`), one per citation of the conversation, keyed by the
citation's href; `HOVERCARD_JS` shows a copy of the card of the link under the pointer or focus. Gradio's
chat sanitiser would drop a card's markup inside the message itself, and a `title` tooltip shows nothing
on a touch screen.
"""

from __future__ import annotations

import html
import urllib.parse
from collections.abc import Sequence

from qa.models import Citation, Turn
from ui.render import SPEAKER_PREFIX, ArticleSource, citation_target, speaker_link

__all__ = [
    "HOVERCARD_JS",
    "SPEAKER_PREFIX",
    "WHERE_PREFIX",
    "render_hovercards_html",
    "speaker_link",
    "where_link",
]

WHERE_PREFIX = "#qa-where="
OPEN_IN_READER = "Open in the reader"
WHERE_ELSE = "Where else was this said?"


def where_link(text: str, label: str = WHERE_ELSE) -> str:
    """A link that lists every article carrying `text` (the Check a quote tab's 'where else')."""
    href = WHERE_PREFIX + urllib.parse.quote(text, safe="")
    return f'<a class="where-link" href="{html.escape(href, quote=True)}">{html.escape(label)}</a>'


def render_hovercards_html(turns: Sequence[Turn], source: ArticleSource) -> str:
    """The cards of every citation of the conversation, each in a `div.qa-hovercard-data` whose
    `data-ref` is its citation link's href (hidden; the page shows copies)."""
    cards: dict[str, str] = {}
    for turn in turns:
        answer = turn.answer.as_shown()  # as the chat shows it: a weak answer bolds nothing
        for citation in (*answer.citations, *answer.related):
            ref = citation_target(citation).to_ref()
            cards.setdefault(ref, _card(citation, ref, source))
    body = "".join(
        f'<div class="qa-hovercard-data" data-ref="{html.escape(ref, quote=True)}">{card}</div>'
        for ref, card in cards.items()
    )
    return f'<div class="qa-hovercards" hidden>{body}</div>'


def _card(citation: Citation, ref: str, source: ArticleSource) -> str:
    sentence = citation.sentence
    article = source.article(sentence.article_id)
    title = (article.title if article else citation.title) or sentence.article_id
    meta = [p for p in (article.source, article.published) if p] if article else []
    if citation.span is None:
        said = html.escape(sentence.text)
    else:
        start, end = citation.span
        text = sentence.text
        said = (
            html.escape(text[:start])
            + f"<strong>{html.escape(text[start:end])}</strong>"
            + html.escape(text[end:])
        )
    quote = citation.quote
    speaker = ""
    if quote is not None and quote.speaker:
        role = f", {html.escape(quote.role)}" if quote.role else ""
        speaker = f'<div class="qa-hc-speaker">{speaker_link(quote.speaker)}{role}</div>'
    links = [f'<a class="cite-link qa-hc-open" href="{html.escape(ref, quote=True)}">{OPEN_IN_READER}</a>']
    if quote is not None and quote.kind != "partial":
        links.append(where_link(quote.text))
    return (
        f'<div class="qa-hc-title">{html.escape(title)}</div>'
        + (f'<div class="qa-hc-meta">{" · ".join(html.escape(p) for p in meta)}</div>' if meta else "")
        + f'<div class="qa-hc-sentence">{said}</div>{speaker}'
        + f'<div class="qa-hc-links">{" · ".join(links)}</div>'
    )


# The page's side: one floating card (`#qa-hovercard`) filled with a copy of the hidden card of the link
# hovered, focused or tapped; it stays while the pointer is on it (its links can be clicked), and goes on
# Escape, a click elsewhere, or leaving both. A tap on a link without its card open shows the card
# instead of following the link (`window.__qaCardFirst`, asked by the citation click listener).
HOVERCARD_JS = """
if (!window.__qaHoverCards) {
  window.__qaHoverCards = true;
  const card = document.createElement('div');
  card.id = 'qa-hovercard';
  card.setAttribute('role', 'tooltip');
  card.hidden = true;
  document.body.appendChild(card);
  let shownFor = null;
  let hideTimer = null;
  const linkOf = (target) => target && target.closest && target.closest('#chat a.cite-link');
  const dataOf = (link) => {
    const ref = link.getAttribute('href');
    return [...document.querySelectorAll('.qa-hovercards .qa-hovercard-data')]
      .find((d) => d.dataset.ref === ref);
  };
  const show = (link) => {
    clearTimeout(hideTimer);
    if (link.hasAttribute('title')) {  // the card replaces the browser's own tooltip
      link.setAttribute('aria-label', link.getAttribute('title'));
      link.removeAttribute('title');
    }
    const data = dataOf(link);
    if (!data) { return false; }
    card.innerHTML = data.innerHTML;
    card.hidden = false;
    const box = link.getBoundingClientRect();
    const width = Math.min(380, window.innerWidth - 16);
    card.style.width = width + 'px';
    card.style.left = Math.max(8, Math.min(box.left, window.innerWidth - width - 8)) + window.scrollX + 'px';
    const below = box.bottom + 6;
    const height = card.offsetHeight;
    const above = box.top - height - 6;
    const top = below + height > window.innerHeight && above > 0 ? above : below;
    card.style.top = top + window.scrollY + 'px';
    shownFor = link;
    return true;
  };
  const hide = () => { card.hidden = true; shownFor = null; };
  const hideSoon = () => { clearTimeout(hideTimer); hideTimer = setTimeout(hide, 400); };
  window.__qaCardFirst = (link, event) => {
    // A touch (or pen) tap on a citation whose card is not open opens the card first.
    if (!link.closest('#chat') || shownFor === link) { return false; }
    if (!(event.pointerType === 'touch' || window.__qaLastTouch === link)) { return false; }
    window.__qaLastTouch = null;
    return show(link);
  };
  document.addEventListener('touchstart', (event) => {
    window.__qaLastTouch = linkOf(event.target) || null;
  }, {capture: true, passive: true});
  // A mouse or pen hovering; a touch screen's tap comes through the click instead.
  document.addEventListener('pointerover', (event) => {
    if (event.pointerType === 'touch') { return; }
    const link = linkOf(event.target);
    if (link) { show(link); }
    else if (card.contains(event.target)) { clearTimeout(hideTimer); }
  });
  document.addEventListener('pointerout', (event) => {
    if (event.pointerType === 'touch') { return; }
    if (linkOf(event.target) || card.contains(event.target)) { hideSoon(); }
  });
  document.addEventListener('focusin', (event) => {
    const link = linkOf(event.target);
    if (link && window.__qaLastTouch !== link) { show(link); }  // a tap's focus: the click decides
  });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') { hide(); } });
  document.addEventListener('click', (event) => {
    if (!card.contains(event.target) && !linkOf(event.target)) { hide(); }
  });
  card.addEventListener('click', (event) => {
    if (event.target.closest && event.target.closest('a')) { setTimeout(hide, 0); }
  });
}
"""
