"""What each app holds about a person, for "Download my data".

`accounts` cannot import the apps built on it, so they register here (in their AppConfig.ready) a
function that returns what they hold about a user as JSON-ready data.
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
