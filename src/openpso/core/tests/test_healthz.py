from django.conf import settings


def test_healthz_answers_ok(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_the_suite_uses_its_own_data_dir():
    assert "openpso-test-" in str(settings.DATA_DIR)
