"""Password guessing at the app's login is braked: after a failure every login is refused for
a pause that doubles with each failure in a row; a success resets it. A clock the test moves
stands in for waiting."""

from __future__ import annotations

import app_gradio
from waishi.logins import LoginThrottle
from waishi.settings import Settings


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_pause_every_login_for_longer_each_time() -> None:
    clock = Clock()
    throttle = LoginThrottle(longest_s=30.0, clock=clock)
    checked: list[str] = []

    def login(password: str) -> bool:
        def check() -> bool:
            checked.append(password)
            return password == "right"
        return throttle.attempt(check)

    assert login("right")
    assert not login("wrong")  # 1st failure: 1 s pause
    assert not login("right")  # refused unchecked during the pause
    assert checked == ["right", "wrong"]
    clock.now += 1.0
    assert not login("wrong")  # 2nd: 2 s
    clock.now += 1.5
    assert not login("right")
    clock.now += 0.5
    for _ in range(8):  # failures in a row, each after its pause: 4, 8, 16, 30, 30 … s
        assert not login("wrong")
        clock.now += 30.0
    assert checked.count("wrong") == 10
    assert login("right")  # a success resets the brake
    assert not login("wrong")
    clock.now += 1.0
    assert login("right")


def test_the_app_login_is_throttled() -> None:
    options = app_gradio.launch_options(Settings(password="s3cret"))
    check = options["auth"]
    assert check("analyst", "s3cret")
    assert not check("analyst", "guess")
    assert not check("analyst", "s3cret")  # within the pause after the failure
