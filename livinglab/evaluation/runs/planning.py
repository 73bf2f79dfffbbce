"""Sample size planning (DESIGN.md §4): shared by the `sample_size` command and the admin page."""


def sample_size_report(**arguments) -> dict:
    """The stats result with n_per_group rounded to 2 decimals, as the command contract shows."""
    # Imported here: `evaluation.stats` loads scipy and statsmodels, and the admin views
    # import this module at start-up.
    from livinglab.evaluation.stats import sample_size

    result = sample_size(**arguments)
    result["n_per_group"] = round(result["n_per_group"], 2)
    return result
