"""Search benchmarks; prints markdown for bench/README.md ("Search").

1. The segmenter's cold cost in a fresh process (import + dictionary load + first cut): the product's small
   dictionary against jieba's full one, median of 5 processes each, interleaved.
2. Recall@5 of the engine against substring matching on the labelled query set (tests/kb_queries.py): over the
   21 seeded articles, and over the same among 2,000 articles.
3. KB search p50/p95 with 2,000 articles and ticket search p50/p95 with 100,000 indexed tickets, through the HTTP
   API of the local stack (the Chalice app on local mode's HTTP server, moto's server behind it), with the DynamoDB
   requests each search makes.
4. Index items written per ticket, per message and per article (the write amplification).

The corpus is loaded straight into the emulator's memory (the same items the search function writes, computed by
the same code), because writing 2 million postings through moto's HTTP API would take the better part of an hour;
every search goes through the real path.

    .venv/bin/python bench/search.py [--tickets 100000] [--articles 2000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RUNS = 5
COLD = """
import time
t = time.perf_counter()
from shared.domain.search.text import Segmenter
s = Segmenter({dictionary})
s.words("我的密码怎么重置")
print(time.perf_counter() - t)
"""


def cold_start() -> dict[str, float]:
    import jieba

    full = repr(str(Path(jieba.__file__).with_name("dict.txt")))
    variants = {"small dictionary (50,000 words)": "", "jieba's full dictionary (349,046 words)": f"Path({full})"}
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(RUNS):
        for name, argument in variants.items():
            code = COLD.format(dictionary=argument)
            if argument:
                code = "from pathlib import Path\n" + code
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
            samples[name].append(float(out.stdout.strip()))
    return {name: round(statistics.median(values) * 1000) for name, values in samples.items()}


# -- a corpus ------------------------------------------------------------------------------------------------------
def sentences() -> list[str]:
    from infra.seed.kb import ARTICLES
    from shared.domain.kb import plain_text

    found = []
    for _, _, title, _, body in ARTICLES:
        found.append(title)
        found += [s.strip() for s in plain_text(body).replace("；", "。").split("。") if len(s.strip()) > 6]
    return found


SUBJECTS = [
    "打印机无法连接", "VPN 连不上", "收不到验证码", "发票抬头开错了", "退款还没到账", "重复扣款", "账号被锁定",
    "客户端闪退", "企业邮箱收不到邮件", "无线网经常掉线", "电脑蓝屏", "怎么导出报表", "申请增值税专用发票",
    "取消自动续费", "修改绑定手机号", "打印机卡纸", "扫码登录失败", "添加子账号", "申请退货", "电子发票下载",
]  # fmt: skip
WORDS = [
    "订单",
    "合同",
    "报价",
    "系统",
    "页面",
    "报错",
    "网络",
    "服务器",
    "数据",
    "客户",
    "财务",
    "审批",
    "流程",
    "权限",
    "同步",
    "备份",
    "更新",
    "版本",
    "安装",
    "配置",
]


def ticket_text(rng: random.Random, pool: list[str]) -> tuple[str, str]:
    subject = f"{rng.choice(SUBJECTS)}{rng.choice(['', '，', '：'])}{rng.choice(WORDS)}"
    description = "。".join(rng.sample(pool, rng.randint(1, 3))) + f"。订单号 A{rng.randint(10**7, 10**8 - 1)}"
    return subject, description


# -- loading straight into the emulator ----------------------------------------------------------------------------
class BulkIndex:
    """A `SearchStore` for loading only: writes what `SearchIndex.replace` writes, into moto's memory."""

    def __init__(self, table: Any) -> None:
        self._table = table
        self.documents: Counter[str] = Counter()
        self.written: dict[str, list[int]] = {"ticket": [], "message": [], "article": []}

    def part(self, family: str, doc: str, part: str) -> None:
        return None

    def replace(self, old: Any, new: Any) -> tuple[int, int]:
        from shared.adapters.items import IndexedPartItem, PostingItem
        from shared.adapters.search_index import posting_pk, posting_sk

        for word, impact in new.impacts.items():
            sk = posting_sk(impact, new.at, new.doc, new.part)
            put(self._table, PostingItem(posting_pk(new.scope, word), sk))
        keys = {w: posting_sk(i, new.at, new.doc, new.part) for w, i in new.impacts.items()}
        part_item = IndexedPartItem(
            f"IDXDOC#{new.family}#{new.doc}",
            new.part,
            scope=new.scope,
            postings=keys,
            text=new.text,
            label=new.label,
            at=new.at,
        )
        put(self._table, part_item)
        if new.counts:
            self.documents[new.scope] += 1
        kind = "article" if new.family == "article" else ("ticket" if new.part == "t" else "message")
        # postings, the part's own item, and the scope's count when the document is new (its first part)
        self.written[kind].append(len(new.impacts) + 1 + (1 if new.counts else 0))
        return len(new.impacts), 0


