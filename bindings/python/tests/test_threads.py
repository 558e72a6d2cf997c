"""One Policy shared between threads gives the same answers as one thread."""

from concurrent.futures import ThreadPoolExecutor

import slate

AT = "2026-03-20T00:00:00Z"


def ticket(i: int) -> dict:
    day = 2 + i % 20
    return {
        "id": f"T-{i}",
        "tier": "gold" if i % 2 else "basic",
        "severity": "high" if i % 3 else "low",
        "events": [
            {"at": f"2026-03-{day:02d}T{8 + i % 9:02d}:15:00-06:00", "type": "opened"},
            {"at": f"2026-03-{day:02d}T{9 + i % 9:02d}:45:00-06:00", "type": "replied"},
        ],
    }


def test_threads_share_one_policy(desk: slate.Policy) -> None:
    tickets = [ticket(i) for i in range(400)]
    alone = [desk.evaluate(t, at=AT) for t in tickets]
    cal = desk.calendar("desk")

    def work(i: int):
        t = tickets[i]
        return desk.evaluate(t, at=AT), cal.add(t["events"][0]["at"], "3h")

    with ThreadPoolExecutor(max_workers=8) as pool:
        shared = list(pool.map(work, range(len(tickets))))
    assert [a for a, _ in shared] == alone
    assert [d for _, d in shared] == [cal.add(t["events"][0]["at"], "3h") for t in tickets]


def test_evaluate_many_from_threads(desk: slate.Policy) -> None:
    tickets = [ticket(i) for i in range(1000)]
    expected = list(desk.evaluate_many(tickets, at=AT))

    def run(_):
        return list(desk.evaluate_many(tickets, at=AT, batch_size=97))

    with ThreadPoolExecutor(max_workers=4) as pool:
        for got in pool.map(run, range(4)):
            assert got == expected
