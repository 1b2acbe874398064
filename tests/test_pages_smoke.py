import pytest

import builders

pytestmark = pytest.mark.django_db


def test_home_page_lists_newest_meeting(client):
    meeting = builders.meeting()
    response = client.get("/")
    assert response.status_code == 200
    assert meeting.committee.name in response.text
    assert '<html lang="da">' in response.text
