"""The API driven from its own OpenAPI document (schemathesis): no input gives a 500.

A few examples per operation keep this to seconds; every case is sent with a
read+write key, so generated bodies reach the services, not only the key check.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Api


def test_no_generated_input_gives_a_server_error(api_world: Api) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api_world.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    seen: dict[int, int] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case) -> None:
            response = case.call_and_validate(headers=api_world.both, checks=[not_a_server_error])
            seen[response.status_code] = seen.get(response.status_code, 0) + 1

        run()
    # Generated cases got past the key and the schema, not only refusals.
    assert any(200 <= code < 300 for code in seen), seen
    assert 422 in seen, seen
