"""One module per tab, each a function of an explicit `PageState`."""
