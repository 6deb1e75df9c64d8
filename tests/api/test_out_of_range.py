"""Ids, filters and page numbers beyond the database's integer range are a 400 or a 404 in the API's
error shape, never a server error (SQLite refuses such numbers outright; PostgreSQL compares them)."""

import pytest

HUGE = "53981266842200831509007534391296"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/outcomes/?consultation=-1.42e+242", 400),
        ("/api/v1/statements/?consultation=-1.3e+244&page=261887", 400),
        ("/api/v1/projects/?call=-1.1e+201", 400),
        (f"/api/v1/outcomes/{HUGE}/", 404),
        (f"/api/v1/ideas/?consultation={HUGE}", 400),
        ("/api/v1/statements/?consultation=9223372036854775808", 400),
        ("/api/v1/statements/?consultation=0", 400),
        ("/api/v1/statements/?consultation=1.5", 400),
        (f"/api/v1/statements/?page={HUGE}", 404),
        ("/api/v1/statements/?page=1e300", 404),
        (f"/api/v1/statements/?page_size={HUGE}", 200),
        (f"/api/v1/consultations/{HUGE}/", 404),
        (f"/api/v1/initiatives/{HUGE}/reuses/", 404),
    ],
)
def test_numbers_beyond_range_are_refused_not_a_server_error(api, forum, path, expected):
    response = api.get(path)
    assert response.status_code == expected, response.content[:300]
    assert response["Content-Type"].startswith("application/json")


def test_writes_to_ids_beyond_range_are_404(participant_api, forum):
    for path, body in [
        (f"/api/v1/statements/{HUGE}/vote/", {"value": 1}),
        (f"/api/v1/ideas/{HUGE}/support/", {"supporting": True}),
        (f"/api/v1/consultations/{HUGE}/response/", {"answers": {}}),
    ]:
        assert participant_api.post_json(path, body).status_code == 404, path


def test_ids_within_range_still_filter(api, forum, statement):
    found = api.get(f"/api/v1/statements/?consultation={forum.pk}").json()
    assert [row["id"] for row in found["results"]] == [statement.pk]
    assert api.get("/api/v1/statements/?consultation=999999999999999999").json()["results"] == []
    assert api.get("/api/v1/outcomes/999999999999999999/").status_code == 404
