from dataclasses import dataclass

import pytest
from _pytest.nodeid import NodeId

from openpso.testing.node_ids import give_each_test_its_own_id

MODULE = NodeId(path="src/openpso/core/tests/test_api_fuzz.py")


@dataclass
class _Parent:
    id: NodeId


class _Item:
    """What pytest 9 makes of a schemathesis test: the operation in the name, not in the id."""

    def __init__(self, name: str, originalname: str) -> None:
        self.name = name
        self.originalname = originalname
        self.parent = _Parent(MODULE)
        self._id = MODULE.child(originalname)

    @property
    def nodeid(self) -> str:
        return str(self._id)


def test_each_fuzzed_operation_gets_its_own_id():
    items = [_Item(f"test_fuzz[{op}]", "test_fuzz") for op in ("GET /api/v1/reports", "POST /api/v1/reports")]
    assert items[0].nodeid == items[1].nodeid  # as collected
    give_each_test_its_own_id(items)
    assert [item.nodeid for item in items] == [
        "src/openpso/core/tests/test_api_fuzz.py::test_fuzz[GET /api/v1/reports]",
        "src/openpso/core/tests/test_api_fuzz.py::test_fuzz[POST /api/v1/reports]",
    ]


def test_two_tests_left_with_one_id_stop_the_run():
    with pytest.raises(pytest.UsageError, match="share the node id"):
        give_each_test_its_own_id([_Item("test_same", "test_same"), _Item("test_same", "test_same")])


def test_this_run_has_no_two_tests_with_one_id(request):
    ids = [item.nodeid for item in request.session.items]
    assert len(set(ids)) == len(ids)
