def test_today_sends_a_new_mother_to_setup(mother_client):
    response = mother_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/setup/"
