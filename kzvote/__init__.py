"""kzvote: reconcile election results — vote counts against published percentages."""

__version__ = "1.0.0"
