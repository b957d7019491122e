from tests.test_manage_publish import *  # noqa

def test_dbg(server, users_db):
    correct_2018_19()
    client = signed_in(server, SOUTH_GLOS_EDITOR)
    opened = client.get(f"{PUBLISH}?period=2018/19").text
    sent = client.post(PUBLISH, data={"csrf_token": token(client), "period": "2018/19", "confirm": "y", "seen": _SEEN.search(opened).group(1)})
    import re
    print(re.findall(r'alert-link">([^<]*)', sent.text), sent.text[:300] if sent.status_code == 400 and "alert-link" not in sent.text else "")
    assert 0
