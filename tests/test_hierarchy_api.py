"""Account hierarchies: children created under a parent, the tree, moving an account."""

from __future__ import annotations

from conftest import assert_error


def _tree(api, account_id: int) -> dict:
    return api.get(f"/{account_id}/hierarchy").json()


def test_children_take_their_root_and_the_tree_answers_from_any_member(api) -> None:
    root = api.add_account()
    child = api.add_account(externalId="C2", parentAccountId=root["id"])
    grandchild = api.add_account(externalId="C3", parentAccountId=child["id"])
    assert child["parentAccountId"] == root["id"] and child["rootAccountId"] == root["id"]
    assert grandchild["rootAccountId"] == root["id"]
    for member in (root, child, grandchild):
        tree = _tree(api, member["id"])
        assert tree["hierarchy"] == {"id": root["id"], "children": [
            {"id": child["id"], "children": [{"id": grandchild["id"], "children": []}]}]}
        assert [a["id"] for a in tree["accounts"]] == [root["id"], child["id"], grandchild["id"]]
    alone = api.add_account(externalId="C4")
    assert _tree(api, alone["id"])["hierarchy"] == {"id": alone["id"], "children": []}
    assert_error(api.post(json={"companyOrOrganization": "Orphan", "parentAccountId": 9999}),
                 404, "ITEM_NOT_FOUND", "9999")


def test_moving_an_account_moves_its_subtree_and_never_makes_a_cycle(api) -> None:
    a = api.add_account(externalId="A")
    b = api.add_account(externalId="B", parentAccountId=a["id"])
    c = api.add_account(externalId="C", parentAccountId=b["id"])
    other = api.add_account(externalId="O")
    moved = api.post(f"/{b['id']}/changeparent/{other['id']}")
    assert moved.status_code == 200, moved.text
    assert moved.json()["parentAccountId"] == other["id"]
    assert moved.json()["rootAccountId"] == other["id"]
    assert api.get(f"/{c['id']}").json()["rootAccountId"] == other["id"]
    assert _tree(api, a["id"])["hierarchy"] == {"id": a["id"], "children": []}
    assert _tree(api, c["id"])["hierarchy"]["id"] == other["id"]
    assert_error(api.post(f"/{other['id']}/changeparent/{c['id']}"), 409,
                 "VALIDATION_CONFLICT", "cycle")
    assert_error(api.post(f"/{b['id']}/changeparent/{b['id']}"), 409, "VALIDATION_CONFLICT",
                 "own parent")
    assert_error(api.post(f"/{b['id']}/changeparent/9999"), 404, "ITEM_NOT_FOUND")
    assert api.get(f"/{other['id']}").json()["parentAccountId"] is None
