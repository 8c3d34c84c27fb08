"""Local mode's emulator patches (infra/local/emulator.py) answer Queries as DynamoDB does: the same items, in the
same order, with the same paging, whether or not the page was picked from the partition directly."""

from __future__ import annotations

import random


def _all_pages(client, table: str, pk: str, forward: bool, limit: int, **extra) -> list[str]:
    keys, start = [], None
    while True:
        request = {
            "TableName": table,
            "KeyConditionExpression": "pk = :p" + (" AND begins_with(sk, :b)" if "prefix" in extra else ""),
            "ExpressionAttributeValues": {
                ":p": {"S": pk},
                **({":b": {"S": extra["prefix"]}} if "prefix" in extra else {}),
            },
            "ScanIndexForward": forward,
            "Limit": limit,
        }
        if start:
            request["ExclusiveStartKey"] = start
        page = client.query(**request)
        keys += [item["sk"]["S"] for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return keys


def test_queries_page_through_a_partition_in_key_order(env):
    client = env.stack.client("dynamodb")
    table = env.stack.names["TicketsTable"]
    rng = random.Random(3)
    keys = sorted({f"{rng.randint(0, 9999):04d}#{rng.randint(0, 10**6):07d}" for _ in range(130)})
    for sk in rng.sample(keys, len(keys)):
        client.put_item(TableName=table, Item={"pk": {"S": "IDX#TK#测试"}, "sk": {"S": sk}, "kind": {"S": "posting"}})
        client.put_item(TableName=table, Item={"pk": {"S": "IDX#TK#其他"}, "sk": {"S": sk}, "kind": {"S": "posting"}})
    for limit in (1, 7, 50, 500):
        assert _all_pages(client, table, "IDX#TK#测试", True, limit) == keys
        assert _all_pages(client, table, "IDX#TK#测试", False, limit) == keys[::-1]
    with_prefix = [k for k in keys if k.startswith("1")]
    assert _all_pages(client, table, "IDX#TK#测试", True, 5, prefix="1") == with_prefix
    assert _all_pages(client, table, "IDX#TK#无", True, 5) == []
