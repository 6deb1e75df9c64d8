"""What each app holds about a person, for "Download my data" and for deleting the account.

`accounts` cannot import the apps built on it, so they register here (in their AppConfig.ready) a
function that returns what they hold about a user as JSON-ready data, and, where they hold personal
data that the database does not remove with the user row, a function that erases it.
"""

from collections.abc import Callable

Exporter = Callable[[object], object]

_exporters: dict[str, Exporter] = {}


def register_exporter(key: str):
    def decorator(function: Exporter) -> Exporter:
        _exporters[key] = function
        return function

    return decorator


def exporters() -> dict[str, Exporter]:
    return dict(_exporters)


Eraser = Callable[[object], None]

_erasers: dict[str, Eraser] = {}


def register_eraser(key: str):
    def decorator(function: Eraser) -> Eraser:
        _erasers[key] = function
        return function

    return decorator


def erasers() -> dict[str, Eraser]:
    return dict(_erasers)
