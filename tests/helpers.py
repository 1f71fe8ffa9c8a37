"""Assertions shared by the tests of every app."""

from __future__ import annotations

from html.parser import HTMLParser

# <svg> itself is not here: the pages' own icons are SVG sprites. What makes SVG dangerous
# (event handlers, javascript: URLs, <script>, animated href values) is checked below.
EXECUTABLE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "math",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "frame",
    "frameset",
    "animate",
    "set",
    "foreignobject",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "srcset",
    "background",
    "poster",
}
SAFE_SCHEMES = ("http://", "https://", "mailto:", "/", "#")


class _Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in EXECUTABLE_TAGS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"{name} attribute on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value is not None:
                cleaned = "".join(value.split()).lower()
                if not cleaned.startswith(SAFE_SCHEMES) or cleaned.startswith("//"):
                    self.problems.append(f"{name}={value!r} on <{tag}>")


def assert_inert(html: str) -> None:
    """Fail if ``html`` contains anything a browser would execute or load from an unsafe
    scheme (script-like elements, event handlers, style attributes, javascript:/data:
    URLs). Escaped text is fine: it is text."""
    inspector = _Inspector()
    inspector.feed(html)
    inspector.close()
    assert not inspector.problems, f"executable HTML: {inspector.problems} in {html!r}"
