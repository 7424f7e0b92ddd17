"""The readable API documentation."""

from tracker.api.core import OPERATIONS


def test_api_docs_page_lists_every_operation(client, world):
    """Issue 16, finding 23: /api/v1/docs, linked from every profile, always answered 500."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert all(f"{operation.method} /api/v1{operation.path}" in page for operation in OPERATIONS)
