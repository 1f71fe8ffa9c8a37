from __future__ import annotations

import pytest

from community.markdown import render_markdown
from tests.helpers import assert_inert


def resolver(handles: set[str]) -> dict[str, str]:
    known = {"alice": "/m/alice/", "bob-2": "/m/bob-2/"}
    return {h: known[h] for h in handles if h in known}


def test_markdown_is_rendered_with_headings_under_the_page_title() -> None:
    html = render_markdown(
        "# Title\n\nSome **bold** and ~~old~~ text.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    ).html
    assert "<h2>Title</h2>" in html
    assert "<strong>bold</strong>" in html and "<s>old</s>" in html
    assert "<table>" in html and "<td>1</td>" in html


def test_mentions_of_known_members_become_links() -> None:
    rendered = render_markdown(
        "Hi @alice and @Bob-2, not @nobody, not `@alice`, mail x@alice.fr",
        resolve_mentions=resolver,
    )
    assert rendered.mentions == {"alice", "bob-2"}
    assert (
        '<a href="/m/alice/" class="mention" rel="nofollow ugc noopener">@alice</a>'
        in rendered.html
    )
    assert "@nobody" in rendered.html and "/m/nobody/" not in rendered.html
    assert "<code>@alice</code>" in rendered.html
    assert "x@alice.fr" in rendered.html


def test_no_mentions_inside_links() -> None:
    rendered = render_markdown("[talk to @alice](https://example.org)", resolve_mentions=resolver)
    assert rendered.mentions == set()
    assert rendered.html.count("<a ") == 1


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "![x](data:image/svg+xml;base64,PHN2Zy8+)",
        "<a href='javascript:alert(1)'>x</a>",
        '<svg onload="alert(1)"></svg>',
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_nothing_executable_survives(source: str) -> None:
    assert_inert(render_markdown(source).html)


def test_links_get_safe_rel_and_images_need_https() -> None:
    html = render_markdown(
        "[x](https://example.org) ![a](http://example.org/a.png) ![b](https://example.org/b.png)"
    ).html
    assert 'rel="nofollow ugc noopener"' in html
    assert 'src="https://example.org/b.png"' in html
    assert "http://example.org/a.png" not in html
