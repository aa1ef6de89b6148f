from django.conf import settings


def pytest_collection_modifyitems(config, items):
    """On SQLite, ``postgres_only`` tests of this app are deselected (their SQLite variants run instead),
    unless the marker was asked for explicitly (``-m postgres_only``): then they run and fail loudly."""
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    if "postgres_only" in (config.option.markexpr or ""):
        return
    here = str(config.rootpath / "relais" / "merchandising")
    deselected = [i for i in items if i.get_closest_marker("postgres_only") and str(i.path).startswith(here)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [i for i in items if i not in deselected]
