"""Print a bearer token for the demo's system administrator, or session headers.

Used by scripts/test before running schemathesis against the demo server, so
that the authenticated operations of /api/v1 are exercised and not only their
401 answers. It logs in through the login form as a person would (login CSRF
cookie + form field), then creates a token with POST /api/v1/tokens, sending
the session's CSRF token in X-CSRF-Token.

Usage: python schemathesis_token.py BASE_URL PASSWORD [USERNAME]
       python schemathesis_token.py --session BASE_URL PASSWORD USERNAME
The second form prints the headers of a logged-in session instead (a Cookie
line and an X-CSRF-Token line), for roles that may not make tokens (officers).
Runs in schemathesis' virtual environment (requests is one of its dependencies).
"""

import re
import sys

import requests


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if not found:
        sys.exit("no CSRF field on the page")
    return found.group(1)


def main() -> None:
    args = sys.argv[1:]
    session_only = args[:1] == ["--session"]
    if session_only:
        args = args[1:]
    base = args[0].rstrip("/")
    password = args[1]
    username = args[2] if len(args) > 2 else "admin"
    s = requests.Session()
    login = s.get(f"{base}/login", timeout=30)
    login.raise_for_status()
    r = s.post(
        f"{base}/login",
        data={"csrf": csrf_of(login.text), "next": "/", "username": username, "password": password},
        timeout=30,
    )
    r.raise_for_status()
    home = s.get(f"{base}/", timeout=30)
    home.raise_for_status()
    if session_only:
        session = s.cookies.get("fazhi_session")
        if not session:
            sys.exit(f"logging in as {username} failed")
        print(f"Cookie: fazhi_session={session}")
        print(f"X-CSRF-Token: {csrf_of(home.text)}")
        return
    r = s.post(
        f"{base}/api/v1/tokens",
        json={"name": "schemathesis"},
        headers={"X-CSRF-Token": csrf_of(home.text)},
        timeout=30,
    )
    if r.status_code != 201:
        sys.exit(f"creating a token answered {r.status_code}: {r.text}")
    print(r.json()["secret"])


if __name__ == "__main__":
    main()
