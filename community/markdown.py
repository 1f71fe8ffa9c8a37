"""Markdown to safe HTML, rendered once when something is written.

markdown-it-py (CommonMark, tables, strikethrough; raw HTML disabled) turns the source
into HTML, then nh3 keeps only an allow-list of tags and attributes, only http/https/
mailto links (images: https or our own /media/ uploads) and adds
``rel="nofollow ugc noopener"`` to every link. @mentions of known members become links
to their profiles. Callers store the result beside the source and never render Markdown
on read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9-]{1,39})", re.IGNORECASE)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr",
    "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},
}
_SAFE_CLASS = re.compile(r"^(mention|language-[a-z0-9+#-]{1,20})$")

MentionResolver = Callable[[set[str]], dict[str, str]]


@dataclass
class Rendered:
    html: str
    mentions: set[str] = field(default_factory=set)  # handles that became links


def _build_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])

    # User content sits under the page's <h1>: shift headings down one level.
    def heading_open(
        self: object, tokens: list[Token], idx: int, options: object, env: object
    ) -> str:
        level = min(int(tokens[idx].tag[1]) + 1, 6)
        return f"<h{level}>"

    def heading_close(
        self: object, tokens: list[Token], idx: int, options: object, env: object
    ) -> str:
        level = min(int(tokens[idx].tag[1]) + 1, 6)
        return f"</h{level}>\n"

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    return md


_MD = _build_parser()


def _candidate_mentions(tokens: list[Token]) -> set[str]:
    found: set[str] = set()
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        for child in token.children:
            if child.type == "text":
                found.update(m.lower() for m in MENTION_RE.findall(child.content))
    return found


def _link_mentions(tokens: list[Token], urls: dict[str, str]) -> set[str]:
    """Replace @handle text by links, outside links and code, for resolvable handles."""
    linked: set[str] = set()
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        children: list[Token] = []
        in_link = 0
        for child in token.children:
            if child.type == "link_open":
                in_link += 1
            elif child.type == "link_close":
                in_link -= 1
            if child.type != "text" or in_link or "@" not in child.content:
                children.append(child)
                continue
            pos = 0
            for match in MENTION_RE.finditer(child.content):
                handle = match.group(1).lower()
                if handle not in urls:
                    continue
                if match.start() > pos:
                    children.append(_text(child.content[pos : match.start()]))
                link = Token("link_open", "a", 1)
                link.attrs = {"href": urls[handle], "class": "mention"}
                children.extend([link, _text(match.group(0)), Token("link_close", "a", -1)])
                linked.add(handle)
                pos = match.end()
            if pos < len(child.content):
                children.append(_text(child.content[pos:]))
        token.children = children
    return linked


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value.startswith(("https://", "/media/")) else None
    if attribute == "href" and value.startswith("//"):
        return f"https:{value}"  # protocol-relative: spell the scheme out
    if attribute == "class":
        kept = [c for c in value.split() if _SAFE_CLASS.match(c)]
        return " ".join(kept) or None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        attribute_filter=_filter_attribute,
        strip_comments=True,
    )


def render_markdown(source: str, *, resolve_mentions: MentionResolver | None = None) -> Rendered:
    """Cook Markdown into sanitised HTML. ``resolve_mentions`` maps candidate handles to
    profile URLs (only members who may be mentioned here); unknown handles stay text."""
    env: dict[str, object] = {}
    tokens = _MD.parse(source or "", env)
    mentions: set[str] = set()
    if resolve_mentions is not None:
        candidates = _candidate_mentions(tokens)
        if candidates:
            mentions = _link_mentions(tokens, resolve_mentions(candidates))
    html = _MD.renderer.render(tokens, _MD.options, env)
    return Rendered(html=sanitize_html(html), mentions=mentions)
