"""The object-route tenancy matrix (core/tests/test_tenancy_matrix.py) for one group of cast roles.

A file of its own so that `--dist loadfile` can run it on another worker than the rest of the
matrix; the routes, objects, policy and assertions are test_tenancy_matrix's, unchanged.
"""

from __future__ import annotations

import pytest

from openpso.core.tests.test_tenancy_matrix import OBJECT_ROUTE_ROLE_GROUPS, check_object_routes


@pytest.mark.parametrize("who", OBJECT_ROUTE_ROLE_GROUPS[2])
def test_object_routes_answer_404_for_anything_foreign(cast, client_for, who):
    check_object_routes(cast, client_for(who), who)
