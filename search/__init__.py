"""Danish full-text search over agenda items. The way in: `from search import run, SearchParams`."""


def __getattr__(name):
    # The package is imported as a Django app before the models are ready, so the entry point
    # (which stands on the models) is imported when first asked for, not with the package.
    if name in ("run", "SearchParams", "SearchResult"):
        from search import params, service

        return getattr(service if name != "SearchParams" else params, name)
    raise AttributeError(name)
