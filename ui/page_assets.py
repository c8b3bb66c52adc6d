"""How the page looks and the scripts it runs: the theme, the style sheet, and the JavaScript that
scrolls the reader and sends clicks on links ([n], a speaker's name, words to look for) to Python.
Article text never reaches these strings: it is escaped by `ui.render` and `ui.hovercards`."""

import gradio as gr

__all__ = ["CITE_JS", "CSS", "PHONE_NAV", "THEME", "cite_js", "link_js"]

# Fonts the page can always have: the system's own (the default theme fetches Source Sans Pro from Google
# Fonts, which an offline browser never gets, so text fell back mid-word to another typeface).
THEME = gr.themes.Default(
    font=["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
)

CSS = """
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--background-fill-primary); }
.qa-card-head { font-weight: 600; }
.qa-n { color: var(--body-text-color-subdued); }
.qa-meta, .qa-speaker { color: var(--body-text-color-subdued); font-size: 0.9em; }
.qa-passage { margin: 6px 0; line-height: 1.5; }
.qa-reader p { line-height: 1.55; margin: 0 0 0.8em; }
.qa-confidence { color: var(--body-text-color-subdued); font-size: 0.85em; }
.qa-empty { color: var(--body-text-color-subdued); padding: 8px; }
.qa-related-head { color: var(--body-text-color-subdued); font-size: 0.9em; margin: 14px 0 6px; }
.qa-related .qa-card { border-style: dashed; }
mark.qa-target { background: #fde68a; color: inherit; padding: 0 2px; border-radius: 3px; }
a.cite-link, a.check-link { cursor: pointer; text-decoration: none; font-weight: 600; }
.qa-verdict { padding: 8px 10px; border-radius: 8px; margin-bottom: 10px; }
.qa-verdict-exact { background: #dcfce7; } .qa-verdict-close { background: #fef9c3; }
.qa-verdict-not_found { background: #fee2e2; }
.qa-timeline { padding-left: 1.2em; } .qa-record-entry { margin-bottom: 8px; }
.qa-record-date { font-weight: 600; font-variant-numeric: tabular-nums; }
.qa-diff { margin-top: 6px; line-height: 1.5; }
.qa-diff del { color: #b91c1c; } .qa-diff ins { background: #fde68a; text-decoration: none; }
a.speaker-link, a.where-link, a.quote-link { cursor: pointer; color: var(--color-accent);
  text-decoration: none; }
a.quote-link { color: inherit; }
a.quote-link:hover, a.speaker-link:hover, a.where-link:hover { text-decoration: underline; }
.qa-where { font-size: 0.85em; }
#qa-hovercard { position: absolute; z-index: 1000; box-sizing: border-box; padding: 10px 12px;
  border-radius: 8px; line-height: 1.45;
  border: 1px solid var(--border-color-primary); background: var(--background-fill-primary);
  color: var(--body-text-color); box-shadow: 0 6px 24px rgba(0, 0, 0, 0.18); font-size: 0.95em; }
#qa-hovercard .qa-hc-title { font-weight: 600; }
#qa-hovercard .qa-hc-meta, #qa-hovercard .qa-hc-speaker { color: var(--body-text-color-subdued);
  font-size: 0.9em; }
#qa-hovercard .qa-hc-sentence { margin: 6px 0; }
#qa-hovercard a { color: var(--color-accent); cursor: pointer; text-decoration: none; font-weight: 600; }
#hovercards { display: none !important; }
.qa-speaker-head h3 { margin: 0 0 2px; } .qa-speaker-counts { font-weight: 600; margin-top: 4px; }
.qa-timeline-chart { width: 100%; max-width: 640px; height: auto; margin: 10px 0 4px; display: block; }
.qa-timeline-chart .qa-bar { fill: var(--color-accent); }
.qa-timeline-chart .qa-axis, .qa-timeline-chart .qa-count { font-size: 11px;
  fill: var(--body-text-color-subdued); }
.qa-timeline-chart { border-bottom: 1px solid var(--border-color-primary); }
.qa-undated { color: var(--body-text-color-subdued); font-size: 0.9em; }
.qa-where-else { margin-top: 12px; } .qa-where-else ol { padding-left: 1.2em; }
.qa-reader h3.qa-reader-title { position: sticky; top: 0; z-index: 2; margin: 0; padding: 6px 0;
  background: var(--block-background-fill); border-bottom: 1px solid var(--border-color-primary);
  box-shadow: 0 -24px 0 var(--block-background-fill); }
.qa-reader h4.qa-subheading { margin: 1em 0 0.4em; }
#articles, #quotes, #speakers { --font-mono: var(--font); }
#articles td { overflow-wrap: anywhere; }
#phone-nav, #phone-nav-box { display: none; }
@media (max-width: 640px) {
  #phone-nav-box { display: block; }
  #phone-nav { display: flex; gap: 6px; padding: 6px 8px; position: fixed; left: 0; right: 0; bottom: 0;
    z-index: 900; background: var(--body-background-fill);
    border-top: 1px solid var(--border-color-primary); }
  body { padding-bottom: 52px; }
  #phone-nav a { flex: 1; text-align: center; padding: 6px; border: 1px solid var(--border-color-primary);
    border-radius: 8px; text-decoration: none; color: var(--body-text-color); }
  #chat { height: 60vh !important; }
}
"""

# Scrolls the reader box (not the page) to its highlighted sentence each time a new place is shown, then
# brings the box into view.
_SCROLL_JS = """
const scrollToTarget = () => {
  const mark = element.querySelector('mark.qa-target');
  if (!mark) { return; }
  const box = mark.closest('.html-container') || element;
  box.scrollTop += mark.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
  box.scrollIntoView({block: 'nearest'});
};
watch('value', scrollToTarget);
"""


# One document-level listener per reader (replaced, not duplicated, when the reader re-mounts): a click on
# a link of its class (the chat's [n], in the chat or on a card; a quote check's [n]) sends its href (a
# `ReaderTarget`) to Python as that reader's 'cite' event.
def cite_js(link_class: str, listener: str) -> str:
    return (
        _SCROLL_JS
        + f"""
if (window.{listener}) {{ document.removeEventListener('click', window.{listener}, true); }}
window.{listener} = (event) => {{
  const link = event.target.closest && event.target.closest('a.{link_class}');
  const ref = link && link.getAttribute('href');
  if (!ref || !ref.startsWith('#qa-ref=')) {{ return; }}
  event.preventDefault();
  event.stopPropagation();
  if (window.__qaCardFirst && window.__qaCardFirst(link, event)) {{ return; }}
  const card = document.getElementById('qa-hovercard');
  if (card) {{ card.hidden = true; }}
  trigger('cite', {{ref: ref}});
}};
document.addEventListener('click', window.{listener}, true);
"""
    )


CITE_JS = cite_js("cite-link", "__qaCiteListener")


# A document-level listener sending the href of a link of `link_class` whose href starts with `prefix`
# (a speaker's name, words to look for) to Python as this component's `event`, URL-unquoted.
def link_js(link_class: str, prefix: str, event: str, listener: str) -> str:
    return f"""
if (window.{listener}) {{ document.removeEventListener('click', window.{listener}, true); }}
window.{listener} = (e) => {{
  const link = e.target.closest && e.target.closest('a.{link_class}');
  const ref = link && link.getAttribute('href');
  if (!ref || !ref.startsWith('{prefix}')) {{ return; }}
  e.preventDefault();
  e.stopPropagation();
  const card = document.getElementById('qa-hovercard');
  if (card) {{ card.hidden = true; }}
  trigger('{event}', {{value: decodeURIComponent(ref.slice({len(prefix)}))}});
}};
document.addEventListener('click', window.{listener}, true);
"""


# On a phone the chat, its cited passages and the reader stack up: a bar of links to each.
PHONE_NAV = (
    '<nav id="phone-nav"><a href="#chat">Chat</a><a href="#citations">Passages</a>'
    '<a href="#reader">Reader</a></nav>'
)
