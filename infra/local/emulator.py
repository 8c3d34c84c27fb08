"""Local-mode adjustments to the DynamoDB emulator (moto), so that local mode stays fast as data grows.

moto backs up every table a transaction touches with a deep copy (including all its stream records) to roll back
on failure: each transaction costs time proportional to everything ever written. DynamoDB evaluates a
transaction's conditions against the state before the transaction, and its items are all distinct, so local mode
checks every condition first and then applies the writes, backing up only the touched items. The result, the
cancellation reasons and the stream records are the same.

moto serves requests on several threads and does not isolate them: two transactions could both pass their
conditions before either wrote (two agents' claims on one last slot both succeeding). DynamoDB serializes
transactions and conditional writes on the items they touch; local mode does it for the whole emulator, one write
request at a time (reads stay concurrent).

moto also answers a Query on the table's own key by walking every item of the table, where DynamoDB reads one
partition, and then sorts what it found with its slow typed comparisons: with a search index of a million postings
each Query took about a second. Local mode hands moto's query just the items of the partition asked for; and when
the Query has no sort-key condition and no filter (a search's posting list), just the page it asked for, picked
from the partition sorted by its string sort keys (the same items, in the same order, with the same paging).
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from moto.dynamodb.comparisons import OpDefault, get_filter_expression
from moto.dynamodb.exceptions import (
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table

_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _key_of(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    plan: list[tuple[str, dict[str, Any], dict[str, Any]]] = []
    seen: set[tuple[str, str]] = set()
    errors: list[tuple[str | None, str | None, dict[str, Any] | None]] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        if op_type not in _OPERATIONS:
            raise MockValidationException("Unsupported transaction operation")
        key = _key_of(self, op_type, op)
        identity = (str(op["TableName"]), str(dict(sorted(key.items()))))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        plan.append((op_type, op, key))
        current = self.get_item(op["TableName"], key)
        condition = op.get("ConditionExpression")
        if condition is not None:
            check = get_filter_expression(
                condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            )
            if not check.expr(current):
                wanted = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current
                errors.append(
                    (
                        "ConditionalCheckFailed",
                        "The conditional request failed",
                        current.to_json()["Attributes"] if wanted else None,
                    )
                )
                continue
        errors.append((None, None, None))
    if any(code is not None for code, _, _ in errors):
        raise TransactionCanceledException(errors)

    # Every condition holds: apply the writes, keeping just enough to undo them if one is malformed.
    backup = []
    for _, op, key in plan:
        table = self.get_table(op["TableName"])
        shard = table.stream_shard
        backup.append(
            (table, key, copy.deepcopy(self.get_item(op["TableName"], key)), len(shard.items) if shard else 0)
        )
    try:
        for op_type, op, key in plan:
            names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
            if op_type == "Put":
                self.put_item(
                    op["TableName"], op["Item"], expression_attribute_names=names, expression_attribute_values=values
                )
            elif op_type == "Delete":
                self.delete_item(
                    op["TableName"], key, expression_attribute_names=names, expression_attribute_values=values
                )
            elif op_type == "Update":
                self.update_item(
                    op["TableName"],
                    key,
                    update_expression=op["UpdateExpression"],
                    expression_attribute_names=names,
                    expression_attribute_values=values,
                )
    except Exception:
        for table, key, previous, stream_length in reversed(backup):
            if previous is None:
                self.delete_item(table.name, key)
            else:
                self.put_item(table.name, previous.to_json()["Attributes"])
            if table.stream_shard is not None:
                del table.stream_shard.items[stream_length:]  # the undone writes leave no stream records
        raise


_writing = threading.RLock()  # one write request at a time (a transaction's own writes re-enter it)


def _serialized(write: Any) -> Any:
    def serialized(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _writing:
            return write(self, *args, **kwargs)

    serialized.__name__ = write.__name__
    return serialized


_table_query = Table.query
_table_all_items = Table.all_items
_querying = threading.local()  # the emulator serves requests on several threads at once


def all_items(self: Table) -> list[Any]:
    partition = getattr(_querying, "partition", None)
    if partition is not None and partition[0] is self:
        return partition[1]
    return _table_all_items(self)


def query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None or not self.range_key_attr:
        return _table_query(self, hash_key, *args, **kwargs)
    partition = list(self.items.get(hash_key, {}).values())
    page = _plain_page(self, partition, args, kwargs)
    if page is not None:
        partition, args = page
    # moto's query filters `all_items()` by the hash key: while it runs, this thread's table holds one partition.
    _querying.partition = (self, partition)
    try:
        return _table_query(self, hash_key, *args, **kwargs)
    finally:
        _querying.partition = None


def _plain_page(self: Table, partition: list[Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """For a Query with no sort-key condition and no filter on string sort keys: the items of the page (and one
    more, by which moto knows there are more), in key order after the start key; moto then reads only those."""
    range_comparison, _, limit, start, forward = args[:5]
    expression = args[8] if len(args) > 8 else kwargs.get("filter_expression")
    filtered = expression is not None and not isinstance(expression, OpDefault)  # OpDefault: no FilterExpression
    extra = {k: v for k, v in kwargs.items() if k not in ("hash_key_conditions", "range_key_conditions")}
    if range_comparison or filtered or extra or kwargs.get("range_key_conditions") or not limit:
        return None
    if any(item.range_key.type != "S" for item in partition):
        return None
    ordered = sorted(partition, key=lambda item: item.range_key.value, reverse=not forward)
    if start:
        after = start[self.range_key_attr]["S"]
        ordered = [i for i in ordered if (i.range_key.value > after if forward else i.range_key.value < after)]
    return ordered[: limit + 1], (None, args[1], limit, None, *args[4:])


def install() -> None:
    if getattr(DynamoDBBackend, "_local_mode", False):
        return
    DynamoDBBackend._local_mode = True  # type: ignore[attr-defined]
    DynamoDBBackend.transact_write_items = _serialized(transact_write_items)  # type: ignore[method-assign]
    for name in ("put_item", "update_item", "delete_item"):
        setattr(DynamoDBBackend, name, _serialized(getattr(DynamoDBBackend, name)))
    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]
