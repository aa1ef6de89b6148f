"""A small HTTP client for the end-to-end run: cookies, CSRF and forms, as a browser behind the TLS proxy.

Production cookies are ``Secure`` with the ``__Host-`` prefix; the run speaks plain HTTP to gunicorn on the
loopback and says ``X-Forwarded-Proto: https`` as the documented proxy does, so the client keeps cookies
itself rather than through a cookie jar that would (rightly) withhold secure cookies over HTTP.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    file_fields: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    """Every form of a page with the values a browser would submit (inputs, selected options, textareas)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind == "file":
                self.forms[-1].file_fields.add(a["name"])
            elif kind not in {"submit", "button"}:
                self.forms[-1].fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select" and a.get("name"):
            self._select, self._first_option = a["name"], None
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
                self.forms[-1].fields.setdefault(self._select, value)
            if "selected" in a:
                self.forms[-1].fields[self._select] = value
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1].fields[self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None and self.forms:
            self.forms[-1].fields[self._textarea] += data


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def text_by_testid(html: str, testid: str) -> str:
    """The text inside the element carrying ``data-testid=testid`` (first match, tags stripped)."""
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</', html, re.S)
    if match is None:
        raise AssertionError(f"no element with data-testid={testid!r} in the page")
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


class Client:
    """One user's browser: keeps its cookies, follows redirects, sends CSRF tokens and the proxy header."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()
        self.http.trust_env = False  # loopback only: never through a proxy of the environment
        self.history: list[tuple[str, str, int]] = []  # (method, url, status) of every hop, for failures

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        url = urljoin(self.base_url, path)
        for _hop in range(10):
            headers = {
                "X-Forwarded-Proto": "https",
                "Origin": f"https://{urlsplit(self.base_url).netloc}",
                "Referer": url.replace("http://", "https://", 1),
                "Accept-Language": "fr",
                **kwargs.pop("headers", {}),
            }
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            response = self.http.request(
                method, url, headers=headers, allow_redirects=False, timeout=60, **kwargs
            )
            self.history.append((method, url, response.status_code))
            for raw in response.raw.headers.getlist("Set-Cookie"):
                jar: SimpleCookie = SimpleCookie()
                jar.load(raw)
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or morsel.value == "":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if response.status_code not in {301, 302, 303, 307, 308}:
                return response
            url = urljoin(url, response.headers["Location"])
            if response.status_code in {301, 302, 303}:
                method, kwargs = "GET", {}
        raise AssertionError(f"too many redirects from {path}")

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def submit(
        self,
        page: requests.Response,
        *,
        action: str | None = None,
        files: dict[str, Any] | None = None,
        **values: str,
    ) -> requests.Response:
        """Submit one of the page's POST forms: the one whose action contains ``action``, else the first that
        has every field and file field given (never the header's language switcher or logout button)."""
        skip = ("/i18n/setlang/", "/logout/")
        candidates = [
            f for f in forms_of(page.text) if f.method == "post" and not any(s in f.action for s in skip)
        ]
        if action is not None:
            candidates = [f for f in candidates if action in f.action]
        else:
            wanted_files = set(files or {})
            candidates = [
                f for f in candidates if set(values) <= set(f.fields) and wanted_files <= f.file_fields
            ]
        if not candidates:
            raise AssertionError(f"no POST form{f' to {action}' if action else ''} on {page.url}")
        form = candidates[0]
        data = {**form.fields, **values}
        return self.request("POST", urljoin(page.url, form.action or page.url), data=data, files=files)

    def login(self, email: str, password: str) -> requests.Response:
        page = self.get("/accounts/login/")
        response = self.submit(page, email=email, password=password)
        assert response.status_code == 200, response.status_code
        errors = re.findall(
            r'<(?:ul class="errorlist[^"]*"|p class="error[^"]*")[^>]*>(.*?)</', response.text, re.S
        )
        assert "sessionid" in "".join(self.cookies), (
            f"not logged in as {email}: {errors or response.text[-3000:]}"
        )
        return response
