"""Benchmarks for the WeChat channel on the local stack; prints markdown tables for bench/README.md.

`python -m infra.local` runs in a subprocess, as `make run` starts it. Each follower's first message is signed and
POSTed to the callback over HTTP exactly as WeChat's server does (plaintext mode, token `local-wechat-token`):

1. Callback answer time: from sending the request to reading `success`, p50/p95/max over 100 messages (WeChat
   gives up after 5 s). The answer only checks and queues: the work happens in the intake function.
2. Accepted -> ticket visible: from the callback's `success` to the ticket listed by
   `GET /api/tickets?view=requested&requester=<the follower>` (staff), p50/p95 over 30 messages sent one at a time.
"""

from __future__ import annotations

import math
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.local.process import LocalStackProcess  # noqa: E402
from shared.domain.wechat.followers import requester_address  # noqa: E402
from shared.domain.wechat.protocol import render_xml, signature  # noqa: E402

TOKEN = "local-wechat-token"
ANSWER_MESSAGES = 100
VISIBLE_MESSAGES = 30


def _signed(openid: str, content: str) -> tuple[dict[str, str], bytes]:
    now = int(time.time())  # the dev clock is not moved here: it is the system clock
    timestamp, nonce = str(now), str(secrets.randbelow(10**9))
    xml = render_xml(
        {
            "ToUserName": "gh_localhelpdesk",
            "FromUserName": openid,
            "CreateTime": now,
            "MsgType": "text",
            "Content": content,
            "MsgId": secrets.randbits(62),
        }
    )
    return {"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}, xml.encode()


def _post(session: requests.Session, url: str, openid: str, content: str) -> float:
    query, body = _signed(openid, content)
    started = time.perf_counter()
    answer = session.post(url, params=query, data=body, headers={"Content-Type": "text/xml"}, timeout=10)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200 or answer.text != "success":
        raise RuntimeError(f"callback answered {answer.status_code} {answer.text[:200]}")
    return elapsed


def _percentiles(samples: list[float], unit: float = 1000) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered) * unit, 1),
        "p95": round(ordered[math.ceil(len(ordered) * 0.95) - 1] * unit, 1),  # nearest rank
        "max": round(ordered[-1] * unit, 1),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        stack = LocalStackProcess(Path(folder) / "state")
        stack.start()
        try:
            url = f"{stack.url}/api/channels/wechat"
            http = requests.Session()
            for index in range(5):  # warm-up: first imports, the first queue send
                _post(http, url, f"oBenchWarm{index}", "预热")
            answers = []
            for index in range(ANSWER_MESSAGES):
                answers.append(_post(http, url, f"oBench{secrets.token_hex(6)}", f"回调测试 {index}"))
            time.sleep(15)  # the backlog (100 tickets routed and acknowledged) is worked through first
            lead = stack.login("lead@demo.local")
            visible = []
            for index in range(VISIBLE_MESSAGES):
                openid = f"oVisible{secrets.token_hex(6)}"
                _post(http, url, openid, f"可见性测试 {index}")
                accepted = time.perf_counter()
                query = f"{stack.url}/api/tickets?view=requested&requester={requester_address(openid)}"
                while not lead.get(query, timeout=10).json()["items"]:
                    if time.perf_counter() - accepted > 30:
                        raise RuntimeError(f"no ticket for {openid} within 30 s")
                    time.sleep(0.02)
                visible.append(time.perf_counter() - accepted)
        finally:
            stack.stop()
    answer = _percentiles(answers)
    seen = _percentiles(visible)
    print("### Callback answer time (local stack, plaintext mode, sequential requests)\n")
    print("| requests | p50 | p95 | max | WeChat's limit |\n|---|---|---|---|---|")
    print(f"| {answer['n']} | {answer['p50']} ms | {answer['p95']} ms | {answer['max']} ms | 5000 ms |")
    print("\n### Message accepted -> ticket visible (local stack)\n")
    print("| messages | p50 | p95 | max |\n|---|---|---|---|")
    print(f"| {seen['n']} | {seen['p50']:.0f} ms | {seen['p95']:.0f} ms | {seen['max']:.0f} ms |")


if __name__ == "__main__":
    main()