def put(table: Any, item: Any) -> None:
    table.put_item(item.serialize())


def load(container: Any, table: Any, tickets: int, articles: int, rng: random.Random) -> dict[str, Any]:
    from infra.seed.kb import ARTICLES
    from shared.adapters.items import IndexStatItem
    from shared.adapters.kb_store import to_item as article_item
    from shared.adapters.ticket_mapping import to_item as ticket_item
    from shared.domain.events import Message
    from shared.domain.kb import Article, ArticleStatus
    from shared.domain.tickets import Person, Ticket
    from shared.services.search import SearchService

    bulk = BulkIndex(table)
    indexer = SearchService(
        bulk, container.kb_store, container.ticket_store, container.routing_store, container.segmenter,
        container.clock, container.cursors,
    )  # fmt: skip
    pool = sentences()
    now = datetime(2026, 11, 23, 2, tzinfo=UTC)
    made = []
    for n in range(articles):
        if n < len(ARTICLES):
            article_id, category, title, tags, body = ARTICLES[n]
        else:
            article_id, category = f"bench{n:05d}", rng.choice([a[1] for a in ARTICLES])
            title, tags = f"{rng.choice(SUBJECTS)}（{rng.choice(WORDS)}）{n}", [rng.choice(WORDS)]
            body = "\n\n".join(rng.sample(pool, rng.randint(3, 8)))
        article = Article(article_id, title, body, category, "admin@demo.local", now, now, tags, version=1)
        article.status = ArticleStatus.PUBLISHED
        put(table, article_item(article))
        indexer.index_article(article)
        made.append(article)
    for n in range(tickets):
        subject, description = ticket_text(rng, pool)
        created = now - timedelta(minutes=n)
        ticket = Ticket(
            f"{n:032x}", f"GD2026{n:07d}", subject, description, Person(f"c{n % 5000}@example.com"), created, created
        )
        put(table, ticket_item(ticket))
        indexer.index_ticket(ticket)
        if n % 50 == 0:  # a sample of replies and internal notes, for the per-message figures
            for m in range(2):
                body = "。".join(rng.sample(pool, rng.randint(1, 2)))
                message = Message(f"{n:028x}{m:04d}", ticket.id, Person("zhangwei@demo.local"), body, m == 1, created)
                indexer.index_message(message)
    for scope, count in bulk.documents.items():
        put(table, IndexStatItem(f"IDXSTAT#{scope}", "STAT", documents=count))
    return {"written": bulk.written, "articles": made}


# -- searching through the HTTP API --------------------------------------------------------------------------------
def timed(session: Any, url: str, params: dict[str, Any], calls: Counter[str]) -> tuple[float, int, Any]:
    calls.clear()
    started = time.perf_counter()
    response = session.get(url, params=params, timeout=30)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    return elapsed, sum(calls.values()), response.json()


def percentiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] * 1000, ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    cold = cold_start()

    import botocore.handlers
    import requests
    from moto.dynamodb.models import dynamodb_backends

    from infra.local.process import free_port
    from infra.local.server import LocalHttpServer
    from infra.local.stack import ACCOUNT, REGION, provision, start_emulator
    from infra.seed.demo import STAFF
    from shared.clock import FixedClock
    from shared.container import Container, set_container
    from tests.kb_queries import LABELLED
    from tests.unit.test_kb_recall import recall_at_5, substring_top

    calls: Counter[str] = Counter()
    botocore.handlers.BUILTIN_HANDLERS.append(
        ("before-call.dynamodb", lambda model=None, **_: calls.update([model.name]))
    )
    os.environ.update({"AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local", "AWS_DEFAULT_REGION": REGION})
    server, endpoint = start_emulator()
    try:
        stack = provision(endpoint)
        settings = stack.settings(token_secret="bench-secret-bench-secret-bench-secret")
        container = Container(settings, FixedClock(datetime(2026, 11, 23, 2, tzinfo=UTC)))
        set_container(container)
        for agent in STAFF:
            container.directory_store.put_agent(agent)
        table = dynamodb_backends[ACCOUNT][REGION].tables[stack.names["TicketsTable"]]
        table.stream_shard = None  # the bulk load is not a stream's business
        rng = random.Random(7)
        started = time.perf_counter()
        loaded = load(container, table, args.tickets, args.articles, rng)
        load_seconds = time.perf_counter() - started

        from app import app

        http = LocalHttpServer(app, ROOT / "web" / "dist", "127.0.0.1", free_port())
        http.serve_in_background()
        base = f"http://127.0.0.1:{http.port}"
        staff = requests.Session()
        staff.headers["Authorization"] = f"Bearer {container.authenticator.sign_in_local('zhangwei@demo.local')[0]}"
        anonymous = requests.Session()

        # recall over the larger knowledge base, through the API
        def top(query: str) -> list[str]:
            return [
                i["id"] for i in anonymous.get(f"{base}/api/kb/search", params={"q": query}, timeout=30).json()["items"]
            ]

        recall_large = recall_at_5(top)
        queries = [q for q, _ in LABELLED]
        kb_times, kb_requests = [], []
        timed(anonymous, f"{base}/api/kb/search", {"q": "预热"}, calls)  # the segmenter loads on the first search
        for n in range(args.queries):
            elapsed, count, _ = timed(anonymous, f"{base}/api/kb/search", {"q": queries[n % len(queries)]}, calls)
            kb_times.append(elapsed)
            kb_requests.append(count)
        # The same path's floor: a ticket read by id (one GetItem), interleaved with the searches below.
        base_times = []
        ticket_queries = [*SUBJECTS, "打印机 连接", "退款 到账", "发票 抬头 重开", "VPN 报错", "验证码 短信 手机"]
        ticket_times, ticket_requests, hits = [], [], []
        for n in range(args.queries):
            q = ticket_queries[n % len(ticket_queries)]
            elapsed, count, body = timed(staff, f"{base}/api/search/tickets", {"q": q, "limit": 25}, calls)
            ticket_times.append(elapsed)
            ticket_requests.append(count)
            hits.append(len(body["items"]))
            elapsed, _, _ = timed(staff, f"{base}/api/tickets/{n:032x}", {}, calls)
            base_times.append(elapsed)
        http.stop()
    finally:
        server.stop()

    from tests.unit.test_kb_recall import engine_top
    from tests.unit.test_kb_services import Desk, seed_kb

    desk = Desk()
    seed_kb(desk.kb)
    desk.reindex()
    recall_seeded = recall_at_5(engine_top(desk))
    baseline = recall_at_5(substring_top)
    written = loaded["written"]

    print(f"## Search ({args.articles:,} articles, {args.tickets:,} tickets; loaded in {load_seconds:.0f} s)\n")
    print("### Segmenter cold start (fresh process: import, dictionary, first cut; median of 5)\n")
    print("| dictionary | ms |\n|---|---|")
    for name, ms in cold.items():
        print(f"| {name} | {ms} |")
    print(f"\n### Recall@5 on the labelled set ({len(LABELLED)} queries)\n")
    print("| corpus | engine | substring |\n|---|---|---|")
    print(f"| the 21 seeded articles | {recall_seeded:.2f} | {baseline:.2f} |")
    print(f"| the seeded among {args.articles:,} articles | {recall_large:.2f} | {baseline:.2f} (at most) |")
    print("\n### Latency through the local stack's HTTP API\n")
    print("| search | p50 ms | p95 ms | DynamoDB requests (median / max) |\n|---|---|---|---|")
    for name, values, counts in (
        (f"KB, {args.articles:,} articles", kb_times, kb_requests),
        (f"tickets, {args.tickets:,} indexed", ticket_times, ticket_requests),
        ("(floor) a ticket by id", base_times, [1]),
    ):
        p50, p95 = percentiles(values)
        print(f"| {name} | {p50:.0f} | {p95:.0f} | {statistics.median(counts):.0f} / {max(counts)} |")
    print(f"\nTicket searches found {statistics.median(hits):.0f} tickets (median of a page of 25).\n")
    print("### Index items written (postings + the part's item + the document count)\n")
    print("| per | mean | max |\n|---|---|---|")
    for kind in ("ticket", "message", "article"):
        values = written[kind]
        print(f"| {kind} ({len(values):,}) | {statistics.mean(values):.1f} | {max(values)} |")


if __name__ == "__main__":
    main()
